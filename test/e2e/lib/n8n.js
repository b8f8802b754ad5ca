'use strict';
/*
 * Drives a real n8n (2.41.1, or the version of `install`; scripts/n8n-install.js) with a throwaway or persistent user folder:
 * CLI (import:credentials, import:workflow, execute --id --rawOutput, ...) and `n8n start` as a server.
 */
const fs = require('node:fs');
const path = require('node:path');
const { runCapture, HttpClient, waitFor, sleep, tail, freePort, spawnGroup } = require('./util');

const PACKAGE_NAME = 'n8n-nodes-tiktok-content-posting';

class N8nInstance {
	/**
	 * @param {object} install  result of ensureN8n()
	 * @param {string} userFolder  N8N_USER_FOLDER (n8n keeps its data in <userFolder>/.n8n)
	 * @param {object} [opts] { encryptionKey, fileAccessDirs: string[], env: {} }
	 */
	constructor(install, userFolder, opts = {}) {
		this.install = install;
		this.userFolder = userFolder;
		this.dataDir = path.join(userFolder, '.n8n');
		this.encryptionKey = opts.encryptionKey || 'e2e-encryption-key-0123456789abcdef';
		this.fileAccessDirs = opts.fileAccessDirs || [];
		this.extraEnv = opts.env || {};
		fs.mkdirSync(this.dataDir, { recursive: true });
	}

	env(extra = {}) {
		return this.install.env({
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_RUNNERS_MODE: 'internal',
			N8N_SSRF_PROTECTION_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_LOG_LEVEL: process.env.E2E_N8N_LOG_LEVEL || 'warn',
			N8N_LOG_OUTPUT: 'console',
			...(this.fileAccessDirs.length ? { N8N_RESTRICT_FILE_ACCESS_TO: this.fileAccessDirs.join(';') } : {}),
			N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES: 'true',
			DB_SQLITE_POOL_SIZE: '1',
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			NODE_ENV: 'production',
			// n8n 1.x keeps binary data in memory by default ('default' mode) and `execute --rawOutput` then prints
			// whole videos as base64, more than the process flushes before it exits: use 2.x's default instead.
			...(Number(String(this.install.version ?? '2').split('.')[0]) < 2 ? { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' } : {}),
			...this.extraEnv,
			...extra,
		});
	}

	async cli(args, { timeoutMs = 180000, env } = {}) {
		// CLI commands print their results (execute --rawOutput, export) through the logger at level info.
		// Each n8n process starts a task broker (default port 5679): give it a free port so several can run.
		const brokerPort = String(await freePort());
		return runCapture(this.install.nodeBin, [this.install.n8nBin, ...args], {
			cwd: this.userFolder,
			env: this.env({ N8N_LOG_LEVEL: process.env.E2E_N8N_LOG_LEVEL || 'info', N8N_RUNNERS_BROKER_PORT: brokerPort, ...env }),
			timeoutMs,
		});
	}

	async cliOk(args, opts) {
		const r = await this.cli(args, opts);
		if (r.code !== 0) throw new Error(`n8n ${args.join(' ')} exited ${r.code ?? r.signal}\n${tail(r.stdout)}\n${tail(r.stderr)}`);
		return r;
	}

	writeTemp(name, data) {
		const dir = path.join(this.userFolder, 'tmp');
		fs.mkdirSync(dir, { recursive: true });
		const file = path.join(dir, name);
		fs.writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data, null, 2));
		return file;
	}

	/** creds: array of { id, name, type, data: { plain } } */
	async importCredentials(creds) {
		const file = this.writeTemp(`creds-${Date.now()}.json`, creds);
		return this.cliOk(['import:credentials', `--input=${file}`]);
	}

	async importWorkflow(workflow) {
		const file = this.writeTemp(`wf-${workflow.id || Date.now()}.json`, workflow);
		return this.cliOk(['import:workflow', `--input=${file}`]);
	}

	async exportCredentials(id) {
		const file = path.join(this.userFolder, 'tmp', `export-${id}-${Date.now()}.json`);
		fs.mkdirSync(path.dirname(file), { recursive: true });
		await this.cliOk(['export:credentials', `--id=${id}`, '--decrypted', `--output=${file}`]);
		const data = JSON.parse(fs.readFileSync(file, 'utf8'));
		fs.rmSync(file, { force: true });
		return data;
	}

	/** n8n execute --id --rawOutput; returns { run, code, stdout, stderr, ms } (run = parsed JSON or undefined). */
	async execute(id, { timeoutMs = 180000 } = {}) {
		const r = await this.cli(['execute', `--id=${id}`, '--rawOutput'], { timeoutMs });
		let run;
		try {
			run = parseJsonFromOutput(r.stdout);
		} catch {
			run = undefined;
		}
		return { ...r, run };
	}

	/** Install a packed tarball of this package the way n8n installs community packages. */
	async installPackageTarball(tarball) {
		const nodesDir = path.join(this.dataDir, 'nodes');
		fs.mkdirSync(nodesDir, { recursive: true });
		if (!fs.existsSync(path.join(nodesDir, 'package.json'))) {
			fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
		}
		// A rebuilt tarball keeps the same version: remove the old copy so npm cannot keep it.
		fs.rmSync(path.join(nodesDir, 'node_modules', PACKAGE_NAME), { recursive: true, force: true });
		// Use the machine's npm (Node 20 is fine for a pure-JS package). --omit=peer: n8n provides n8n-workflow.
		const r = await runCapture(
			'npm',
			['install', '--prefix', nodesDir, tarball, '--ignore-scripts', '--omit=peer', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'],
			{ cwd: nodesDir, env: { ...process.env, npm_config_update_notifier: 'false' }, timeoutMs: 180000 },
		);
		if (r.code !== 0) throw new Error(`npm install of ${tarball} failed\n${r.stdout}\n${r.stderr}`);
		const installed = path.join(nodesDir, 'node_modules', PACKAGE_NAME, 'package.json');
		if (!fs.existsSync(installed)) throw new Error(`package not found at ${installed} after install`);
		return path.dirname(installed);
	}

	/** Start `n8n start` on the given port. Returns a server handle with url, rest client, stop(). */
	async startServer({ port, host = 'localhost', env = {}, onOutput, timeoutMs = 120000 } = {}) {
		const brokerPort = String(await freePort());
		const proc = spawnGroup(
			this.install.nodeBin,
			[this.install.n8nBin, 'start'],
			{
				cwd: this.userFolder,
				env: this.env({
					N8N_PORT: String(port),
					N8N_LISTEN_ADDRESS: '0.0.0.0',
					N8N_HOST: host,
					N8N_PROTOCOL: 'http',
					N8N_EDITOR_BASE_URL: `http://${host}:${port}`,
					N8N_WEBHOOK_URL: `http://${host}:${port}/`,
					N8N_RUNNERS_BROKER_PORT: brokerPort,
					...env,
				}),
			},
			{ keepBytes: 2e6, onOutput },
		);
		const url = `http://${host}:${port}`;
		const server = {
			url,
			child: proc.child,
			get output() {
				return proc.output;
			},
			stop: async () => await proc.stop(),
		};
		try {
			await waitFor(
				async () => {
					if (proc.exited) throw Object.assign(new Error(`n8n exited (${proc.exited.code ?? proc.exited.signal}):\n${tail(proc.output)}`), { fatal: true });
					const r = await fetch(`${url}/healthz/readiness`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
					if (!r || r.status !== 200) return false;
					// n8n 1.x answers readiness before its REST controllers are mounted (they answer 404 until then)
					const settings = await fetch(`${url}/rest/settings`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
					return Boolean(settings && settings.status === 200);
				},
				{ timeoutMs, intervalMs: 500, what: `n8n on ${url}` },
			);
		} catch (e) {
			await server.stop();
			throw new Error(`${e.message}\n--- n8n output ---\n${tail(proc.output, 60)}`);
		}
		return server;
	}
}

/**
 * POST to a production webhook of a workflow just activated. n8n registers the webhook a moment after
 * the activation answers, and an unregistered webhook answers 404 without starting anything, so a 404
 * is retried (for about 10 s); any other answer is returned.
 */
async function postToNewWebhook(serverUrl, webhookPath, json, { timeoutMs = 120000 } = {}) {
	let answer;
	for (let i = 0; i < 20; i++) {
		answer = await new HttpClient(serverUrl).request('POST', `/webhook/${webhookPath}`, { json, timeoutMs });
		if (answer.status !== 404) break;
		await sleep(500);
	}
	return answer;
}

/** Find and parse the JSON document printed by `n8n execute --rawOutput` / `export:* --decrypted`. */
function parseJsonFromOutput(stdout) {
	const text = String(stdout);
	const starts = [];
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if ((c === '{' || c === '[') && (i === 0 || text[i - 1] === '\n')) starts.push(i);
	}
	for (const s of starts) {
		// try progressively: from this start to each later closing line
		const rest = text.slice(s);
		try {
			return JSON.parse(rest);
		} catch {}
		const lines = rest.split('\n');
		for (let n = lines.length; n > 0; n--) {
			const l = lines[n - 1];
			if (!/^[}\]]/.test(l)) continue;
			try {
				return JSON.parse(lines.slice(0, n).join('\n'));
			} catch {}
		}
	}
	throw new Error(`no JSON found in output:\n${tail(text)}`);
}

/** The REST API of a running n8n (cookie auth). Routes verified against n8n 2.41.1. */
class N8nRest {
	constructor(url) {
		this.http = new HttpClient(url, { headers: { 'browser-id': 'e2e-browser-id-0001' } });
		this.url = url;
	}
}

module.exports = { N8nInstance, N8nRest, parseJsonFromOutput, postToNewWebhook, PACKAGE_NAME, sleep };
