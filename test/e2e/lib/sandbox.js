'use strict';
/*
 * Runs the TikTok sandbox (test/sandbox/cli.js) as a child process and talks to it over its HTTP control
 * endpoints (/__sandbox/...), exactly as any other process (n8n, dev) sees it. Contract: docs/ARCHITECTURE.md.
 */
const path = require('node:path');
const { spawn } = require('node:child_process');
const { REPO_ROOT, HttpClient } = require('./util');

const CLI = path.join(REPO_ROOT, 'test', 'sandbox', 'cli.js');

async function startSandboxProcess({ port = 0, configFile, onLine } = {}) {
	const args = [CLI, '--port', String(port)];
	if (configFile) args.push('--config', configFile);
	const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	const baseUrl = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`sandbox did not start within 20 s:\n${output}`)), 20000);
		const onData = (d) => {
			output += d;
			if (onLine) onLine(String(d));
			const m = /listening on (http:\/\/[^\s]+)/.exec(output);
			if (m) {
				clearTimeout(timer);
				resolve(m[1].replace(/\/$/, ''));
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`sandbox exited with ${code}:\n${output}`));
		});
	});
	child.removeAllListeners('exit');
	return new SandboxClient(baseUrl, child);
}

class SandboxClient {
	constructor(baseUrl, child) {
		this.baseUrl = baseUrl;
		this.apiBaseUrl = `${baseUrl}/v2`;
		this.authorizeUrl = `${baseUrl}/v2/auth/authorize/`;
		this.tokenUrl = `${baseUrl}/v2/oauth/token/`;
		this.child = child;
		this.http = new HttpClient(baseUrl);
	}

	async control(method, what, json) {
		return this.http.json(method, `/__sandbox/${what}`, json === undefined ? {} : { json });
	}

	log() {
		return this.control('GET', 'log').then((d) => (Array.isArray(d) ? d : d.log || d.entries || []));
	}

	async publishes() {
		const d = await this.control('GET', 'publishes');
		// accept an array, a { publishes: [...] } or an object keyed by publish_id
		if (Array.isArray(d)) return d;
		const p = d && (d.publishes ?? d);
		if (Array.isArray(p)) return p;
		return Object.entries(p || {}).map(([id, v]) => ({ publishId: id, publish_id: id, ...v }));
	}

	configure(options) {
		return this.control('POST', 'configure', options);
	}

	expireTokens() {
		return this.control('POST', 'expire-tokens', {});
	}

	mintToken(opts = {}) {
		return this.control('POST', 'mint-token', opts);
	}

	reset() {
		return this.control('POST', 'reset', {});
	}

	/** Webhook deliveries so far: { pending, events, deliveries } (`idle`: wait until none is pending). */
	webhookDeliveries({ idle = false } = {}) {
		return this.control('GET', `webhook/deliveries${idle ? '?wait=idle' : ''}`);
	}

	/** Deliver a custom event now (see test/sandbox/webhooks.js `send`); resolves when it is finished. */
	webhookSend(input) {
		return this.control('POST', 'webhook/send', input);
	}

	/** Re-send a delivery byte for byte (same body and signature header). */
	webhookReplay(id) {
		return this.control('POST', 'webhook/replay', { id });
	}

	/** Deliver an earlier event again, signed anew (TikTok's retry). */
	webhookRedeliver(eventId) {
		return this.control('POST', 'webhook/redeliver', { eventId });
	}

	/** Raw call to the OAuth token endpoint (form-urlencoded), e.g. to check that an old refresh token is dead. */
	async token(form, query = '') {
		const r = await this.http.request('POST', `/v2/oauth/token/${query}`, {
			body: new URLSearchParams(form).toString(),
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
		});
		return { status: r.status, data: r.data, text: r.text };
	}

	async close() {
		if (!this.child || this.child.exitCode !== null) return;
		await new Promise((resolve) => {
			this.child.once('exit', resolve);
			this.child.kill('SIGTERM');
			setTimeout(() => {
				try {
					this.child.kill('SIGKILL');
				} catch {}
			}, 3000).unref();
		});
	}
}

/** The sandbox's default client (test/sandbox/state.js). */
const CLIENT_KEY = 'sandbox-client-key';
const CLIENT_SECRET = 'sandbox-client-secret';

/**
 * An n8n credential of this package pointed at the sandbox, as `n8n import:credentials` takes it.
 * `allowPrivateNetworks` (the credential's private-address switch) is on by default: the sandbox serves
 * the media on 127.0.0.1.
 */
function sandboxCredential({ id, name, sandbox, oauthTokenData, allowPrivateNetworks = true }) {
	const data = {
		environment: 'custom',
		apiBaseUrl: sandbox.apiBaseUrl,
		customAuthUrl: sandbox.authorizeUrl,
		customTokenUrl: sandbox.tokenUrl,
		clientId: CLIENT_KEY,
		clientSecret: CLIENT_SECRET,
		allowPrivateNetworks,
	};
	if (oauthTokenData) data.oauthTokenData = oauthTokenData;
	return { ...(id ? { id } : {}), name, type: 'tikTokOAuth2Api', data };
}

module.exports = { startSandboxProcess, SandboxClient, sandboxCredential, CLIENT_KEY, CLIENT_SECRET };
