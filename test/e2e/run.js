#!/usr/bin/env node
/*
 * npm run test:e2e — the package in a real n8n 2.41.1 (or N8N_TEST_VERSION) against the TikTok sandbox.
 *
 *   setup  install n8n once (scripts/n8n-install.js), npm run build, npm pack, start the sandbox
 *   parts  every file in test/e2e/parts/ (in name order), each `{ id, title, checks, run(env) }`;
 *          see test/e2e/README.md for what each part does
 *
 * Plain Node.js (runs on the machine's Node 20; n8n runs on Node 24). Ends with "N passed, N failed".
 * Env: E2E_KEEP=1 keeps the work folder (.n8n-e2e/run-*); E2E_ONLY=a,c runs a subset of part ids;
 *      E2E_N8N_LOG_LEVEL=debug for noisy n8n logs; N8N_TEST_VERSION=1.123.81 runs on another n8n of
 *      scripts/n8n-install.js (parts read env.install.version where n8n lines differ; test/compat runs it so);
 *      E2E_TARBALL=<packed .tgz> installs that tarball instead of building and packing (runs side by side).
 * Exit code 3 (and no part run): that n8n version cannot be installed from this npm registry.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { ensureN8n } = require('../../scripts/n8n-install');
const { REPO_ROOT, secs, pidAlive } = require('./lib/util');
const { line, check, skipAsFailed, part, summary } = require('./lib/harness');
const { startSandboxProcess } = require('./lib/sandbox');
const { buildPackage, packPackage } = require('./lib/package');

const PARTS_DIR = path.join(__dirname, 'parts');

function loadParts() {
	const parts = fs
		.readdirSync(PARTS_DIR)
		.filter((f) => f.endsWith('.js'))
		.sort()
		.map((f) => require(path.join(PARTS_DIR, f)));
	const only = process.env.E2E_ONLY ? process.env.E2E_ONLY.split(',').map((s) => s.trim()) : undefined;
	return only ? parts.filter((p) => only.includes(p.id)) : parts;
}

/** This run's work folder; older ones go unless their runner is still alive (another run in this checkout). */
function makeWorkFolder() {
	const workRoot = path.join(REPO_ROOT, '.n8n-e2e');
	fs.mkdirSync(workRoot, { recursive: true });
	for (const f of fs.readdirSync(workRoot)) {
		const m = /^run-(\d+)-/.exec(f);
		if (!f.startsWith('run-') || (m && pidAlive(Number(m[1])))) continue;
		fs.rmSync(path.join(workRoot, f), { recursive: true, force: true });
	}
	const work = path.join(workRoot, `run-${process.pid}-${Date.now()}`);
	fs.mkdirSync(path.join(work, 'media'), { recursive: true });
	return work;
}

/** n8n, the packed package and the sandbox: what every part needs. Returns the shared env. */
async function setup(work, cleanups) {
	const env = {
		work,
		mediaDir: path.join(work, 'media'),
		cleanups,
		userFolder: (name) => path.join(work, name),
		// parts hand results to later parts here (e.g. b's connected credential to c)
		shared: {},
		media: require('../sandbox/media'),
	};
	let t = Date.now();
	env.install = await ensureN8n();
	line(`n8n ${env.install.version} install: ${env.install.reused ? 'reused' : 'installed'} in ${secs(Date.now() - t)} (${env.install.cacheDir})`);
	if (process.env.E2E_TARBALL) {
		// a tarball packed once for runs side by side (.ci/run runs test:e2e and test:compat at once):
		// two builds into the same dist/ at the same time would race
		await check('setup: the packed package (E2E_TARBALL)', async () => {
			env.tarball = path.resolve(process.env.E2E_TARBALL);
			if (!fs.existsSync(env.tarball)) throw new Error(`E2E_TARBALL ${env.tarball} does not exist`);
			return path.basename(env.tarball);
		});
	} else await check('setup: npm run build', async () => `built in ${secs(await buildPackage())}`);
	if (!process.env.E2E_TARBALL) await check('setup: npm pack', async () => {
		const packed = await packPackage(path.join(work, 'pack'));
		env.tarball = packed.tarball;
		const need = ['package.json', 'dist/credentials/TikTokOAuth2Api.credentials.js'];
		for (const f of need) if (packed.files.length && !packed.files.includes(f)) throw new Error(`tarball lacks ${f}`);
		return `${path.basename(env.tarball)}, ${packed.files.length} files`;
	});
	t = Date.now();
	await check('setup: sandbox started (node test/sandbox/cli.js --port 0)', async () => {
		env.sandbox = await startSandboxProcess({ port: 0 });
		cleanups.push(() => env.sandbox.close());
		await env.sandbox.log();
		return `${env.sandbox.baseUrl} in ${secs(Date.now() - t)}`;
	});
	return env;
}

async function main() {
	const tStart = Date.now();
	const work = makeWorkFolder();
	line(`e2e work folder: ${path.relative(REPO_ROOT, work)}`);
	const cleanups = [];
	const runCleanups = async () => {
		for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
	};
	const onSignal = async () => {
		await runCleanups();
		process.exit(130);
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);

	let env = { cleanups };
	let notInRegistry;
	await part('setup', async () => {
		try {
			env = await setup(work, cleanups);
		} catch (e) {
			notInRegistry = e.notInRegistry && e.message;
			throw e;
		}
	});
	if (notInRegistry) {
		await runCleanups();
		line(`\nNOT INSTALLABLE: ${notInRegistry}`);
		process.exit(3);
	}
	const ready = Boolean(env.install && env.tarball && env.sandbox);

	for (const p of loadParts()) {
		await part(p.title, async () => {
			if (!ready) return skipAsFailed(p.checks, 'setup failed');
			await p.run(env);
		});
	}

	await runCleanups();
	const { passed, failed, total, failures, durations } = summary();
	line('\n== durations');
	for (const d of durations) line(`${d.label.padEnd(62)} ${secs(d.ms)}`);
	line(`${'total'.padEnd(62)} ${secs(Date.now() - tStart)}`);
	if (failed) {
		line('\nfailed checks:');
		for (const r of failures) line(`- ${r.name}: ${String(r.reason).split('\n')[0]}`);
		line(`work folder kept: ${path.relative(REPO_ROOT, work)}`);
	} else if (!process.env.E2E_KEEP) {
		fs.rmSync(work, { recursive: true, force: true });
	}
	line('');
	line(`${passed} passed, ${failed} failed`);
	process.exitCode = failed || total === 0 ? 1 : 0;
}

main().catch((e) => {
	line(`FAIL  e2e runner crashed — ${e.stack || e.message}`);
	const { passed, failed } = summary();
	line(`${passed} passed, ${failed + 1} failed`);
	process.exit(1);
});
