#!/usr/bin/env node
/*
 * npm run test:e2e — the package in a real n8n 2.41.1 against the TikTok sandbox.
 *
 *   setup  install n8n once (scripts/n8n-install.js), npm run build, npm pack, start the sandbox
 *   a      example workflows headless: import:credentials (token minted by the sandbox),
 *          import:workflow, execute --id --rawOutput; assert on the run JSON, the sandbox's publishes
 *          (sha256 of what TikTok received) and its log
 *   b      OAuth connect through n8n's own endpoints on `n8n start`: owner setup, credential via REST,
 *          GET /rest/oauth2-credential/auth -> sandbox authorize (302) -> n8n callback; then the
 *          "product added" example is activated and called over its real webhook URL
 *   c      token refresh through n8n's refresh path (CLI on the same user folder): expire, run, check the
 *          rotated refresh token was stored, expire again, run again, the old refresh token is dead
 *
 * Plain Node.js (runs on the machine's Node 20; n8n runs on Node 24). Ends with "N passed, N failed".
 * Env: E2E_KEEP=1 keeps the work folder (.n8n-e2e/run-*); E2E_ONLY=a,b,c runs a subset;
 *      E2E_N8N_LOG_LEVEL=debug for noisy n8n logs.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const { ensureN8n } = require('../../scripts/n8n-install');
const { REPO_ROOT, freePort, sleep, HttpClient, secs, tail, pidAlive } = require('./lib/util');
const { N8nInstance, PACKAGE_NAME } = require('./lib/n8n');
const { startSandboxProcess, sandboxCredential, CLIENT_KEY, CLIENT_SECRET } = require('./lib/sandbox');
const { buildPackage, packPackage } = require('./lib/package');

const OWNER = { email: 'e2e-owner@example.com', firstName: 'E2E', lastName: 'Owner', password: 'E2e-Passw0rd!' };
const EXAMPLES = path.join(REPO_ROOT, 'examples');
const ONLY = (process.env.E2E_ONLY || 'a,b,c').split(',').map((s) => s.trim());

// ---------------------------------------------------------------------------------------------- harness
const results = [];
const durations = [];

function line(s = '') {
	process.stdout.write(`${s}\n`);
}

async function check(name, fn) {
	const t0 = Date.now();
	try {
		const detail = await fn();
		results.push({ name, ok: true });
		line(`PASS  ${name}${detail ? ` — ${detail}` : ''} (${secs(Date.now() - t0)})`);
		return true;
	} catch (e) {
		results.push({ name, ok: false, reason: e.message });
		line(`FAIL  ${name} — ${String(e.message).split('\n').join('\n      ')} (${secs(Date.now() - t0)})`);
		return false;
	}
}

/** Marks dependent checks as failed without running them (so the count stays honest). */
function skipAsFailed(names, why) {
	for (const name of names) {
		results.push({ name, ok: false, reason: why });
		line(`FAIL  ${name} — not run: ${why}`);
	}
}

async function part(label, fn) {
	line(`\n== ${label}`);
	const t0 = Date.now();
	try {
		await fn();
	} catch (e) {
		results.push({ name: `${label}: unexpected error`, ok: false, reason: e.message });
		line(`FAIL  ${label}: unexpected error — ${e.stack || e.message}`);
	}
	const ms = Date.now() - t0;
	durations.push({ label, ms });
	line(`-- ${label}: ${secs(ms)}`);
}

function assert(cond, msg) {
	if (!cond) throw new Error(msg);
}

// ----------------------------------------------------------------------------------------- run helpers
function nodeItems(run, nodeName) {
	const runs = run?.data?.resultData?.runData?.[nodeName];
	if (!runs) return undefined;
	return runs.flatMap((r) => r.data?.main?.[0] ?? []).map((i) => i.json);
}

function runSummary(exec) {
	const run = exec.run;
	const err = run?.data?.resultData?.error;
	if (!run) return `no run JSON (exit ${exec.code ?? exec.signal})\n${tail(exec.stdout, 25)}\n${tail(exec.stderr, 25)}`;
	return `status=${run.status}${err ? `, error: ${err.message}${err.description ? ` (${err.description})` : ''} [node ${err.node?.name ?? '?'}]` : ''}`;
}

function assertRunSucceeded(exec) {
	assert(exec.run && exec.run.status === 'success' && !exec.run.data?.resultData?.error, runSummary(exec));
	return `status success, exit ${exec.code ?? exec.signal}${exec.code === 139 ? ' (known SIGSEGV at shutdown)' : ''}, ${secs(exec.ms)}`;
}

const publishIdOf = (item) => item?.publishId ?? item?.publish_id;

function loadExample(file) {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
}

/** Point every TikTok node of a workflow at the given credential. */
function useCredential(wf, cred) {
	for (const node of wf.nodes) {
		if (node.credentials?.tikTokOAuth2Api) node.credentials.tikTokOAuth2Api = { id: cred.id, name: cred.name };
	}
	return wf;
}

const CLOUDINARY_BASE = 'https://res.cloudinary.com/demo/video/upload/';

/**
 * A workflow that calls TikTok through the credential with this package's own node: TikTok Publish
 * Video with Expected Account, so user/info is the first TikTok call of each run, then creator_info,
 * a pulled video (the sandbox's own verified /media/ prefix) and the final status.
 */
function refreshProbeWorkflow(id, cred, sandbox) {
	return {
		id,
		name: 'e2e: TikTok Publish Video through the stored credential',
		nodes: [
			{ id: 'e2e-0001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'e2e-0002',
				name: 'Publish',
				type: 'n8n-nodes-tiktok-content-posting.tikTokPublishVideo',
				typeVersion: 1,
				position: [260, 0],
				parameters: {
					source: 'url',
					videoUrl: `${sandbox.baseUrl}/media/refresh-probe.mp4?bytes=200000`,
					uploadMethod: 'pull',
					caption: 'Token refresh probe',
					privacyLevel: 'SELF_ONLY',
					expectedAccount: 'Sandbox Shop',
					waitForResult: true,
					options: {},
				},
				credentials: { tikTokOAuth2Api: { id: cred.id, name: cred.name } },
			},
		],
		connections: { Start: { main: [[{ node: 'Publish', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

/** Token-endpoint requests in the sandbox log, with where client_key came from. */
function tokenRequests(log) {
	return log
		.filter((e) => e.method === 'POST' && /\/oauth\/token\/?$/.test(e.path))
		.map((e) => ({
			grantType: e.body?.grant_type,
			inBody: Boolean(e.body?.client_key),
			inQuery: Boolean(e.query?.client_key),
			status: e.status,
			errorCode: e.errorCode,
		}));
}

function describeTokenRequests(reqs) {
	return reqs
		.map((r) => `${r.grantType ?? '?'}: client_key in ${[r.inBody && 'body', r.inQuery && 'query'].filter(Boolean).join('+') || 'NOWHERE'}${r.errorCode ? ` -> ${r.errorCode}` : ''}`)
		.join('; ');
}

function expectedSha256(makeMp4, bytes, opts) {
	return crypto.createHash('sha256').update(makeMp4(bytes, opts)).digest('hex');
}

// ---------------------------------------------------------------------------------------------- main
async function main() {
	const tStart = Date.now();
	const workRoot = path.join(REPO_ROOT, '.n8n-e2e');
	// This run's folder is kept on failure (or with E2E_KEEP=1) for inspection.
	fs.mkdirSync(workRoot, { recursive: true });
	// Older runs are removed unless their runner is still alive (another e2e run in the same checkout).
	for (const f of fs.readdirSync(workRoot)) {
		const m = /^run-(\d+)-/.exec(f);
		if (!f.startsWith('run-') || (m && pidAlive(Number(m[1])))) continue;
		fs.rmSync(path.join(workRoot, f), { recursive: true, force: true });
	}
	const work = path.join(workRoot, `run-${process.pid}-${Date.now()}`);
	const mediaDir = path.join(work, 'media');
	fs.mkdirSync(mediaDir, { recursive: true });
	line(`e2e work folder: ${path.relative(REPO_ROOT, work)}`);

	let install;
	let tarball;
	let sandbox;
	let media;
	const cleanups = [];
	const onSignal = async () => {
		for (const c of cleanups.reverse()) await c().catch(() => {});
		process.exit(130);
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);

	await part('setup', async () => {
		let t = Date.now();
		install = await ensureN8n();
		line(`n8n install: ${install.reused ? 'reused' : 'installed'} in ${secs(Date.now() - t)}`);
		await check('setup: npm run build', async () => `built in ${secs(await buildPackage())}`);
		await check('setup: npm pack', async () => {
			const packed = await packPackage(path.join(work, 'pack'));
			tarball = packed.tarball;
			const need = ['package.json', 'dist/credentials/TikTokOAuth2Api.credentials.js'];
			for (const f of need) assert(packed.files.length === 0 || packed.files.includes(f), `tarball lacks ${f}`);
			return `${path.basename(tarball)}, ${packed.files.length} files`;
		});
		t = Date.now();
		await check('setup: sandbox started (node test/sandbox/cli.js --port 0)', async () => {
			sandbox = await startSandboxProcess({ port: 0 });
			cleanups.push(() => sandbox.close());
			await sandbox.log();
			return `${sandbox.baseUrl} in ${secs(Date.now() - t)}`;
		});
		try {
			media = require('../sandbox/media');
		} catch {
			try {
				media = require('../sandbox');
			} catch {}
		}
	});

	const ready = Boolean(install && tarball && sandbox);

	// ------------------------------------------------------------------------------ a: examples headless
	if (ONLY.includes('a')) {
		await part('a: example workflows headless (import + execute)', async () => {
			const names = ['a0 examples import unmodified', 'a1 publish-from-cloudinary-on-schedule', 'a3 upload-draft-from-file'];
			if (!ready) return skipAsFailed(names, 'setup failed');
			const n8n = new N8nInstance(install, path.join(work, 'user-a'), { fileAccessDirs: [mediaDir] });
			let t = Date.now();
			await n8n.installPackageTarball(tarball);
			line(`package installed into ${path.relative(REPO_ROOT, n8n.dataDir)}/nodes in ${secs(Date.now() - t)}`);
			await sandbox.reset();
			const token = await sandbox.mintToken({ clientKey: CLIENT_KEY });
			assert(token?.access_token && token?.refresh_token, `mint-token returned ${JSON.stringify(token)}`);
			const cred = sandboxCredential({ id: 'tkE2eCredA00001', name: 'TikTok sandbox (minted)', sandbox, oauthTokenData: token });
			t = Date.now();
			await n8n.importCredentials([cred]);
			line(`credential imported in ${secs(Date.now() - t)}`);

			// a0: the example files import into n8n exactly as they are in examples/ (what a user does)
			await check('a0 examples/*.json import unmodified (import:workflow --separate)', async () => {
				const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
				assert(files.length >= 3, `only ${files.length} example files`);
				const r = await n8n.cliOk(['import:workflow', '--separate', `--input=${EXAMPLES}`]);
				const m = /Successfully imported (\d+) workflow/.exec(r.stdout + r.stderr);
				assert(m && Number(m[1]) === files.length, `import said: ${tail(r.stdout + r.stderr, 5)}`);
				for (const f of files) {
					const wf = loadExample(f);
					const types = wf.nodes.map((n) => n.type).filter((t) => t.startsWith(`${PACKAGE_NAME}.`));
					assert(types.length > 0, `${f} has no ${PACKAGE_NAME} node`);
				}
				return `${files.length} workflows: ${files.join(', ')}`;
			});

			// a1: Schedule + Manual trigger, Code node list, Publish Video by URL (Auto)
			await check('a1 publish-from-cloudinary-on-schedule: import + execute, 2 videos published', async () => {
				const wf = useCredential(loadExample('publish-from-cloudinary-on-schedule.json'), cred);
				const code = wf.nodes.find((n) => n.type === 'n8n-nodes-base.code');
				assert(code && code.parameters.jsCode.includes(CLOUDINARY_BASE), 'example no longer holds the Cloudinary base URL');
				code.parameters.jsCode = code.parameters.jsCode.split(CLOUDINARY_BASE).join(`${sandbox.baseUrl}/media/`);
				await n8n.importWorkflow(wf);
				// Upload Method Auto, both ways: only dog.mp4 is a verified prefix, so TikTok pulls it, and the
				// node falls back to download + chunked upload for elephants.mp4 (url_ownership_unverified).
				await sandbox.configure({ verifyOwnMedia: false, verifiedUrlPrefixes: [`${sandbox.baseUrl}/media/dog`] });
				let exec;
				try {
					exec = await n8n.execute(wf.id);
				} finally {
					await sandbox.configure({ verifyOwnMedia: true, verifiedUrlPrefixes: [] });
				}
				const how = assertRunSucceeded(exec);
				const items = nodeItems(exec.run, 'TikTok Publish Video');
				assert(items && items.length === 2, `expected 2 output items, got ${JSON.stringify(items)}`);
				const methods = items.map((i) => i.uploadMethod).join(',');
				assert(methods === 'pull_from_url,download_and_upload', `upload methods ${methods}, expected pull_from_url,download_and_upload`);
				for (const it of items) {
					assert(publishIdOf(it), `item without publish id: ${JSON.stringify(it)}`);
					assert(it.status === 'PUBLISH_COMPLETE', `status ${it.status}, expected PUBLISH_COMPLETE: ${JSON.stringify(it)}`);
				}
				const pubs = await sandbox.publishes();
				const expected = media?.makeMp4 ? expectedSha256(media.makeMp4, 1_000_000, { durationSec: 10, seed: 0 }) : undefined;
				for (const it of items) {
					const p = pubs.find((x) => (x.publishId ?? x.publish_id) === publishIdOf(it));
					assert(p, `sandbox has no publish ${publishIdOf(it)}`);
					assert(p.mode === 'direct', `publish mode ${p.mode}`);
					assert(p.status === 'PUBLISH_COMPLETE', `sandbox status ${p.status}`);
					if (expected) assert(p.sha256 === expected, `sha256 ${p.sha256} != generated media ${expected}`);
					assert(String(p.initBody?.post_info?.title || '').length > 0, 'caption missing in init body');
				}
				return `${how}; ${items.map((i) => `${publishIdOf(i)} ${i.status} via ${i.uploadMethod}`).join(', ')}${expected ? '; sha256 matches' : ''}`;
			});

			// a3: Manual trigger, Read/Write Files from Disk, Upload Video (draft)
			await check('a3 upload-draft-from-file: import + execute, draft sent to inbox, sha256 matches', async () => {
				assert(media?.writeMp4File, 'sandbox module does not export writeMp4File');
				const file = path.join(mediaDir, 'product-demo.mp4');
				const size = 25_000_123; // 2 chunks of the default 10 MB plan (the last takes the remainder)
				await media.writeMp4File(file, size, { durationSec: 15 });
				const sha = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
				const wf = useCredential(loadExample('upload-draft-from-file.json'), cred);
				const read = wf.nodes.find((n) => n.type === 'n8n-nodes-base.readWriteFile');
				read.parameters.fileSelector = file;
				await n8n.importWorkflow(wf);
				const logStart = (await sandbox.log()).length;
				const exec = await n8n.execute(wf.id);
				const how = assertRunSucceeded(exec);
				const items = nodeItems(exec.run, 'TikTok Upload Video');
				assert(items && items.length === 1, `expected 1 output item, got ${JSON.stringify(items)}`);
				const it = items[0];
				assert(publishIdOf(it), `no publish id: ${JSON.stringify(it)}`);
				assert(it.status === 'SEND_TO_USER_INBOX', `status ${it.status}, expected SEND_TO_USER_INBOX`);
				const pubs = await sandbox.publishes();
				const p = pubs.find((x) => (x.publishId ?? x.publish_id) === publishIdOf(it));
				assert(p, `sandbox has no publish ${publishIdOf(it)}`);
				assert(p.mode === 'inbox' && p.source === 'FILE_UPLOAD', `publish mode/source ${p.mode}/${p.source}`);
				assert(p.bytesReceived === size, `sandbox received ${p.bytesReceived} of ${size} bytes`);
				assert(p.sha256 === sha, `sha256 ${p.sha256} != file ${sha}`);
				const puts = (await sandbox.log()).slice(logStart).filter((e) => e.method === 'PUT');
				assert(puts.length === 2, `expected 2 chunk PUTs, saw ${puts.length}`);
				return `${how}; ${publishIdOf(it)} ${it.status}, ${puts.length} chunk PUTs, ${size} bytes, sha256 matches`;
			});
		});
	}

	// ------------------------------------------------------------------------------ b: OAuth connect flow
	const userB = path.join(work, 'user-b');
	let oauthCred; // { id, name } once connected
	if (ONLY.includes('b')) {
		await part('b: OAuth connect through n8n (n8n start + REST)', async () => {
			const names = ['b1 server up, owner set up', 'b2 credential created', 'b3 authorization URL', 'b4 sandbox authorize -> n8n callback', 'b5 token requests carry client_key', 'b6 webhook example with the connected credential'];
			if (!ready) return skipAsFailed(names, 'setup failed');
			const n8n = new N8nInstance(install, userB, { fileAccessDirs: [mediaDir] });
			await n8n.installPackageTarball(tarball);
			await sandbox.reset();
			const port = await freePort();
			let server;
			const rest = new HttpClient(`http://localhost:${port}`, { headers: { 'browser-id': 'e2e-browser-0001' } });
			const ok1 = await check(names[0], async () => {
				const t = Date.now();
				server = await n8n.startServer({ port });
				cleanups.push(() => server.stop());
				const t1 = Date.now() - t;
				const setup = await rest.request('POST', '/rest/owner/setup', { json: OWNER });
				assert(setup.status === 200, `POST /rest/owner/setup -> ${setup.status} ${setup.text.slice(0, 300)}`);
				assert(rest.cookies.has('n8n-auth'), 'no n8n-auth cookie after owner setup');
				const login = await rest.request('POST', '/rest/login', { json: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
				assert(login.status === 200, `POST /rest/login -> ${login.status} ${login.text.slice(0, 300)}`);
				const me = await rest.request('GET', '/rest/login');
				assert(me.status === 200 && me.data?.data?.email === OWNER.email, `GET /rest/login -> ${me.status} ${me.text.slice(0, 200)}`);
				// the package must be loaded by the server
				const types = await rest.request('GET', '/types/nodes.json');
				const typeNames = Array.isArray(types.data) ? types.data.map((t) => t.name) : [];
				assert(typeNames.includes(`${PACKAGE_NAME}.tikTokPublishVideo`), `${PACKAGE_NAME}.tikTokPublishVideo not in /types/nodes.json (${typeNames.length} types)`);
				return `ready in ${secs(t1)} on ${server.url}; owner ${OWNER.email}; package nodes loaded`;
			});
			if (!ok1) return skipAsFailed(names.slice(1), 'server/owner setup failed');

			let credId;
			await check(names[1], async () => {
				const c = sandboxCredential({ name: 'TikTok sandbox (OAuth)', sandbox });
				const r = await rest.request('POST', '/rest/credentials', { json: { name: c.name, type: c.type, data: c.data } });
				assert(r.status === 200 && r.data?.data?.id, `POST /rest/credentials -> ${r.status} ${r.text.slice(0, 300)}`);
				credId = r.data.data.id;
				oauthCred = { id: credId, name: c.name };
				return `id ${credId}`;
			});
			let authUrl;
			const ok3 = credId && (await check(names[2], async () => {
				const r = await rest.request('GET', `/rest/oauth2-credential/auth?id=${encodeURIComponent(credId)}`);
				assert(r.status === 200 && typeof r.data?.data === 'string', `GET /rest/oauth2-credential/auth -> ${r.status} ${r.text.slice(0, 300)}`);
				authUrl = new URL(r.data.data);
				assert(authUrl.href.startsWith(sandbox.authorizeUrl), `auth URL ${authUrl.origin + authUrl.pathname} is not the sandbox authorize URL`);
				const q = authUrl.searchParams;
				assert(q.get('client_key') === CLIENT_KEY, `client_key=${q.get('client_key')}`);
				assert(q.get('response_type') === 'code', `response_type=${q.get('response_type')}`);
				assert(q.get('redirect_uri') === `${server.url}/rest/oauth2-credential/callback`, `redirect_uri=${q.get('redirect_uri')}`);
				assert(q.get('state'), 'no state');
				assert(!q.get('code_challenge'), 'n8n sent PKCE (grant type should be authorizationCode)');
				return `client_key, scope=${q.get('scope')}, redirect_uri=${q.get('redirect_uri')}`;
			}));
			if (!ok3) return skipAsFailed(names.slice(3), 'no authorization URL');

			const ok4 = await check(names[3], async () => {
				const a = await rest.request('GET', authUrl.href);
				assert(a.status === 302 && a.location, `sandbox authorize -> ${a.status} ${a.text.slice(0, 300)}`);
				const cb = new URL(a.location, authUrl);
				assert(cb.pathname === '/rest/oauth2-credential/callback' && cb.searchParams.get('code'), `redirected to ${cb.origin}${cb.pathname}`);
				const r = await rest.request('GET', cb.pathname + cb.search);
				assert(r.status === 200, `callback -> ${r.status} ${r.text.slice(0, 300)}`);
				const err = /<h4>Error: ([^<]*)</.exec(r.text);
				assert(!err && r.text.includes('Connection successful'), `callback page: ${err ? err[1] : r.text.replace(/\s+/g, ' ').slice(0, 300)}`);
				const cred = await rest.request('GET', `/rest/credentials/${credId}?includeData=true`);
				const tokenData = cred.data?.data?.data?.oauthTokenData;
				assert(tokenData, `credential has no oauthTokenData after the callback (${cred.status})`);
				return 'authorize 302 -> callback "Connection successful", oauthTokenData stored';
			});

			await check(names[4], async () => {
				const reqs = tokenRequests(await sandbox.log());
				assert(reqs.length >= 1, 'no token request reached the sandbox');
				const exchange = reqs.find((r) => r.grantType === 'authorization_code');
				assert(exchange, `no authorization_code exchange: ${describeTokenRequests(reqs)}`);
				assert(reqs.every((r) => r.inBody || r.inQuery), `client_key missing: ${describeTokenRequests(reqs)}`);
				assert(reqs.every((r) => !r.errorCode), `token errors: ${describeTokenRequests(reqs)}`);
				return describeTokenRequests(reqs);
			});
			if (!ok4) return skipAsFailed(names.slice(5), 'credential not connected');

			await check(names[5], async () => {
				const wf = useCredential(loadExample('publish-when-product-added.json'), oauthCred);
				const created = await rest.request('POST', '/rest/workflows', {
					json: { name: wf.name, nodes: wf.nodes, connections: wf.connections, settings: wf.settings, active: false },
				});
				assert(created.status === 200 && created.data?.data?.id, `POST /rest/workflows -> ${created.status} ${created.text.slice(0, 300)}`);
				const { id, versionId } = created.data.data;
				const act = await rest.request('POST', `/rest/workflows/${id}/activate`, { json: { versionId } });
				assert(act.status === 200, `POST /rest/workflows/${id}/activate -> ${act.status} ${act.text.slice(0, 400)}`);
				const webhookPath = wf.nodes.find((n) => n.type === 'n8n-nodes-base.webhook').parameters.path;
				const product = {
					name: 'Linen shirt',
					description: 'Breathable linen, made in Portugal.',
					price: '39.00',
					currency: 'EUR',
					videoUrl: `${sandbox.baseUrl}/media/linen-shirt.mp4?bytes=2000000&seed=7`,
				};
				let hook;
				for (let i = 0; i < 20; i++) {
					hook = await new HttpClient(server.url).request('POST', `/webhook/${webhookPath}`, { json: product, timeoutMs: 120000 });
					if (hook.status !== 404) break; // activation can take a moment to register the webhook
					await sleep(500);
				}
				assert(hook.status === 200, `POST /webhook/${webhookPath} -> ${hook.status} ${hook.text.slice(0, 400)}`);
				const out = Array.isArray(hook.data) ? hook.data[0] : hook.data;
				assert(publishIdOf(out) && out.status === 'PUBLISH_COMPLETE', `webhook answered ${hook.text.slice(0, 400)}`);
				const p = (await sandbox.publishes()).find((x) => (x.publishId ?? x.publish_id) === publishIdOf(out));
				assert(p && p.status === 'PUBLISH_COMPLETE', `sandbox publish ${JSON.stringify(p)?.slice(0, 200)}`);
				const title = String(p.initBody?.post_info?.title || '');
				assert(title.includes('Linen shirt') && title.includes('39.00'), `caption sent: ${JSON.stringify(title)}`);
				if (media?.makeMp4) {
					const exp = expectedSha256(media.makeMp4, 2_000_000, { durationSec: 10, seed: '7' });
					assert(p.sha256 === exp, `sha256 ${p.sha256} != generated media ${exp}`);
				}
				const deact = await rest.request('POST', `/rest/workflows/${id}/deactivate`, { json: {} });
				return `POST /webhook/${webhookPath} -> ${publishIdOf(out)} ${out.status} via ${out.uploadMethod}; caption built from the product${deact.status === 200 ? '; deactivated' : ''}`;
			});
			const t = Date.now();
			await server.stop();
			line(`n8n stopped in ${secs(Date.now() - t)}`);
		});
	}

	// ------------------------------------------------------------------------------ c: token refresh
	if (ONLY.includes('c')) {
		await part('c: token refresh through n8n (expire, run, rotate, persist)', async () => {
			const names = ['c1 run with the stored token', 'c2 expired access token -> n8n refreshes, run succeeds', 'c3 rotated refresh token persisted; second expiry + run succeed', 'c4 every refresh request from n8n carried client_key', 'c5 old refresh tokens are dead (invalid_grant)'];
			if (!ready) return skipAsFailed(names, 'setup failed');
			const n8n = new N8nInstance(install, userB, { fileAccessDirs: [mediaDir] });
			let cred = oauthCred;
			if (!cred) {
				// part b did not connect a credential: use a minted token instead (still n8n's refresh path)
				await n8n.installPackageTarball(tarball);
				const token = await sandbox.mintToken({ clientKey: CLIENT_KEY });
				const c = sandboxCredential({ id: 'tkE2eCredC00001', name: 'TikTok sandbox (minted for c)', sandbox, oauthTokenData: token });
				await n8n.importCredentials([c]);
				cred = { id: c.id, name: c.name };
				line('note: part b did not connect a credential; c uses a minted token');
			} else line(`using the credential connected in part b (${cred.id})`);
			await sandbox.reset();
			await sandbox.configure({ verifyOwnMedia: true });
			const wf = refreshProbeWorkflow('tkE2eRefresh0001', cred, sandbox);
			await n8n.importWorkflow(wf);
			const tokenOf = async () => (await n8n.exportCredentials(cred.id)).find((c) => c.id === cred.id)?.data?.oauthTokenData ?? {};

			const t0 = await tokenOf();
			const ok1 = await check(names[0], async () => {
				assert(t0.access_token && t0.refresh_token, 'stored credential has no tokens');
				const exec = await n8n.execute(wf.id);
				const how = assertRunSucceeded(exec);
				const out = nodeItems(exec.run, 'Publish')?.[0];
				assert(out?.status === 'PUBLISH_COMPLETE', `TikTok Publish Video output: ${JSON.stringify(out)?.slice(0, 200)}`);
				const refreshes = tokenRequests(await sandbox.log()).filter((r) => r.grantType === 'refresh_token');
				assert(refreshes.length === 0, 'n8n refreshed although the token was valid');
				return `${how}; TikTok Publish Video: ${out.status} (${out.publishId})`;
			});
			if (!ok1) return skipAsFailed(names.slice(1), 'baseline run failed');

			let t1;
			const ok2 = await check(names[1], async () => {
				await sandbox.expireTokens();
				const exec = await n8n.execute(wf.id);
				const how = assertRunSucceeded(exec);
				const log = await sandbox.log();
				const refreshes = tokenRequests(log).filter((r) => r.grantType === 'refresh_token');
				assert(refreshes.length === 1 && !refreshes[0].errorCode, `refresh requests: ${describeTokenRequests(refreshes)}`);
				const userInfo = log.filter((e) => e.path.endsWith('/user/info/')).map((e) => e.status);
				assert(userInfo.slice(-2).join(',') === '401,200', `user/info statuses ${userInfo.join(',')} (expected ...401,200)`);
				t1 = await tokenOf();
				assert(t1.access_token !== t0.access_token, 'access token not replaced in the stored credential');
				return `${how}; user/info 401 -> refresh -> 200`;
			});
			if (!ok2) return skipAsFailed(names.slice(2), 'first refresh failed');

			let t2;
			await check(names[2], async () => {
				assert(t1.refresh_token && t1.refresh_token !== t0.refresh_token, 'stored refresh token did not change after the refresh (rotation not persisted)');
				await sandbox.expireTokens();
				const exec = await n8n.execute(wf.id);
				const how = assertRunSucceeded(exec);
				const refreshes = tokenRequests(await sandbox.log()).filter((r) => r.grantType === 'refresh_token');
				assert(refreshes.length === 2 && refreshes.every((r) => !r.errorCode), `refresh requests: ${describeTokenRequests(refreshes)}`);
				t2 = await tokenOf();
				assert(t2.refresh_token && t2.refresh_token !== t1.refresh_token, 'second rotation not persisted');
				// and the new access token is reused without another refresh
				const again = await n8n.execute(wf.id);
				assertRunSucceeded(again);
				const after = tokenRequests(await sandbox.log()).filter((r) => r.grantType === 'refresh_token');
				assert(after.length === 2, 'n8n refreshed again although the stored token was fresh');
				return `${how}; refresh token rotated twice and stored each time; fresh token reused`;
			});

			await check(names[3], async () => {
				const reqs = tokenRequests(await sandbox.log()).filter((r) => r.grantType === 'refresh_token');
				assert(reqs.length >= 2, 'no refresh requests logged');
				assert(reqs.every((r) => r.inBody || r.inQuery), `client_key missing: ${describeTokenRequests(reqs)}`);
				const where = reqs.every((r) => r.inQuery && !r.inBody) ? 'query string only (n8n cannot add it to the refresh body)' : describeTokenRequests(reqs);
				return `n8n refresh requests: client_key in ${where}`;
			});

			await check(names[4], async () => {
				const outcomes = [];
				for (const [label, rt] of [['original', t0.refresh_token], ['first rotated', t1.refresh_token]]) {
					const r = await sandbox.token({ client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: rt });
					assert(r.data?.error === 'invalid_grant', `${label} refresh token: ${r.text.slice(0, 200)}`);
					outcomes.push(`${label}: invalid_grant`);
				}
				const current = await sandbox.token({ client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: 'rft.not-a-real-token' });
				assert(current.data?.error === 'invalid_grant', 'a made-up refresh token was accepted');
				return outcomes.join(', ');
			});
		});
	}

	for (const c of cleanups.reverse()) await c().catch(() => {});
	const passed = results.filter((r) => r.ok).length;
	const failed = results.length - passed;
	line('\n== durations');
	for (const d of durations) line(`${d.label.padEnd(62)} ${secs(d.ms)}`);
	line(`${'total'.padEnd(62)} ${secs(Date.now() - tStart)}`);
	if (failed) {
		line('\nfailed checks:');
		for (const r of results.filter((x) => !x.ok)) line(`- ${r.name}: ${String(r.reason).split('\n')[0]}`);
		line(`work folder kept: ${path.relative(REPO_ROOT, work)}`);
	} else if (!process.env.E2E_KEEP) {
		fs.rmSync(work, { recursive: true, force: true });
	}
	line('');
	line(`${passed} passed, ${failed} failed`);
	process.exitCode = failed || results.length === 0 ? 1 : 0;
}

main().catch((e) => {
	line(`FAIL  e2e runner crashed — ${e.stack || e.message}`);
	line(`${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length + 1} failed`);
	process.exit(1);
});
