'use strict';
/* Small helpers shared by the e2e suite and scripts/dev.js (plain Node.js, no dependencies). */
const net = require('node:net');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

function portFree(port) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, '0.0.0.0', () => srv.close(() => resolve(true)));
	});
}

function sha256File(file) {
	return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Run a command to completion, capturing output. Never throws on a non-zero exit; rejects only on timeout
 * or spawn errors. The child gets its own process group so a timeout kills its children too.
 */
function runCapture(cmd, args, { cwd, env, timeoutMs = 300000, input, echo = false } = {}) {
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => {
			stdout += d;
			if (echo) process.stdout.write(d);
		});
		child.stderr.on('data', (d) => {
			stderr += d;
			if (echo) process.stderr.write(d);
		});
		const timer = setTimeout(() => {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {}
			reject(new Error(`${path.basename(cmd)} ${args.join(' ')} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
		}, timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
		});
		if (input !== undefined) child.stdin.end(input);
		else child.stdin.end();
	});
}

async function runOk(cmd, args, opts) {
	const r = await runCapture(cmd, args, opts);
	if (r.code !== 0) {
		throw new Error(`${cmd} ${args.join(' ')} exited ${r.code ?? r.signal}\n${tail(r.stdout)}\n${tail(r.stderr)}`);
	}
	return r;
}

function tail(text, lines = 40) {
	const all = String(text || '').trimEnd().split('\n');
	return all.slice(-lines).join('\n');
}

/** fetch with a timeout, JSON helpers and a tiny cookie jar. */
class HttpClient {
	constructor(baseUrl, { headers = {} } = {}) {
		this.baseUrl = baseUrl.replace(/\/$/, '');
		this.cookies = new Map();
		this.headers = headers;
	}

	cookieHeader() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	storeCookies(res) {
		const list = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [];
		for (const c of list) {
			const [pair] = c.split(';');
			const i = pair.indexOf('=');
			if (i > 0) this.cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
		}
	}

	async request(method, url, { json, body, headers = {}, redirect = 'manual', timeoutMs = 60000 } = {}) {
		const full = /^https?:/.test(url) ? url : this.baseUrl + url;
		const h = { ...this.headers, ...headers };
		if (this.cookies.size && new URL(full).origin === new URL(this.baseUrl).origin) h.cookie = this.cookieHeader();
		if (json !== undefined) {
			h['content-type'] = 'application/json';
			body = JSON.stringify(json);
		}
		const res = await fetch(full, { method, headers: h, body, redirect, signal: AbortSignal.timeout(timeoutMs) });
		this.storeCookies(res);
		const text = await res.text();
		let data;
		try {
			data = text ? JSON.parse(text) : undefined;
		} catch {
			data = undefined;
		}
		return { status: res.status, headers: res.headers, text, data, location: res.headers.get('location') };
	}

	async json(method, url, opts) {
		const r = await this.request(method, url, opts);
		if (r.status >= 400) throw new Error(`${method} ${url} -> HTTP ${r.status}: ${r.text.slice(0, 500)}`);
		return r.data;
	}
}

async function waitFor(fn, { timeoutMs = 60000, intervalMs = 250, what = 'condition' } = {}) {
	const t0 = Date.now();
	let last;
	while (Date.now() - t0 < timeoutMs) {
		try {
			const v = await fn();
			if (v) return v;
		} catch (e) {
			last = e;
		}
		await sleep(intervalMs);
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

/**
 * A long-running child in its own process group (n8n, a worker, Postgres, Redis), its output kept
 * (the last `keepBytes`) for error messages and log checks. stop(): SIGTERM (or `signal`) to the
 * whole group, then SIGKILL after `graceMs`.
 */
function spawnGroup(cmd, args, opts, { keepBytes = 1e6, onOutput } = {}) {
	const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	const onData = (d) => {
		output += d;
		if (output.length > keepBytes) output = output.slice(-keepBytes / 2);
		if (onOutput) onOutput(String(d));
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	let exited = null;
	child.on('exit', (code, signal) => {
		exited = { code, signal };
	});
	return {
		child,
		get output() {
			return output;
		},
		get exited() {
			return exited;
		},
		async stop(signal = 'SIGTERM', graceMs = 15000) {
			if (exited) return;
			await new Promise((resolve) => {
				child.once('exit', resolve);
				try {
					process.kill(-child.pid, signal);
				} catch {
					resolve();
				}
				setTimeout(() => {
					try {
						process.kill(-child.pid, 'SIGKILL');
					} catch {}
				}, graceMs).unref();
			});
		},
	};
}

module.exports = { REPO_ROOT, sleep, pidAlive, freePort, portFree, sha256File, runCapture, runOk, spawnGroup, tail, HttpClient, waitFor, secs };
