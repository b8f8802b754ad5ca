'use strict';
/*
 * Part e: what a user meets in the real n8n when TikTok's token endpoint refuses (docs/tiktok-api.md G2: errors with
 * HTTP 200), and a Drafts Only credential (apps without Direct Post).
 *   server (n8n start + REST): connect with a WRONG Client Secret through n8n's own OAuth endpoints ->
 *     the callback page, what the editor receives, the credential test (REST /rest/credentials/test as
 *     the editor would call it, and the public API's test by id on the stored data), the Privacy Level
 *     list (POST /rest/dynamic-node-parameters/options, the editor's load-options call);
 *     connect a Drafts Only credential to an app without Direct Post (the default one is refused);
 *   CLI: what n8n stored (export:credentials --decrypted), a TikTok Publish Video run with it;
 *     Drafts Only: Upload Video works, Publish Video refuses before any call.
 * Refused refreshes: part k.
 */
const { freePort, HttpClient } = require('../lib/util');
const { line, assert, check, skipAsFailed } = require('../lib/harness');
const { N8nInstance, PACKAGE_NAME } = require('../lib/n8n');
const { CLIENT_KEY, CLIENT_SECRET } = require('../lib/sandbox');
const { nodeItems, runSummary, assertRunSucceeded, tokenRequests, describeTokenRequests } = require('../lib/runs');

const OWNER = { email: 'e2e-auth@example.com', firstName: 'E2E', lastName: 'Auth', password: 'E2e-Passw0rd!' };
const DRAFTS_APP = { key: 'drafts-app-e2e', secret: 'drafts-app-e2e-secret' };
const WRONG_SECRET = 'not-the-client-secret';

const CHECKS = [
	'e1 server up, owner set up',
	'e2 wrong Client Secret: n8n callback page and what the editor receives',
	'e3 wrong Client Secret: credential test (REST and public API)',
	'e4 wrong Client Secret: Privacy Level list (load options)',
	'e5 Drafts Only: connect to an app without Direct Post (scope from the hidden $self expression)',
	'e6 Drafts Only: Privacy Level list refuses; the credential test passes',
	'e7 wrong Client Secret: what n8n stored, and a TikTok Publish Video run',
	'e8 Drafts Only: Upload Video works, Publish Video refuses before any call',
];

function credentialData(sandbox, { clientId = CLIENT_KEY, clientSecret = CLIENT_SECRET, postingAccess } = {}) {
	return {
		environment: 'custom',
		apiBaseUrl: sandbox.apiBaseUrl,
		customAuthUrl: sandbox.authorizeUrl,
		customTokenUrl: sandbox.tokenUrl,
		// the sandbox serves the media on http://127.0.0.1
		allowPrivateNetworks: true,
		clientId,
		clientSecret,
		...(postingAccess ? { postingAccess } : {}),
	};
}

/** One TikTok node (Publish or Upload) pulling a small video from the sandbox's verified /media/. */
function probeWorkflow(id, kind, cred, sandbox) {
	const publish = kind === 'publish';
	return {
		id,
		name: `e2e e: TikTok ${publish ? 'Publish' : 'Upload'} Video (${cred.name})`,
		nodes: [
			{ id: `${id}-1`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: `${id}-2`,
				name: 'TikTok',
				type: `${PACKAGE_NAME}.${publish ? 'tikTokPublishVideo' : 'tikTokUploadVideo'}`,
				typeVersion: 1,
				position: [260, 0],
				parameters: {
					source: 'url',
					videoUrl: `${sandbox.baseUrl}/media/e2e-auth.mp4?bytes=300000`,
					uploadMethod: 'pull',
					...(publish ? { caption: 'e2e auth probe', privacyLevel: 'SELF_ONLY' } : {}),
					waitForResult: true,
					options: {},
				},
				credentials: { tikTokOAuth2Api: { id: cred.id, name: cred.name } },
			},
		],
		connections: { Start: { main: [[{ node: 'TikTok', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

const runError = (exec) => exec.run?.data?.resultData?.error;
const pageText = (html) => html.replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
/** Calls to TikTok's API (not the sign-in endpoints). */
const apiCalls = (log) => log.filter((e) => e.path.startsWith('/v2/') && !/^\/v2\/(oauth|auth)\//.test(e.path));

module.exports = {
	id: 'e',
	title: 'e: token errors with HTTP 200 and Drafts Only in the real n8n',
	checks: CHECKS,
	async run({ install, tarball, sandbox, mediaDir, cleanups, userFolder }) {
		const names = CHECKS;
		const v1 = Number(String(install.version).split('.')[0]) < 2;
		const n8n = new N8nInstance(install, userFolder('user-e'), { fileAccessDirs: [mediaDir] });
		await n8n.installPackageTarball(tarball);
		await sandbox.reset();
		await sandbox.configure({
			verifyOwnMedia: true,
			tokenClientKeyFrom: 'body-or-query',
			clients: { [DRAFTS_APP.key]: { secret: DRAFTS_APP.secret, audited: false, redirectUris: [], scopes: ['user.info.basic', 'video.upload'] } },
		});
		cleanups.push(() => sandbox.configure({ tokenClientKeyFrom: 'body-or-query' }));

		const port = await freePort();
		const rest = new HttpClient(`http://localhost:${port}`, { headers: { 'browser-id': 'e2e-browser-e' } });
		let server;
		const ok1 = await check(names[0], async () => {
			server = await n8n.startServer({ port });
			cleanups.push(() => server.stop());
			const setup = await rest.request('POST', '/rest/owner/setup', { json: OWNER });
			assert(setup.status === 200, `POST /rest/owner/setup -> ${setup.status} ${setup.text.slice(0, 300)}`);
			const login = await rest.request('POST', '/rest/login', { json: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
			assert(login.status === 200, `POST /rest/login -> ${login.status}`);
			return server.url;
		});
		if (!ok1) return skipAsFailed(names.slice(1), 'server/owner setup failed');

		/** Create a credential over REST and run n8n's connect flow; returns what happened at each step. */
		const connect = async (name, data) => {
			const created = await rest.request('POST', '/rest/credentials', { json: { name, type: 'tikTokOAuth2Api', data } });
			assert(created.status === 200 && created.data?.data?.id, `POST /rest/credentials -> ${created.status} ${created.text.slice(0, 300)}`);
			const id = created.data.data.id;
			const auth = await rest.request('GET', `/rest/oauth2-credential/auth?id=${encodeURIComponent(id)}`);
			assert(auth.status === 200 && typeof auth.data?.data === 'string', `GET /rest/oauth2-credential/auth -> ${auth.status} ${auth.text.slice(0, 300)}`);
			const authUrl = new URL(auth.data.data);
			const consent = await rest.request('GET', authUrl.href);
			const result = { id, name, authUrl, consentStatus: consent.status, consentText: pageText(consent.text) };
			if (consent.status !== 302) return result;
			const cb = new URL(consent.location, authUrl);
			const callback = await rest.request('GET', cb.pathname + cb.search);
			return { ...result, callbackStatus: callback.status, callbackText: pageText(callback.text) };
		};

		let wrong;
		let apiKey;
		const ok2 = await check(names[1], async () => {
			wrong = await connect('TikTok (wrong secret)', credentialData(sandbox, { clientSecret: WRONG_SECRET }));
			assert(wrong.consentStatus === 302, `sandbox authorize -> ${wrong.consentStatus}: ${wrong.consentText.slice(0, 200)}`);
			const exchange = tokenRequests(await sandbox.log()).find((r) => r.grantType === 'authorization_code');
			assert(exchange?.errorCode === 'invalid_client' && exchange.status === 200, `code exchange: ${describeTokenRequests(exchange ? [exchange] : [])} HTTP ${exchange?.status}`);
			// n8n takes TikTok's HTTP-200 error for a token: the page says it worked
			assert(wrong.callbackStatus === 200, `callback -> ${wrong.callbackStatus}`);
			const page = /Connection successful/i.test(wrong.callbackText) ? 'Connection successful' : wrong.callbackText.slice(0, 200);
			const got = await rest.request('GET', `/rest/credentials/${wrong.id}?includeData=true`);
			const seen = got.data?.data?.data?.oauthTokenData;
			// the editor shows "Account connected" whenever oauthTokenData is present (it only gets `true`)
			assert(seen === true, `editor receives oauthTokenData=${JSON.stringify(seen)}`);
			return `TikTok answered invalid_client with HTTP 200; n8n's callback page: "${page}"; the editor receives oauthTokenData: true (so it shows "Account connected")`;
		});

		await check(names[2], async () => {
			assert(ok2, 'no credential from e2');
			const got = await rest.request('GET', `/rest/credentials/${wrong.id}?includeData=true`);
			const editorData = got.data?.data?.data ?? {};
			const viaRest = await rest.request('POST', '/rest/credentials/test', { json: { credentials: { id: wrong.id, name: wrong.name, type: 'tikTokOAuth2Api', data: editorData } } });
			const restResult = viaRest.data?.data ?? viaRest.data;
			const scopes = await rest.request('GET', '/rest/api-keys/scopes');
			const key = await rest.request('POST', '/rest/api-keys', {
				json: { label: 'e2e auth', scopes: (scopes.data?.data ?? []).filter((s) => s.startsWith('credential:')), expiresAt: null },
			});
			const rawKey = key.data?.data?.rawApiKey;
			assert(rawKey, `POST /rest/api-keys -> ${key.status} ${key.text.slice(0, 300)}`);
			apiKey = rawKey;
			const pub = await new HttpClient(server.url, { headers: { 'X-N8N-API-KEY': rawKey } }).request('POST', `/api/v1/credentials/${wrong.id}/test`);
			const calls = apiCalls(await sandbox.log()).map((e) => `${e.method} ${e.path} ${e.status}`);
			const seen = `REST: ${JSON.stringify(restResult)}; public API: ${pub.status} ${pub.text.slice(0, 400)}; TikTok calls: ${calls.join(', ') || 'none'}`;
			if (v1) {
				// n8n 1.x: no credential test in the public API, and no credential hook before its OAuth2 requests
				assert(pub.status === 404 && restResult?.status === 'Error' && /Unable to sign without access token/.test(restResult.message), seen);
				assert(calls.length === 0, `the credential test sent a request to TikTok: ${seen}`);
				return `n8n 1.x: POST /rest/credentials/test -> ${JSON.stringify(restResult)} (n8n's own words: 1.x runs no credential hook for OAuth2); POST /api/v1/credentials/{id}/test -> 404 (not in 1.x's public API)`;
			}
			assert(pub.status === 200 && pub.data?.status === 'Error', seen);
			assert(/^TikTok refused to connect this credential \(invalid_client: Client secret is invalid\.\), TikTok log_id \w+\. Check the Client Key and Client Secret/.test(pub.data.message), seen);
			assert(calls.length === 0, `the credential test sent a request to TikTok: ${seen}`);
			return `POST /rest/credentials/test (editor data, oauthTokenData: true) -> ${JSON.stringify(restResult)}; POST /api/v1/credentials/{id}/test (stored data) -> ${pub.data.status}: "${pub.data.message}"`;
		});

		const loadPrivacy = async (credId, credName) =>
			await rest.request('POST', '/rest/dynamic-node-parameters/options', {
				json: {
					path: 'parameters.privacyLevel',
					methodName: 'getPrivacyLevels',
					nodeTypeAndVersion: { name: `${PACKAGE_NAME}.tikTokPublishVideo`, version: 1 },
					currentNodeParameters: { source: 'binary', binaryPropertyName: 'data', privacyLevel: '' },
					credentials: { tikTokOAuth2Api: { id: credId, name: credName } },
				},
			});

		await check(names[3], async () => {
			assert(ok2, 'no credential from e2');
			const r = await loadPrivacy(wrong.id, wrong.name);
			const message = r.data?.message ?? r.text;
			assert(r.status >= 400, `load options answered ${r.status}: ${r.text.slice(0, 300)}`);
			assert(/TikTok refused to connect this credential \(invalid_client: Client secret is invalid\) \[token_connect_refused\]/.test(message), `load options error: ${message}`);
			assert(!/Unable to sign|network_error/.test(message), `n8n's internal message leaked: ${message}`);
			return `HTTP ${r.status}: "${message}" (the editor shows it as the list's issue)`;
		});

		let drafts;
		const ok5 = await check(names[4], async () => {
			const refused = await connect('TikTok (drafts app, default access)', credentialData(sandbox, { clientId: DRAFTS_APP.key, clientSecret: DRAFTS_APP.secret }));
			assert(refused.consentStatus === 400 && /invalid_scope/.test(refused.consentText), `default access on a drafts-only app: ${refused.consentStatus} ${refused.consentText.slice(0, 200)}`);
			drafts = await connect('TikTok (drafts only)', credentialData(sandbox, { clientId: DRAFTS_APP.key, clientSecret: DRAFTS_APP.secret, postingAccess: 'draftsOnly' }));
			const scope = drafts.authUrl.searchParams.get('scope');
			assert(scope === 'user.info.basic,video.upload', `authorize scope=${scope}`);
			assert(drafts.consentStatus === 302 && /Connection successful/i.test(drafts.callbackText ?? ''), `drafts connect: ${drafts.consentStatus} ${drafts.callbackText?.slice(0, 200)}`);
			return `default access -> sandbox "invalid_scope" before consent; Drafts Only -> scope=${scope}, "Connection successful"`;
		});

		await check(names[5], async () => {
			assert(ok5, 'no drafts credential');
			const before = apiCalls(await sandbox.log()).length;
			const r = await loadPrivacy(drafts.id, drafts.name);
			const message = r.data?.message ?? r.text;
			assert(r.status >= 400 && /set to Drafts Only/.test(message), `load options: ${r.status} ${message}`);
			assert(apiCalls(await sandbox.log()).length === before, 'the list called TikTok');
			if (v1) return `list: HTTP ${r.status}: "${message}", no call to TikTok (n8n 1.x has no public-API credential test)`;
			// and the credential's own test passes for this working connection (its request really runs)
			assert(apiKey, 'no API key from e3');
			await sandbox.reset();
			const pub = await new HttpClient(server.url, { headers: { 'X-N8N-API-KEY': apiKey } }).request('POST', `/api/v1/credentials/${drafts.id}/test`);
			const calls = apiCalls(await sandbox.log()).map((e) => `${e.method} ${e.path}?${new URLSearchParams(e.query)} ${e.status}`);
			assert(pub.data?.status === 'OK' && calls.join() === 'GET /v2/user/info/?fields=open_id 200', `credential test: ${pub.status} ${pub.text.slice(0, 300)}; calls ${calls.join(', ')}`);
			return `list: HTTP ${r.status}: "${message}"; credential test (public API): ${pub.data.status} "${pub.data.message}" after ${calls.join()}`;
		});

		await server.stop();

		// ---- CLI: stored data and node runs
		await check(names[6], async () => {
			assert(ok2, 'no credential from e2');
			const stored = (await n8n.exportCredentials(wrong.id)).find((c) => c.id === wrong.id)?.data?.oauthTokenData;
			assert(stored && !stored.access_token && stored.error === 'invalid_client', `stored oauthTokenData: ${JSON.stringify(stored)}`);
			const wf = probeWorkflow('tkE2eAuthWrong01', 'publish', wrong, sandbox);
			await n8n.importWorkflow(wf);
			await sandbox.reset();
			const exec = await n8n.execute(wf.id);
			const err = runError(exec);
			assert(err, `expected an error: ${runSummary(exec)}`);
			assert(/^TikTok refused to connect this credential \(invalid_client: Client secret is invalid\) \[token_connect_refused\]$/.test(err.message), `run error: ${err.message}`);
			assert(!/network|Unable to sign|TikTok said/i.test(`${err.message} ${err.description}`), `misleading text: ${err.message} ${err.description}`);
			assert((await sandbox.log()).length === 0, 'the run sent a request');
			return `n8n stored ${JSON.stringify({ ...stored, log_id: stored.log_id ? '<log_id>' : undefined })}; run error: "${err.message}" — "${err.description}"`;
		});

		await check(names[7], async () => {
			assert(ok5, 'no drafts credential');
			const upload = probeWorkflow('tkE2eAuthDraftU1', 'upload', drafts, sandbox);
			const publish = probeWorkflow('tkE2eAuthDraftP1', 'publish', drafts, sandbox);
			await n8n.importWorkflow(upload);
			await n8n.importWorkflow(publish);
			await sandbox.reset();
			const up = await n8n.execute(upload.id);
			const how = assertRunSucceeded(up);
			const out = nodeItems(up.run, 'TikTok')?.[0];
			assert(out?.status === 'SEND_TO_USER_INBOX', `Upload Video output: ${JSON.stringify(out)?.slice(0, 200)}`);
			await sandbox.reset();
			const pub = await n8n.execute(publish.id);
			const err = runError(pub);
			assert(err && /^This TikTok credential is set to Drafts Only/.test(err.message), `Publish Video: ${runSummary(pub)}`);
			assert((await sandbox.log()).length === 0, `Publish Video called TikTok: ${JSON.stringify((await sandbox.log()).map((e) => e.path))}`);
			return `Upload Video: ${out.status} (${how}); Publish Video: "${err.message}", no request to TikTok`;
		});
		line('part e done');
	},
};
