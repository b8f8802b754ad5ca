'use strict';
/*
 * Part b: the OAuth connect flow through n8n's own endpoints on `n8n start`: owner setup, credential
 * via REST, GET /rest/oauth2-credential/auth -> sandbox authorize (302) -> n8n callback; then the
 * "product added" example is activated and called over its real webhook URL. The connected credential
 * is handed to part c through `shared.oauthCred`.
 */
const { freePort, HttpClient, secs } = require('../lib/util');
const { line, assert, check, skipAsFailed } = require('../lib/harness');
const { N8nInstance, PACKAGE_NAME, postToNewWebhook } = require('../lib/n8n');
const { sandboxCredential, CLIENT_KEY } = require('../lib/sandbox');
const { publishIdOf, loadExample, useCredential, tokenRequests, describeTokenRequests, expectedSha256 } = require('../lib/runs');

const OWNER = { email: 'e2e-owner@example.com', firstName: 'E2E', lastName: 'Owner', password: 'E2e-Passw0rd!' };
const CHECKS = ['b1 server up, owner set up', 'b2 credential created', 'b3 authorization URL', 'b4 sandbox authorize -> n8n callback', 'b5 token requests carry client_key', 'b6 webhook example with the connected credential'];

module.exports = {
	id: 'b',
	title: 'b: OAuth connect through n8n (n8n start + REST)',
	checks: CHECKS,
	OWNER,
	async run({ install, tarball, sandbox, media, mediaDir, cleanups, userFolder, shared }) {
		const names = CHECKS;
		const userB = userFolder('user-b');
		let oauthCred;
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
			const hook = await postToNewWebhook(server.url, webhookPath, product);
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
		shared.oauthCred = oauthCred;
	},
};
