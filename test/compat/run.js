#!/usr/bin/env node
/*
 * npm run test:compat — the e2e parts that matter, on every n8n line the package supports.
 *
 *   1. installs every version at once (scripts/n8n-install.js --version <v>, one child each, each in its
 *      own cache folder; an install already there is only checked);
 *   2. for each version that installed, one after the other: test/e2e/run.js with N8N_TEST_VERSION=<v>
 *      and E2E_ONLY=<the compat parts> (the same parts and lib as npm run test:e2e, nothing copied);
 *   3. prints a table: version, install (reused / minutes), checks passed / failed, duration.
 *
 * Versions: N8N_COMPAT_VERSIONS (comma list, default "1.123.81,2.41.3,2.41.1"; "none" runs nothing).
 * Parts: COMPAT_PARTS (default below). Cache folders: as scripts/n8n-install.js (N8N_CACHE_DIR is 2.41.1's,
 * N8N_CACHE_ROOT/n8n-<v> the others'); each child gets its folder as N8N_CACHE_DIR.
 * A version the npm registry cannot supply (npm: no such version of one of its exact dependencies) is
 * reported as NOT INSTALLABLE with npm's reason; it fails the run only with COMPAT_REQUIRE_INSTALL=1
 * (CI against registry.npmjs.org sets it). Any failed check or install error fails the run.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { cacheDirFor, DEFAULT_N8N_VERSION, N8N_VERSIONS } = require('../../scripts/n8n-install');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DEFAULT_VERSIONS = ['1.123.81', '2.41.3', DEFAULT_N8N_VERSION];
/*
 * a: examples (a binary post from a file, a URL post with Upload Method Auto both ways: pulled, and
 *    downloaded + uploaded after TikTok's url_ownership_unverified); b: connect; c: refresh accepted by
 *    n8n's own refresh (query string); d: the trigger; e: refused connect and Drafts Only; g: photo posts;
 *    k: refresh in the body-only, both-refused and 4xx modes.
 */
const DEFAULT_PARTS = 'a,b,c,d,e,g,k';

function secs(ms) {
	return ms >= 60000 ? `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

function line(s = '') {
	process.stdout.write(`${s}\n`);
}

/** Runs a node script; output goes through, prefixed; resolves { code, ms, tail }. */
function runChild(args, env, prefix) {
	return new Promise((resolve) => {
		const t0 = Date.now();
		const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let tail = '';
		const forward = (chunk) => {
			const text = chunk.toString();
			tail = (tail + text).slice(-20000);
			process.stdout.write(text.replace(/^(?=.)/gm, prefix));
		};
		child.stdout.on('data', forward);
		child.stderr.on('data', forward);
		child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), ms: Date.now() - t0, tail }));
	});
}

function childEnv(version, extra = {}) {
	const env = { ...process.env, N8N_TEST_VERSION: version, N8N_CACHE_DIR: cacheDirFor(version), ...extra };
	return env;
}

async function installAll(versions) {
	line(`== installs, in parallel: ${versions.join(', ')}`);
	const results = await Promise.all(
		versions.map((v) => runChild([path.join(REPO_ROOT, 'scripts', 'n8n-install.js'), '--version', v], childEnv(v), `[install ${v}] `)),
	);
	return Object.fromEntries(
		versions.map((v, i) => {
			const r = results[i];
			const reused = /"reused":true/.test(r.tail);
			const reason = /FAILED: (.*)/.exec(r.tail)?.[1];
			return [v, { ok: r.code === 0, notInRegistry: r.code === 3, reused, ms: r.ms, reason }];
		}),
	);
}

function countsOf(text) {
	const m = /(\d+) passed, (\d+) failed\s*$/.exec(text.trim());
	return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
}

async function main() {
	const raw = process.env.N8N_COMPAT_VERSIONS ?? DEFAULT_VERSIONS.join(',');
	const versions = raw === 'none' ? [] : raw.split(',').map((v) => v.trim()).filter(Boolean);
	if (versions.length === 0) {
		line('test:compat: no versions (N8N_COMPAT_VERSIONS=none): nothing to run');
		return 0;
	}
	for (const v of versions) if (!N8N_VERSIONS[v]) throw new Error(`n8n ${v}: not a version scripts/n8n-install.js installs (${Object.keys(N8N_VERSIONS).join(', ')})`);
	const parts = process.env.COMPAT_PARTS || DEFAULT_PARTS;
	const t0 = Date.now();
	const installs = await installAll(versions);
	const rows = [];
	for (const v of versions) {
		const inst = installs[v];
		if (!inst.ok) {
			rows.push({ v, inst, result: inst.notInRegistry ? 'NOT INSTALLABLE' : 'INSTALL FAILED', ms: 0 });
			continue;
		}
		line(`\n== n8n ${v}: e2e parts ${parts}`);
		const run = await runChild([path.join(REPO_ROOT, 'test', 'e2e', 'run.js')], childEnv(v, { E2E_ONLY: parts }), `[${v}] `);
		const counts = countsOf(run.tail);
		const ok = run.code === 0 && counts && counts.failed === 0;
		rows.push({ v, inst, result: counts ? `${counts.passed} passed, ${counts.failed} failed` : `runner exit ${run.code}`, ok, ms: run.ms });
	}

	line('\n== compatibility');
	line(`${'n8n'.padEnd(10)} ${'install'.padEnd(24)} ${'checks'.padEnd(22)} duration`);
	for (const r of rows) {
		const inst = r.inst.ok ? (r.inst.reused ? 'reused' : `installed in ${secs(r.inst.ms)}`) : `failed after ${secs(r.inst.ms)}`;
		line(`${r.v.padEnd(10)} ${inst.padEnd(24)} ${r.result.padEnd(22)} ${r.ms ? secs(r.ms) : '-'}`);
		if (!r.inst.ok) line(`           ${r.inst.reason ?? 'see the install output above'}`);
	}
	line(`total ${secs(Date.now() - t0)} (parts ${parts})`);
	const requireInstall = process.env.COMPAT_REQUIRE_INSTALL === '1';
	const failed = rows.filter((r) => (r.inst.ok ? !r.ok : !r.inst.notInRegistry || requireInstall));
	if (rows.some((r) => r.inst.notInRegistry && !requireInstall)) {
		line('NOT INSTALLABLE: this npm registry lacks an exact dependency of that n8n version (npm\'s words above); no check of it ran.');
	}
	fs.mkdirSync(path.join(REPO_ROOT, '.cache'), { recursive: true });
	fs.writeFileSync(path.join(REPO_ROOT, '.cache', 'compat-results.json'), JSON.stringify({ at: new Date().toISOString(), parts, rows }, null, 2));
	return failed.length ? 1 : 0;
}

main()
	.then((code) => {
		process.exitCode = code;
	})
	.catch((e) => {
		line(`FAIL  test:compat crashed — ${e.stack || e.message}`);
		process.exitCode = 1;
	});
