'use strict';
/*
 * Postgres and Redis for the queue-mode test, from Debian's packages: installed with apt-get when
 * missing, then started privately (own data folder, free ports, unix sockets in the work folder) and
 * stopped by the test. Nothing here touches a system-wide cluster or service.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { runCapture, freePort, waitFor, tail, spawnGroup } = require('../../e2e/lib/util');

const APT_PACKAGES = ['postgresql', 'redis-server'];

function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const versions = fs
		.readdirSync(root)
		.filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(root, versions[0], 'bin') : undefined;
}

function redisServerBin() {
	for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (fs.existsSync(p)) return p;
	return undefined;
}

/** Which of the Debian packages still have to be installed. */
function missingPackages() {
	const missing = [];
	if (!postgresBinDir()) missing.push('postgresql');
	if (!redisServerBin()) missing.push('redis-server');
	return missing;
}

/**
 * apt-get install the missing packages, non-interactively. Refreshes the package lists only when the
 * first attempt cannot find them (a clean machine has none). Returns what was installed.
 */
async function ensurePackages(log) {
	const missing = missingPackages();
	if (!missing.length) return [];
	if (typeof process.getuid === 'function' && process.getuid() !== 0) {
		throw new Error(`${missing.join(', ')} missing and this is not root: run sudo apt-get install -y ${APT_PACKAGES.join(' ')}`);
	}
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' };
	// Another apt-get may hold the dpkg lock (shared machines): wait for it rather than fail.
	const lockWait = ['-o', 'DPkg::Lock::Timeout=600'];
	const apt = async (args) => {
		for (let attempt = 1; ; attempt++) {
			const r = await runCapture('apt-get', [...lockWait, ...args], { env, timeoutMs: 900000 });
			if (r.code === 0 || attempt >= 5 || !/Could not get lock|Unable to lock|Unable to acquire/i.test(r.stderr)) return r;
			log(`apt-get ${args[0]}: another apt holds the lock; waiting`);
			await new Promise((res) => setTimeout(res, 10000));
		}
	};
	const installArgs = ['install', '-y', '-q', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', ...missing];
	log(`apt-get install ${missing.join(' ')}`);
	let r = await apt(installArgs);
	if (r.code !== 0) {
		log('apt-get install failed; apt-get update, then again');
		const u = await apt(['update', '-q']);
		if (u.code !== 0) throw new Error(`apt-get update failed\n${tail(u.stdout)}\n${tail(u.stderr)}`);
		r = await apt(installArgs);
	}
	if (r.code !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed\n${tail(r.stdout)}\n${tail(r.stderr)}`);
	const still = missingPackages();
	if (still.length) throw new Error(`still missing after apt-get install: ${still.join(', ')}`);
	return missing;
}

/** uid/gid for Postgres: initdb and postgres refuse to run as root, so root uses the `postgres` user. */
function postgresOwner() {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
	const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
	return { uid, gid };
}

function chownTree(dir, { uid, gid }) {
	if (uid === undefined) return;
	fs.chownSync(dir, uid, gid);
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, entry.name);
		if (entry.isDirectory()) chownTree(p, { uid, gid });
		else fs.chownSync(p, uid, gid);
	}
}

/** runCapture, but as another user (uid/gid) when given. */
function runAs(cmd, args, { uid, gid, cwd, env, timeoutMs = 120000 }) {
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const child = spawn(cmd, args, { cwd, env, uid, gid, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`${path.basename(cmd)} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
		}, timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
		});
	});
}

/**
 * A private Postgres cluster: initdb into `<dir>/data` (trust auth, superuser `n8n`), `postgres` on a
 * free TCP port on 127.0.0.1 and a unix socket in `<dir>/socket`, database `n8n`. Durability is off
 * (fsync, synchronous_commit): the data is thrown away at the end.
 */
async function startPostgres(dir) {
	const bin = postgresBinDir();
	if (!bin) throw new Error('postgresql is not installed');
	const owner = postgresOwner();
	const data = path.join(dir, 'data');
	const socket = path.join(dir, 'socket');
	fs.mkdirSync(socket, { recursive: true });
	fs.chmodSync(dir, 0o755);
	chownTree(dir, owner);
	const asOwner = { ...owner, cwd: dir, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } };
	const init = await runAs(path.join(bin, 'initdb'), ['-D', data, '-U', 'n8n', '--auth=trust', '-E', 'UTF8', '--no-sync'], { ...asOwner, timeoutMs: 180000 });
	if (init.code !== 0) throw new Error(`initdb failed (${init.code})\n${tail(init.stdout)}\n${tail(init.stderr)}`);
	const port = await freePort();
	const server = spawnGroup(
		path.join(bin, 'postgres'),
		['-D', data, '-p', String(port), '-k', socket, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=100'],
		asOwner,
	);
	await waitFor(
		async () => {
			if (server.exited) throw Object.assign(new Error(`postgres exited:\n${tail(server.output)}`), { fatal: true });
			const r = await runAs(path.join(bin, 'pg_isready'), ['-h', socket, '-p', String(port)], { ...asOwner, timeoutMs: 10000 });
			return r.code === 0;
		},
		{ timeoutMs: 60000, intervalMs: 300, what: `postgres on port ${port}` },
	).catch(async (e) => {
		await server.stop('SIGINT');
		throw new Error(`${e.message}\n${tail(server.output)}`);
	});
	const created = await runAs(path.join(bin, 'createdb'), ['-h', socket, '-p', String(port), '-U', 'n8n', 'n8n'], { ...asOwner, timeoutMs: 60000 });
	if (created.code !== 0) {
		await server.stop('SIGINT');
		throw new Error(`createdb failed\n${created.stdout}\n${created.stderr}`);
	}
	const psql = async (sql) => {
		const r = await runAs(path.join(bin, 'psql'), ['-h', socket, '-p', String(port), '-U', 'n8n', '-d', 'n8n', '-tAX', '-F', '\t', '-c', sql], { ...asOwner, timeoutMs: 60000 });
		if (r.code !== 0) throw new Error(`psql failed: ${r.stderr}`);
		return r.stdout.trim();
	};
	return {
		port,
		host: '127.0.0.1',
		database: 'n8n',
		user: 'n8n',
		version: path.basename(path.dirname(bin)),
		psql,
		// SIGINT = Postgres's "fast" shutdown: ends sessions, then exits cleanly.
		stop: () => server.stop('SIGINT', 20000),
	};
}

/** A private redis-server on a free port: no persistence, its folder in `dir`. */
async function startRedis(dir) {
	const bin = redisServerBin();
	if (!bin) throw new Error('redis-server is not installed');
	fs.mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const server = spawnGroup(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'], { cwd: dir });
	await waitFor(
		async () => {
			if (server.exited) throw Object.assign(new Error(`redis-server exited:\n${tail(server.output)}`), { fatal: true });
			return await redisPing(port);
		},
		{ timeoutMs: 30000, intervalMs: 200, what: `redis-server on port ${port}` },
	).catch(async (e) => {
		await server.stop();
		throw e;
	});
	const version = execFileSync(bin, ['--version']).toString().match(/v=(\S+)/)?.[1] ?? '?';
	return { port, host: '127.0.0.1', version, stop: () => server.stop('SIGTERM', 10000) };
}

/** PING over a raw socket (no redis client needed). */
function redisPing(port) {
	const net = require('node:net');
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		let data = '';
		socket.setTimeout(2000, () => {
			socket.destroy();
			resolve(false);
		});
		socket.on('error', () => resolve(false));
		socket.on('data', (d) => {
			data += d;
			if (data.includes('\r\n')) {
				socket.end();
				resolve(data.startsWith('+PONG'));
			}
		});
		socket.write('PING\r\n');
	});
}

module.exports = { ensurePackages, missingPackages, startPostgres, startRedis, postgresBinDir, redisServerBin };
