#!/usr/bin/env node
/*
 * npm run dev — a ready-to-click n8n 2.41.1 with this package and the TikTok sandbox.
 *
 *   1. installs n8n once (scripts/n8n-install.js, cached in .cache/n8n)
 *   2. npm run build, npm pack, installs the tarball into .cache/n8n-dev-user/.n8n/nodes (as n8n does)
 *   3. starts the TikTok sandbox (http://127.0.0.1:5680, or DEV_SANDBOX_PORT)
 *   4. imports a sandbox credential (fresh token minted by the sandbox) and the examples,
 *      pointed at the sandbox, and writes a test video for the "upload draft" example
 *   5. starts `n8n start` on http://localhost:5678 (DEV_N8N_PORT), sets up the owner on first run,
 *      activates the "product added" webhook example and the TikTok Trigger example (with its data
 *      table), points the sandbox's webhook deliveries at the trigger, prints the login and what to click
 *   Ctrl-C stops n8n and the sandbox.
 *
 * The user folder persists between runs (.cache/n8n-dev-user); `npm run dev -- --fresh` starts clean.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const { ensureN8n } = require('./n8n-install');
const { REPO_ROOT, HttpClient, portFree, secs } = require('../test/e2e/lib/util');
const { N8nInstance } = require('../test/e2e/lib/n8n');
const { startSandboxProcess, sandboxCredential, CLIENT_KEY } = require('../test/e2e/lib/sandbox');
const { buildPackage, packPackage } = require('../test/e2e/lib/package');

const N8N_PORT = Number(process.env.DEV_N8N_PORT || 5678);
const SANDBOX_PORT = Number(process.env.DEV_SANDBOX_PORT || 5680);
const USER_FOLDER = path.join(REPO_ROOT, '.cache', 'n8n-dev-user');
const FILES_DIR = path.join(USER_FOLDER, 'files');
const LOGIN_FILE = path.join(USER_FOLDER, 'demo-login.json');
const CREDENTIAL = { id: 'tkDevSandboxCred', name: 'TikTok sandbox' };
const CLOUDINARY_BASE = 'https://res.cloudinary.com/demo/video/upload/';
const EXAMPLE_FILES = ['publish-from-cloudinary-on-schedule.json', 'publish-when-product-added.json', 'upload-draft-from-file.json', 'store-post-url-when-public.json'];
const TRIGGER_TYPE = 'n8n-nodes-tiktok-content-posting.tikTokTrigger';

const say = (msg) => process.stdout.write(`[dev] ${msg}\n`);

function loadLogin() {
	try {
		return JSON.parse(fs.readFileSync(LOGIN_FILE, 'utf8'));
	} catch {
		const login = {
			email: 'demo@example.com',
			firstName: 'Demo',
			lastName: 'User',
			// n8n wants 8+ characters with a number and an uppercase letter
			password: `Demo-${crypto.randomBytes(6).toString('base64url')}9`,
		};
		fs.mkdirSync(USER_FOLDER, { recursive: true });
		fs.writeFileSync(LOGIN_FILE, JSON.stringify(login, null, 2), { mode: 0o600 });
		return login;
	}
}

function prepareExample(file, sandbox, videoPath) {
	const wf = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8'));
	for (const node of wf.nodes) {
		if (node.credentials?.tikTokOAuth2Api) node.credentials.tikTokOAuth2Api = { ...CREDENTIAL };
		if (node.type === 'n8n-nodes-base.code' && typeof node.parameters.jsCode === 'string') {
			node.parameters.jsCode = node.parameters.jsCode.split(CLOUDINARY_BASE).join(`${sandbox.baseUrl}/media/`);
		}
		if (node.type === 'n8n-nodes-base.readWriteFile') node.parameters.fileSelector = videoPath;
	}
	wf.name = `${wf.name} (sandbox)`;
	return wf;
}

async function main() {
	const fresh = process.argv.includes('--fresh');
	const t0 = Date.now();
	const children = [];
	let stopping = false;
	const stopAll = async (code = 0) => {
		if (stopping) return;
		stopping = true;
		say('stopping n8n and the sandbox…');
		for (const c of children.reverse()) await c.stop().catch(() => {});
		process.exit(code);
	};
	process.on('SIGINT', () => stopAll(0));
	process.on('SIGTERM', () => stopAll(0));

	if (!(await portFree(N8N_PORT))) throw new Error(`port ${N8N_PORT} is in use (another n8n?). Set DEV_N8N_PORT to use another port.`);
	if (!(await portFree(SANDBOX_PORT))) throw new Error(`port ${SANDBOX_PORT} is in use. Set DEV_SANDBOX_PORT to use another port.`);

	if (fresh) {
		say(`--fresh: removing ${path.relative(REPO_ROOT, USER_FOLDER)}`);
		fs.rmSync(USER_FOLDER, { recursive: true, force: true });
	}

	let t = Date.now();
	const install = await ensureN8n();
	say(`n8n 2.41.1 ${install.reused ? 'cached' : 'installed'} (${secs(Date.now() - t)})`);

	t = Date.now();
	await buildPackage();
	const { tarball } = await packPackage(path.join(USER_FOLDER, 'pack'));
	const n8n = new N8nInstance(install, USER_FOLDER, {
		encryptionKey: 'dev-encryption-key-not-secret-0001',
		fileAccessDirs: [FILES_DIR],
	});
	await n8n.installPackageTarball(tarball);
	say(`package built and installed into ${path.relative(REPO_ROOT, n8n.dataDir)}/nodes (${secs(Date.now() - t)})`);

	t = Date.now();
	const sandbox = await startSandboxProcess({ port: SANDBOX_PORT });
	children.push({ stop: () => sandbox.close() });
	sandbox.child.on('exit', (code) => {
		if (!stopping) {
			say(`the sandbox exited (${code}); stopping`);
			stopAll(1);
		}
	});
	say(`TikTok sandbox on ${sandbox.baseUrl} (${secs(Date.now() - t)})`);

	// Credential with a fresh token (the sandbox keeps tokens in memory, so every run mints a new one),
	// and the examples pointed at the sandbox. Importing again overwrites the same ids.
	t = Date.now();
	fs.mkdirSync(FILES_DIR, { recursive: true });
	const videoPath = path.join(FILES_DIR, 'product-demo.mp4');
	const { writeMp4File } = require('../test/sandbox/media');
	await writeMp4File(videoPath, 12_000_000, { durationSec: 12 });
	const token = await sandbox.mintToken({ clientKey: CLIENT_KEY });
	await n8n.importCredentials([sandboxCredential({ ...CREDENTIAL, sandbox, oauthTokenData: token })]);
	const workflows = EXAMPLE_FILES.map((f) => prepareExample(f, sandbox, videoPath));
	for (const wf of workflows) await n8n.importWorkflow(wf);
	say(`credential "${CREDENTIAL.name}" and ${workflows.length} examples imported (${secs(Date.now() - t)})`);

	t = Date.now();
	const server = await n8n.startServer({
		port: N8N_PORT,
		env: { N8N_LOG_LEVEL: process.env.DEV_N8N_LOG_LEVEL || 'warn' },
		onOutput: (text) => {
			for (const l of text.split('\n')) {
				if (!l.trim()) continue;
				// no internet here: hide n8n's failing calls home (api.n8n.io, telemetry) unless DEV_N8N_VERBOSE=1
				if (!process.env.DEV_N8N_VERBOSE && /ENOTFOUND|^\s+at |Strapi API|system task run failed|Python task runner/.test(l)) continue;
				process.stdout.write(`[n8n] ${l}\n`);
			}
		},
	});
	children.push(server);
	server.child.on('exit', (code) => {
		if (!stopping) {
			say(`n8n exited (${code}); stopping`);
			stopAll(1);
		}
	});
	say(`n8n started on ${server.url} (${secs(Date.now() - t)})`);

	const login = loadLogin();
	const rest = new HttpClient(server.url, { headers: { 'browser-id': 'dev-script' } });
	const setup = await rest.request('POST', '/rest/owner/setup', { json: login });
	if (setup.status !== 200) {
		const r = await rest.request('POST', '/rest/login', { json: { emailOrLdapLoginId: login.email, password: login.password } });
		if (r.status !== 200) say(`warning: could not log in as ${login.email} (${r.status}); use --fresh to start over`);
	}
	const activate = async (wf) => {
		const current = await rest.request('GET', `/rest/workflows/${wf.id}`);
		if (current.status === 200 && !current.data?.data?.active) {
			const act = await rest.request('POST', `/rest/workflows/${wf.id}/activate`, { json: { versionId: current.data.data.versionId } });
			if (act.status !== 200) say(`warning: could not activate "${wf.name}": ${act.status} ${act.text.slice(0, 200)}`);
		}
	};
	// Activate the webhook example so it can be called right away.
	const productWf = workflows.find((w) => w.nodes.some((n) => n.type === 'n8n-nodes-base.webhook'));
	const webhookPath = productWf.nodes.find((n) => n.type === 'n8n-nodes-base.webhook').parameters.path;
	await activate(productWf);
	// The TikTok Trigger example: its data table, then activation, then the sandbox delivers TikTok's
	// webhook events (signed with the sandbox client's secret) to its production URL.
	const triggerWf = workflows.find((w) => w.nodes.some((n) => n.type === TRIGGER_TYPE));
	const triggerUrl = `${server.url}/webhook/${triggerWf.nodes.find((n) => n.type === TRIGGER_TYPE).webhookId}/webhook`;
	const project = await rest.request('GET', '/rest/projects/personal');
	const projectId = project.data?.data?.id;
	const tables = projectId ? await rest.request('GET', `/rest/projects/${projectId}/data-tables`) : undefined;
	const tableList = tables?.data?.data?.data ?? tables?.data?.data ?? [];
	if (projectId && Array.isArray(tableList) && !tableList.some((x) => x.name === 'tiktok_posts')) {
		const columns = ['post_url', 'post_id', 'publish_id', 'open_id', 'public_at'].map((name) => ({ name, type: 'string' }));
		const created = await rest.request('POST', `/rest/projects/${projectId}/data-tables`, { json: { name: 'tiktok_posts', columns } });
		if (created.status !== 200) say(`warning: could not create the tiktok_posts data table: ${created.status} ${created.text.slice(0, 200)}`);
	}
	await activate(triggerWf);
	await sandbox.configure({ webhook: { url: triggerUrl } });

	const curl = `curl -s -X POST ${server.url}/webhook/${webhookPath} -H 'Content-Type: application/json' -d '{"name":"Linen shirt","description":"Breathable linen.","price":"39.00","currency":"EUR","videoUrl":"${sandbox.baseUrl}/media/linen-shirt.mp4?bytes=3000000"}'`;
	process.stdout.write(`
────────────────────────────────────────────────────────────────────────────
 n8n 2.41.1 with n8n-nodes-tiktok-content-posting is ready (${secs(Date.now() - t0)})

   Editor:   ${server.url}
   Login:    ${login.email}  /  ${login.password}
   Sandbox:  ${sandbox.baseUrl}   (log: ${sandbox.baseUrl}/__sandbox/log, posts: ${sandbox.baseUrl}/__sandbox/publishes)

 What to click
   1. Open "TikTok: upload a video file as a draft (sandbox)" and click "Execute workflow":
      a 12 MB test video is read from disk and sent to the sandbox inbox in chunks.
   2. Open "TikTok: publish Cloudinary videos on a schedule (sandbox)", click "Execute workflow"
      (the "Run now" trigger): two videos are published by URL (Upload Method Auto).
   3. "TikTok: publish a video when a product is added (sandbox)" is active. Try:
      ${curl}
   4. Credentials > "${CREDENTIAL.name}" > Reconnect: the Connect button runs the OAuth flow
      through n8n's callback against the sandbox (it approves at once).
   5. Expire the tokens to watch n8n refresh them on the next run:
      curl -X POST ${sandbox.baseUrl}/__sandbox/expire-tokens
   6. "TikTok: store the post URL when a post goes public (sandbox)" is active: the sandbox sends
      TikTok's webhook events to it. Step 3 with "privacyLevel" set to Everyone in the workflow, or:
      curl -s -X POST ${sandbox.baseUrl}/__sandbox/webhook/send -H 'Content-Type: application/json' -d '{"event":"post.publish.publicly_available","content":{"publish_id":"v_pub_url~v2-1.demo","post_id":"","publish_type":"DIRECT_PUBLISH"},"rawNumbers":{"post_id":"7308523530180699593"}}'
      then see Executions, and the row in Overview > Data tables > tiktok_posts.

 Ctrl-C stops n8n and the sandbox. Data stays in ${path.relative(REPO_ROOT, USER_FOLDER)} (--fresh to reset).
────────────────────────────────────────────────────────────────────────────
`);
}

main().catch((e) => {
	process.stderr.write(`[dev] failed: ${e.stack || e.message}\n`);
	process.exit(1);
});
