'use strict';
/*
 * What `npm run dev` starts, as functions: scripts/dev.js (fixed ports, persistent user folder) and the
 * browser test (free ports, throwaway user folder) both use them.
 *
 *   startDevEnvironment(opts) installs n8n once, builds, packs and installs this package into the user
 *   folder as n8n does, starts the TikTok sandbox, imports a sandbox credential (fresh token) and the
 *   examples pointed at the sandbox (plus the every-node demo workflow, scripts/demo-workflow.js),
 *   starts `n8n start`, sets up the owner (or logs in) and activates the webhook example and the TikTok
 *   Trigger example. It returns the running pieces and a stop() for all of them.
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const { ensureN8n } = require('./n8n-install');
const { REPO_ROOT, HttpClient, freePort, portFree, secs } = require('../test/e2e/lib/util');
const { N8nInstance } = require('../test/e2e/lib/n8n');
const { startSandboxProcess, sandboxCredential, CLIENT_KEY } = require('../test/e2e/lib/sandbox');
const { buildPackage, packPackage } = require('../test/e2e/lib/package');
const { pointAtSandbox } = require('../test/e2e/lib/runs');
const { SAMPLE_PRODUCTS, pinned } = require('../test/e2e/lib/shop');
const { demoWorkflow } = require('./demo-workflow');

const CREDENTIAL = { id: 'tkDevSandboxCred', name: 'TikTok sandbox' };
const ENCRYPTION_KEY = 'dev-encryption-key-not-secret-0001';
const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

/** The examples the dev editor shows, ready to run against the sandbox. */
const EXAMPLE_FILES = [
	'publish-from-cloudinary-on-schedule.json',
	'publish-when-product-added.json',
	'publish-when-woocommerce-product-created.json',
	'publish-when-shopify-product-created.json',
	'upload-draft-from-file.json',
	'store-post-url-when-public.json',
];
const PRODUCT_WEBHOOK_WF = 'tkExampleProd001';
const TRIGGER_TYPE = 'n8n-nodes-tiktok-content-posting.tikTokTrigger';

function exampleFiles() {
	return EXAMPLE_FILES.filter((f) => fs.existsSync(path.join(EXAMPLES_DIR, f)));
}

/** The login of the user folder's owner, created (and kept next to the data) on first use. */
function loadLogin(userFolder) {
	const file = path.join(userFolder, 'demo-login.json');
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		const login = {
			email: 'demo@example.com',
			firstName: 'Demo',
			lastName: 'User',
			// n8n wants 8+ characters with a number and an uppercase letter
			password: `Demo-${crypto.randomBytes(6).toString('base64url')}9`,
		};
		fs.mkdirSync(userFolder, { recursive: true });
		fs.writeFileSync(file, JSON.stringify(login, null, 2), { mode: 0o600 });
		return login;
	}
}

/**
 * An example as the dev editor shows it: the sandbox credential, URLs pointed at the sandbox, the test
 * video for the file example, and sample products pinned on the shop triggers (so "Execute workflow"
 * runs without a shop; n8n uses pinned trigger data in manual runs only).
 */
function prepareExample(file, { sandbox, videoPath }) {
	const wf = pointAtSandbox(JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')), sandbox);
	wf.pinData = wf.pinData || {};
	for (const node of wf.nodes) {
		if (node.credentials?.tikTokOAuth2Api) node.credentials.tikTokOAuth2Api = { ...CREDENTIAL };
		if (node.type === 'n8n-nodes-base.readWriteFile') node.parameters.fileSelector = videoPath;
		if (SAMPLE_PRODUCTS[node.type]) wf.pinData[node.name] = pinned(SAMPLE_PRODUCTS[node.type]());
	}
	wf.name = `${wf.name} (sandbox)`;
	return wf;
}

/** Hide n8n's failing calls home (no internet here: api.n8n.io, telemetry) unless verbose. */
function filterN8nOutput(text, verbose) {
	return text
		.split('\n')
		.filter((l) => l.trim() && (verbose || !/ENOTFOUND|^\s+at |Strapi API|system task run failed|Python task runner/.test(l)));
}

/**
 * @param {object} opts
 * @param {number} opts.n8nPort      0 = a free port
 * @param {number} opts.sandboxPort  0 = a free port
 * @param {string} opts.userFolder   N8N_USER_FOLDER (kept between runs unless `fresh`)
 * @param {boolean} [opts.fresh]     remove the user folder first
 * @param {(msg: string) => void} [opts.log]
 * @param {(line: string) => void} [opts.onN8nLine]  n8n's output, already filtered
 * @param {string} [opts.n8nLogLevel]
 * @param {object} [opts.n8nEnv]     extra environment for `n8n start`
 */
/** The handle startDevEnvironment fills in: create it first so a signal can stop a half-started environment. */
function devEnvironmentHandle() {
	const stops = [];
	const env = {
		stopping: false,
		onStop(fn) {
			stops.push(fn);
		},
		async stop() {
			env.stopping = true;
			for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
		},
	};
	return env;
}

async function startDevEnvironment(opts, env = devEnvironmentHandle()) {
	const { userFolder, fresh = false, log = () => {}, onN8nLine, n8nLogLevel = 'warn', n8nEnv = {} } = opts;
	const verbose = Boolean(process.env.DEV_N8N_VERBOSE);
	const n8nPort = opts.n8nPort || (await freePort());
	const sandboxPort = opts.sandboxPort || 0;
	if (!(await portFree(n8nPort))) throw new Error(`port ${n8nPort} is in use (another n8n?). Set DEV_N8N_PORT to use another port.`);
	if (sandboxPort && !(await portFree(sandboxPort))) throw new Error(`port ${sandboxPort} is in use. Set DEV_SANDBOX_PORT to use another port.`);

	try {
		if (fresh) {
			log(`--fresh: removing ${path.relative(REPO_ROOT, userFolder)}`);
			fs.rmSync(userFolder, { recursive: true, force: true });
		}
		const filesDir = path.join(userFolder, 'files');

		let t = Date.now();
		const install = await ensureN8n();
		log(`n8n 2.41.1 ${install.reused ? 'cached' : 'installed'} (${secs(Date.now() - t)})`);

		t = Date.now();
		await buildPackage();
		const { tarball } = await packPackage(path.join(userFolder, 'pack'));
		const n8n = new N8nInstance(install, userFolder, { encryptionKey: ENCRYPTION_KEY, fileAccessDirs: [filesDir] });
		await n8n.installPackageTarball(tarball);
		log(`package built and installed into ${path.relative(REPO_ROOT, n8n.dataDir)}/nodes (${secs(Date.now() - t)})`);

		t = Date.now();
		const sandbox = await startSandboxProcess({ port: sandboxPort });
		env.onStop(() => sandbox.close());
		log(`TikTok sandbox on ${sandbox.baseUrl} (${secs(Date.now() - t)})`);

		// A credential with a fresh token (the sandbox keeps tokens in memory, so every run mints a new
		// one) and the examples pointed at the sandbox; importing again overwrites the same ids.
		t = Date.now();
		fs.mkdirSync(filesDir, { recursive: true });
		const videoPath = path.join(filesDir, 'product-demo.mp4');
		const { writeMp4File } = require('../test/sandbox/media');
		await writeMp4File(videoPath, 12_000_000, { durationSec: 12 });
		const token = await sandbox.mintToken({ clientKey: CLIENT_KEY });
		await n8n.importCredentials([sandboxCredential({ ...CREDENTIAL, sandbox, oauthTokenData: token })]);
		const workflows = exampleFiles().map((f) => prepareExample(f, { sandbox, videoPath }));
		// every node in one run: the demo video's workflow (scripts/demo-workflow.js)
		workflows.push(demoWorkflow({ sandbox, videoPath, credential: CREDENTIAL }));
		// one CLI call for all of them (each n8n CLI start costs seconds)
		const wfDir = path.join(userFolder, 'tmp', 'examples');
		fs.rmSync(wfDir, { recursive: true, force: true });
		fs.mkdirSync(wfDir, { recursive: true });
		for (const wf of workflows) fs.writeFileSync(path.join(wfDir, `${wf.id}.json`), JSON.stringify(wf, null, 2));
		await n8n.cliOk(['import:workflow', '--separate', `--input=${wfDir}`]);
		log(`credential "${CREDENTIAL.name}", ${workflows.length - 1} examples and the every-node demo imported (${secs(Date.now() - t)})`);

		t = Date.now();
		const server = await n8n.startServer({
			port: n8nPort,
			env: { N8N_LOG_LEVEL: n8nLogLevel, ...n8nEnv },
			onOutput: (text) => {
				if (onN8nLine) for (const l of filterN8nOutput(text, verbose)) onN8nLine(l);
			},
		});
		env.onStop(() => server.stop());
		log(`n8n started on ${server.url} (${secs(Date.now() - t)})`);

		const login = loadLogin(userFolder);
		const rest = new HttpClient(server.url, { headers: { 'browser-id': 'dev-script' } });
		const setup = await rest.request('POST', '/rest/owner/setup', { json: login });
		if (setup.status !== 200) {
			const r = await rest.request('POST', '/rest/login', { json: { emailOrLdapLoginId: login.email, password: login.password } });
			if (r.status !== 200) log(`warning: could not log in as ${login.email} (${r.status}); use --fresh to start over`);
		}
		const activate = async (wf) => {
			const current = await rest.request('GET', `/rest/workflows/${wf.id}`);
			if (current.status === 200 && !current.data?.data?.active) {
				const act = await rest.request('POST', `/rest/workflows/${wf.id}/activate`, { json: { versionId: current.data.data.versionId } });
				if (act.status !== 200) log(`warning: could not activate "${wf.name}": ${act.status} ${act.text.slice(0, 200)}`);
			}
		};
		// Activate the webhook example so it can be called right away.
		const webhookWf = workflows.find((w) => w.id === PRODUCT_WEBHOOK_WF);
		const webhookPath = webhookWf?.nodes.find((n) => n.type === 'n8n-nodes-base.webhook').parameters.path;
		if (webhookWf) await activate(webhookWf);
		// The TikTok Trigger example: its data table, then activation, then the sandbox delivers TikTok's
		// webhook events (signed with the sandbox client's secret) to its production URL.
		const triggerWf = workflows.find((w) => w.nodes.some((n) => n.type === TRIGGER_TYPE));
		let triggerUrl;
		if (triggerWf) {
			triggerUrl = `${server.url}/webhook/${triggerWf.nodes.find((n) => n.type === TRIGGER_TYPE).webhookId}/webhook`;
			const project = await rest.request('GET', '/rest/projects/personal');
			const projectId = project.data?.data?.id;
			const tables = projectId ? await rest.request('GET', `/rest/projects/${projectId}/data-tables`) : undefined;
			const tableList = tables?.data?.data?.data ?? tables?.data?.data ?? [];
			if (projectId && Array.isArray(tableList) && !tableList.some((x) => x.name === 'tiktok_posts')) {
				const columns = ['post_url', 'post_id', 'publish_id', 'open_id', 'public_at'].map((name) => ({ name, type: 'string' }));
				const created = await rest.request('POST', `/rest/projects/${projectId}/data-tables`, { json: { name: 'tiktok_posts', columns } });
				if (created.status !== 200) log(`warning: could not create the tiktok_posts data table: ${created.status} ${created.text.slice(0, 200)}`);
			}
			await activate(triggerWf);
			await sandbox.configure({ webhook: { url: triggerUrl } });
		}
		return Object.assign(env, { install, n8n, server, sandbox, login, rest, credential: CREDENTIAL, workflows, webhookPath, videoPath, triggerWf, triggerUrl });
	} catch (e) {
		await env.stop();
		throw e;
	}
}

module.exports = { startDevEnvironment, devEnvironmentHandle, prepareExample, exampleFiles, loadLogin, CREDENTIAL };
