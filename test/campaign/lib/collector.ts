/**
 * Campaign collector: every node run (outputs, errors, logs), every secret seen (credential stores,
 * tokens the sandbox issued) and the figures of a suite. Jest gives each test file its own module
 * registry, so each suite (faults, load, bad input) has its own collector; report.ts writes each
 * suite's figures to a file (figures.ts) for the combined report printed once after the run.
 */
import { findSecrets, secretsOf, type TestContext } from '../../helpers';
import { SANDBOX_CLIENT_SECRET } from '../../helpers/sandboxCredentials';
import type { LoadFigures } from './figures';

export interface FaultRow {
	fault: string;
	outcome: 'published once' | 'failed clearly' | 'WRONG';
	initCalls: number;
	/** 'ok' when the sandbox's sha256 of the assembled upload equals the source's; '-' when nothing was assembled */
	bytes: string;
	ms: number;
	note?: string;
}

export interface BadInputTally {
	total: number;
	rejected: number;
	failures: string[];
}

interface RunLike {
	label: string;
	ctx: TestContext;
	output?: unknown;
	error?: Error & { description?: string };
}

function errorJson(error: unknown): unknown {
	if (!error) return undefined;
	try {
		const e = error as { toJSON?: () => unknown };
		return JSON.parse(JSON.stringify(typeof e.toJSON === 'function' ? e.toJSON() : error));
	} catch {
		return String(error);
	}
}

class Collector {
	readonly artifacts: Array<{ label: string; value: unknown }> = [];
	readonly secrets = new Set<string>([SANDBOX_CLIENT_SECRET]);
	readonly faults: FaultRow[] = [];
	readonly badInputs = new Map<string, BadInputTally>();
	/** sandbox-issued tokens over time (token tap) */
	tokensIssued = 0;
	tokenRefreshes = 0;
	duplicatePosts = 0;
	load: LoadFigures | undefined;
	readonly notes: string[] = [];
	runs = 0;
	/** set by the secret scan (report.ts); undefined until it ran */
	leaks: number | undefined;

	recordRun(run: RunLike): void {
		this.runs++;
		const ctx = run.ctx;
		for (const s of secretsOf(ctx)) this.secrets.add(s);
		this.tokenRefreshes += ctx.harness.tokenSaves;
		this.artifacts.push({
			label: run.label,
			value: {
				output: run.output,
				message: run.error?.message,
				description: run.error?.description,
				errorJson: errorJson(run.error),
				error: run.error,
				logs: ctx.harness.logs,
			},
		});
	}

	addArtifact(label: string, value: unknown): void {
		this.artifacts.push({ label, value });
	}

	addSecrets(...values: Array<string | undefined | null>): void {
		for (const v of values) if (typeof v === 'string' && v.length >= 4) this.secrets.add(v);
	}

	badInput(category: string, rejected: boolean, failure?: string): void {
		const tally = this.badInputs.get(category) ?? { total: 0, rejected: 0, failures: [] };
		tally.total++;
		if (rejected) tally.rejected++;
		else if (failure && tally.failures.length < 5) tally.failures.push(failure);
		this.badInputs.set(category, tally);
	}

	badInputTotals(): { total: number; rejected: number } {
		let total = 0;
		let rejected = 0;
		for (const t of this.badInputs.values()) {
			total += t.total;
			rejected += t.rejected;
		}
		return { total, rejected };
	}

	/** Scans every artifact for every secret; returns the leaks (masked). */
	scanSecrets(): Array<{ label: string; path: string; secret: string }> {
		const secrets = [...this.secrets];
		const leaks: Array<{ label: string; path: string; secret: string }> = [];
		for (const a of this.artifacts) {
			for (const f of findSecrets(a.value, secrets)) leaks.push({ label: a.label, ...f });
		}
		return leaks;
	}
}

export const collector = new Collector();
