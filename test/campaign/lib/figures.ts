/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * The campaign's figures on disk and the report made of them. Each suite writes its figures to
 * .cache/campaign/<suite>.json (report.ts); jest's globalTeardown reads them all and prints one
 * report. Jest runs test files in separate module registries (and workers), so figures cannot be
 * shared in memory. No jest or node-code imports here: globalSetup/globalTeardown load this file.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { BadInputTally, FaultRow } from './collector';

export const REPORT_DIR = path.resolve(__dirname, '../../../.cache/campaign');

export type SuiteName = 'faults' | 'load' | 'badInput';
const SUITE_ORDER: SuiteName[] = ['faults', 'load', 'badInput'];

export interface SuiteFigures {
	suite: SuiteName;
	faults: FaultRow[];
	badInputs: Array<[string, BadInputTally]>;
	load?: LoadFigures;
	duplicatePosts: number;
	leaks?: number;
	notes: string[];
	secrets: number;
	tokensIssued: number;
	tokenRefreshes: number;
	artifacts: number;
	runs: number;
}

export interface LoadFigures {
	items: number;
	published: number;
	outputs: number;
	count429: number;
	measuredMs: number;
	minimumMs: number;
}

export function writeSuiteFigures(figures: SuiteFigures): void {
	fs.mkdirSync(REPORT_DIR, { recursive: true });
	fs.writeFileSync(path.join(REPORT_DIR, `${figures.suite}.json`), JSON.stringify(figures));
}

export function readSuiteFigures(): SuiteFigures[] {
	return SUITE_ORDER.flatMap((suite) => {
		const file = path.join(REPORT_DIR, `${suite}.json`);
		return fs.existsSync(file) ? [JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteFigures] : [];
	});
}

const sum = (figures: SuiteFigures[], pick: (f: SuiteFigures) => number) => figures.reduce((n, f) => n + pick(f), 0);

/** The report's lines; a suite that did not run shows as n/a. */
export function formatCampaignReport(figures: SuiteFigures[]): string[] {
	const ran = new Set(figures.map((f) => f.suite));
	const faults = figures.flatMap((f) => f.faults);
	const survived = faults.filter((r) => r.outcome !== 'WRONG').length;
	const badInputs = figures.flatMap((f) => f.badInputs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	const bad = { total: 0, rejected: 0 };
	for (const [, t] of badInputs) {
		bad.total += t.total;
		bad.rejected += t.rejected;
	}
	const leaks = figures.every((f) => f.leaks !== undefined) ? sum(figures, (f) => f.leaks!) : -1;
	const load = figures.find((f) => f.load)?.load;

	const lines: string[] = [];
	lines.push('==================== TikTok nodes — reliability & security campaign ====================');
	lines.push(
		`faults survived ${ran.has('faults') ? `${survived}/${faults.length}` : 'n/a'}, bad inputs rejected before upload ${ran.has('badInput') ? `${bad.rejected}/${bad.total}` : 'n/a'}, duplicate posts ${sum(figures, (f) => f.duplicatePosts)}, secrets leaked ${leaks}, 429s ${load?.count429 ?? 'n/a'}`,
	);
	lines.push('');
	lines.push('Faults (outcome | accepted init calls | bytes | ms | note)');
	for (const r of faults) {
		lines.push(`  ${r.fault.padEnd(44)} ${r.outcome.padEnd(15)} init ${r.initCalls}  ${r.bytes.padEnd(26)} ${String(r.ms).padStart(5)} ms${r.note ? `  ${r.note}` : ''}`);
	}
	lines.push('');
	lines.push('Bad inputs (rejected before upload / runs)');
	for (const [category, t] of badInputs) {
		lines.push(`  ${category.padEnd(44)} ${t.rejected}/${t.total}${t.failures.length ? `  FAIL: ${t.failures[0]}` : ''}`);
	}
	lines.push('');
	if (load) {
		lines.push(
			`Load: ${load.items} items, ${load.published} published once, ${load.outputs} output items, 429s ${load.count429}, ${load.measuredMs} ms measured vs ${load.minimumMs} ms minimum (x${(load.measuredMs / load.minimumMs).toFixed(3)}, target <= x1.10)`,
		);
	}
	for (const n of figures.flatMap((f) => f.notes)) lines.push(`  - ${n}`);
	lines.push(
		`  - secrets: ${sum(figures, (f) => f.secrets)} secrets (${sum(figures, (f) => f.tokensIssued)} tokens issued by the sandbox, ${sum(figures, (f) => f.tokenRefreshes)} refreshes saved) scanned over ${sum(figures, (f) => f.artifacts)} artifacts from ${sum(figures, (f) => f.runs)} runs`,
	);
	lines.push('=========================================================================================');
	return lines;
}
