/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * The credential: its fields, its hidden expressions (resolved by n8n-workflow like n8n does), and that
 * the resolved values really work against the sandbox: connect (n8n's controller steps,
 * test/helpers/oauthConnect.ts) and refresh through n8n-core's own refresh (requestOAuth2 ->
 * ClientOAuth2Token.refresh), never a request rebuilt by hand. Its `test` is run like n8n's
 * CredentialsTester does, through n8n-core's RoutingNode (test/helpers/credentialTest.ts).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { TikTokOAuth2Api } from '../../credentials/TikTokOAuth2Api.credentials';
import {
	buildTikTokOAuthUrls,
	TIKTOK_API_BASE_URL,
	TIKTOK_AUTHORIZE_URL,
	TIKTOK_DRAFT_SCOPE_STRING,
	TIKTOK_SCOPE_STRING,
	TIKTOK_TOKEN_URL,
} from '../../nodes/TikTok/core/tiktok/constants';
import {
	connectLikeN8n,
	createTestContext,
	expectNoSecrets,
	resolveTikTokCredentialData,
	sandboxCredentials,
	SANDBOX_CLIENT_KEY,
	SANDBOX_CLIENT_SECRET,
	secretsOf,
	settle,
	type TestCredentials,
} from '../helpers';
import { runCredentialTest } from '../helpers/credentialTest';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSandbox } = require('../sandbox');

const cred = new TikTokOAuth2Api();
const prop = (name: string) => cred.properties.find((p) => p.name === name)!;

interface LogEntry {
	method: string;
	path: string;
	status: number;
	errorCode: string | null;
	query: Record<string, string>;
	body?: Record<string, string>;
}

describe('TikTokOAuth2Api definition', () => {
	it('identity', () => {
		expect(cred.name).toBe('tikTokOAuth2Api');
		expect(cred.displayName).toBe('TikTok OAuth2 API');
		expect(cred.extends).toEqual(['oAuth2Api']);
		expect(cred.icon).toEqual({ light: 'file:tiktok.svg', dark: 'file:tiktok.dark.svg' });
		expect(cred.documentationUrl).toBe('https://github.com/tiktok-n8n/n8n-nodes-tiktok-content-posting#credential');
	});

	it('visible Client Key / Client Secret, hidden OAuth fields', () => {
		expect(prop('clientId')).toMatchObject({ displayName: 'Client Key', type: 'string' });
		expect(prop('clientSecret')).toMatchObject({ type: 'string', typeOptions: { password: true } });
		expect(prop('grantType')).toMatchObject({ type: 'hidden', default: 'authorizationCode' });
		expect(prop('authentication')).toMatchObject({ type: 'hidden', default: 'body' });
		for (const name of ['scope', 'authUrl', 'accessTokenUrl', 'authQueryParameters', 'additionalBodyProperties']) {
			expect(prop(name).type).toBe('hidden');
		}
		expect(cred.properties.find((p) => p.name === 'usePkce')).toBeUndefined();
	});

	// n8n renders the fields in oAuth2Api's order: clientId, clientCredentialType (a hidden anchor there),
	// clientSecret. The notice takes the anchor's name to sit between the key and the secret.
	it('a notice right after the key field (anchor clientCredentialType) says n8n labels it "Client ID" and that it takes the Client key', () => {
		const notice = prop('clientCredentialType');
		expect(notice.type).toBe('notice');
		expect(notice.displayName).toMatch(/"Client ID"/);
		expect(notice.displayName).toMatch(/Client key/);
	});

	it('the same notice says "Account connected" does not prove TikTok accepted, and where to check', () => {
		// n8n's editor shows "Account connected" for any stored token data, TikTok's HTTP 200 refusal included
		const text = prop('clientCredentialType').displayName;
		expect(text).toMatch(/"Account connected" even when TikTok refused/);
		expect(text).toMatch(/Privacy Level list names your TikTok account, or says why TikTok refused, and so does any run/);
	});

	it('the notice on the anchor leaves n8n sending the Client Secret: its value is not "certificate"', () => {
		// n8n-core and @n8n/client-oauth2 switch to certificate auth only on clientCredentialType === 'certificate'
		expect(prop('clientCredentialType').default).toBe('');
	});

	it('Posting Access: Drafts and Direct Posts (default) or Drafts Only', () => {
		expect(prop('postingAccess')).toMatchObject({ type: 'options', default: 'draftsAndDirect' });
		expect((prop('postingAccess').options as Array<{ value: string }>).map((o) => o.value)).toEqual(['draftsAndDirect', 'draftsOnly']);
	});

	it('environment TikTok (default) / Custom; custom URL fields only for Custom', () => {
		expect(prop('environment').default).toBe('tiktok');
		expect((prop('environment').options as Array<{ value: string }>).map((o) => o.value)).toEqual(['tiktok', 'custom']);
		for (const name of ['apiBaseUrl', 'customAuthUrl', 'customTokenUrl']) {
			expect(prop(name).displayOptions).toEqual({ show: { environment: ['custom'] } });
		}
	});

	it('light and dark icons differ', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const fs = require('fs');
		const light = fs.readFileSync(`${__dirname}/../../credentials/tiktok.svg`, 'utf8');
		const dark = fs.readFileSync(`${__dirname}/../../credentials/tiktok.dark.svg`, 'utf8');
		expect(light).toMatch(/^<svg/);
		expect(light).not.toBe(dark);
	});
});

describe('hidden expressions resolved like n8n ($self)', () => {
	it('TikTok environment', () => {
		const data = resolveTikTokCredentialData({ clientId: 'aw key&1', clientSecret: 's', oauthTokenData: { access_token: 'a' } });
		expect(data.authUrl).toBe(TIKTOK_AUTHORIZE_URL);
		expect(data.accessTokenUrl).toBe(`${TIKTOK_TOKEN_URL}?client_key=aw%20key%261`);
		expect(data.authQueryParameters).toBe('client_key=aw%20key%261');
		expect(JSON.parse(data.additionalBodyProperties as string)).toEqual({ client_key: 'aw key&1' });
		expect(data.scope).toBe('user.info.basic,video.upload,video.publish');
		expect(data.authentication).toBe('body');
		expect(data.grantType).toBe('authorizationCode');
		expect(data.oauthTokenData).toEqual({ access_token: 'a' });
		const urls = buildTikTokOAuthUrls({ clientId: 'aw key&1', environment: 'tiktok' });
		expect(urls).toMatchObject({
			authUrl: data.authUrl,
			accessTokenUrl: data.accessTokenUrl,
			authQueryParameters: data.authQueryParameters,
			additionalBodyProperties: data.additionalBodyProperties,
			apiBaseUrl: TIKTOK_API_BASE_URL,
		});
	});

	it('scope follows Posting Access', () => {
		expect(resolveTikTokCredentialData({ clientId: 'k', clientSecret: 's' }).scope).toBe(TIKTOK_SCOPE_STRING);
		expect(resolveTikTokCredentialData({ clientId: 'k', clientSecret: 's', postingAccess: 'draftsAndDirect' }).scope).toBe(TIKTOK_SCOPE_STRING);
		expect(resolveTikTokCredentialData({ clientId: 'k', clientSecret: 's', postingAccess: 'draftsOnly' }).scope).toBe(TIKTOK_DRAFT_SCOPE_STRING);
		// a scope stored in the data (older credential, crafted import) is ignored: hidden = default
		expect(resolveTikTokCredentialData({ clientId: 'k', clientSecret: 's', postingAccess: 'draftsOnly', scope: 'x' }).scope).toBe(TIKTOK_DRAFT_SCOPE_STRING);
	});

	it('Custom environment, token URL that already has a query', () => {
		const stored = {
			clientId: 'k',
			clientSecret: 's',
			environment: 'custom' as const,
			apiBaseUrl: 'http://proxy.local/v2/',
			customAuthUrl: 'http://proxy.local/auth',
			customTokenUrl: 'http://proxy.local/token?tenant=a',
		};
		const data = resolveTikTokCredentialData(stored);
		expect(data.authUrl).toBe('http://proxy.local/auth');
		expect(data.accessTokenUrl).toBe('http://proxy.local/token?tenant=a&client_key=k');
		const urls = buildTikTokOAuthUrls(stored);
		expect(urls.authUrl).toBe(data.authUrl);
		expect(urls.accessTokenUrl).toBe(data.accessTokenUrl);
		expect(urls.apiBaseUrl).toBe('http://proxy.local/v2');
	});
});

describe('against the sandbox: connect like n8n, refresh through n8n-core', () => {
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	let sandbox: any;
	beforeAll(async () => {
		sandbox = await startSandbox({
			clients: {
				'drafts-app': { secret: 'drafts-app-secret', audited: false, redirectUris: [], scopes: ['user.info.basic', 'video.upload'] },
			},
		});
	});
	afterAll(async () => {
		await sandbox.close();
	});
	beforeEach(() => {
		sandbox.reset();
		sandbox.configure({ tokenClientKeyFrom: 'body-or-query' });
	});

	const storedFor = (extra: Partial<TestCredentials> = {}): TestCredentials => ({
		clientId: SANDBOX_CLIENT_KEY,
		clientSecret: SANDBOX_CLIENT_SECRET,
		environment: 'custom',
		apiBaseUrl: sandbox.apiBaseUrl,
		customAuthUrl: sandbox.authorizeUrl,
		customTokenUrl: sandbox.tokenUrl,
		...extra,
	});
	const tokenCalls = (): LogEntry[] => sandbox.log.filter((e: LogEntry) => e.path === '/v2/oauth/token/');
	/** One signed request through n8n-core (refreshes on 401 like any node call). */
	const userInfo = async (ctx: ReturnType<typeof createTestContext>) =>
		await ctx.helpers.httpRequestWithAuthentication.call(ctx, 'tikTokOAuth2Api', {
			method: 'GET',
			url: `${sandbox.apiBaseUrl}/user/info/`,
			qs: { fields: 'open_id' },
			json: true,
		});

	it('connect: authorize with client_key and comma scopes, code exchange with client_key in the body', async () => {
		const connected = await connectLikeN8n(storedFor());
		const authorize = new URL(connected.authorizeUrl);
		expect(authorize.searchParams.get('client_key')).toBe(SANDBOX_CLIENT_KEY);
		expect(authorize.searchParams.get('scope')).toBe('user.info.basic,video.upload,video.publish');
		expect(connected.oauthTokenData?.access_token).toMatch(/^act\./);
		expect(connected.oauthTokenData?.scope).toBe('user.info.basic,video.upload,video.publish');
		const [exchange] = tokenCalls();
		expect(exchange.errorCode).toBeNull();
		expect(exchange.body).toMatchObject({ grant_type: 'authorization_code', client_key: SANDBOX_CLIENT_KEY });
	});

	it('refresh: n8n-core refreshes at the resolved token URL (client_key in its query), saves the rotated token, retries', async () => {
		const stored = storedFor();
		stored.oauthTokenData = (await connectLikeN8n(stored)).oauthTokenData;
		const ctx = createTestContext({ credentials: stored });
		const before = { ...stored.oauthTokenData };
		sandbox.reset();
		sandbox.expireAccessTokens();

		expect(await userInfo(ctx)).toMatchObject({ data: { user: { open_id: 'open-id-sandbox-0001' } }, error: { code: 'ok' } });
		const calls = sandbox.log.map((e: LogEntry) => `${e.method} ${e.path} ${e.status}`);
		expect(calls).toEqual(['GET /v2/user/info/ 401', 'POST /v2/oauth/token/ 200', 'GET /v2/user/info/ 200']);
		const [refresh] = tokenCalls();
		expect(refresh.errorCode).toBeNull();
		expect(refresh.query).toEqual({ client_key: SANDBOX_CLIENT_KEY });
		expect(refresh.body).toMatchObject({ grant_type: 'refresh_token', client_id: SANDBOX_CLIENT_KEY, refresh_token: '[redacted]' });
		expect(ctx.harness.tokenSaves).toBe(1);
		expect(ctx.harness.credentialStore.oauthTokenData!.refresh_token).not.toBe(before.refresh_token);
		expectNoSecrets(ctx.harness.logs, secretsOf(ctx));
	});

	it("refresh in the sandbox's 'body' mode (TikTok's documented reading): n8n's refresh is refused with HTTP 200 and the credential completes it in the form body (test/unit/credentialRefresh.test.ts)", async () => {
		const stored = storedFor();
		stored.oauthTokenData = (await connectLikeN8n(stored)).oauthTokenData;
		const ctx = createTestContext({ credentials: stored });
		sandbox.configure({ tokenClientKeyFrom: 'body' });
		sandbox.reset();
		sandbox.expireAccessTokens();

		expect(await userInfo(ctx)).toMatchObject({ error: { code: 'ok' } });
		const [byN8n, byCredential] = tokenCalls();
		expect(byN8n).toMatchObject({ status: 200, errorCode: 'invalid_request', query: { client_key: SANDBOX_CLIENT_KEY } });
		expect(byCredential).toMatchObject({ status: 200, errorCode: null, query: {}, body: { client_key: SANDBOX_CLIENT_KEY, grant_type: 'refresh_token' } });
		expect(ctx.harness.credentialStore.oauthTokenData).not.toHaveProperty('error');
	});

	it('a wrong Client Secret: n8n stores TikTok\'s error as the token data, with no access token', async () => {
		const connected = await connectLikeN8n(storedFor({ clientSecret: 'not-the-secret' }));
		expect(connected.authorizeStatus).toBe(302);
		expect(connected.oauthTokenData).toEqual({ error: 'invalid_client', error_description: 'Client secret is invalid.', log_id: expect.any(String) });
	});

	it('Drafts Only asks for user.info.basic,video.upload: an app without Direct Post connects; the default is refused by such an app', async () => {
		const draftsApp = { clientId: 'drafts-app', clientSecret: 'drafts-app-secret' };
		const refused = await connectLikeN8n(storedFor(draftsApp));
		expect(refused.authorizeStatus).toBe(400);
		expect(refused.oauthTokenData).toBeUndefined();

		const connected = await connectLikeN8n(storedFor({ ...draftsApp, postingAccess: 'draftsOnly' }));
		expect(new URL(connected.authorizeUrl).searchParams.get('scope')).toBe('user.info.basic,video.upload');
		expect(connected.oauthTokenData).toMatchObject({ access_token: expect.stringMatching(/^act\./), scope: 'user.info.basic,video.upload' });
	});
});

describe('credential test (n8n CredentialsTester semantics through n8n-core RoutingNode)', () => {
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	let sandbox: any;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.close();
	});
	beforeEach(() => {
		sandbox.reset();
		sandbox.configure({ tokenClientKeyFrom: 'body-or-query' });
	});

	it('a working token: "Connection successful!" after one user/info call', async () => {
		const ctx = createTestContext({ credentials: sandboxCredentials(sandbox) });
		expect(await runCredentialTest(ctx.harness)).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(sandbox.log.map((e: LogEntry) => `${e.method} ${e.path}`)).toEqual(['GET /v2/user/info/']);
		expect(sandbox.log[0].query).toEqual({ fields: 'open_id' });
	});

	it('TikTok refused the connect: TikTok\'s reason and log_id, what to do, no request sent', async () => {
		const ctx = createTestContext({
			credentials: { ...sandboxCredentials(sandbox), oauthTokenData: { error: 'invalid_client', error_description: 'Client secret is invalid.', log_id: '20261201T0001' } },
		});
		const result = await runCredentialTest(ctx.harness);
		expect(result.status).toBe('Error');
		expect(result.message).toBe(
			'TikTok refused to connect this credential (invalid_client: Client secret is invalid.), TikTok log_id 20261201T0001. Check the Client Key and Client Secret in the credential (copy them again from the TikTok developer portal), save, and click "Connect my account" again.',
		);
		expect(result.message).not.toMatch(/Unable to sign/);
		expect(sandbox.log).toHaveLength(0);
	});

	it('token data without access token nor TikTok error: says the credential holds no access token', async () => {
		const ctx = createTestContext({ credentials: { ...sandboxCredentials(sandbox), oauthTokenData: { token_type: 'Bearer' } } });
		const result = await runCredentialTest(ctx.harness);
		expect(result).toMatchObject({ status: 'Error', message: expect.stringMatching(/^This TikTok credential holds no access token\. Check the Client Key/) });
	});

	it("expired token in the sandbox's 'body' mode: the credential completes n8n's refused refresh, the test passes", async () => {
		const ctx = createTestContext({ credentials: sandboxCredentials(sandbox) });
		sandbox.configure({ tokenClientKeyFrom: 'body' });
		sandbox.expireAccessTokens();
		expect(await runCredentialTest(ctx.harness)).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(sandbox.log.map((e: LogEntry) => `${e.path} ${e.status} ${e.errorCode}`)).toEqual([
			'/v2/user/info/ 401 access_token_invalid',
			'/v2/oauth/token/ 200 invalid_request',
			'/v2/oauth/token/ 200 null',
			'/v2/user/info/ 200 null',
		]);
	});

	it('expired token and both refreshes refused (a Client Secret changed after connecting): TikTok\'s last reason', async () => {
		const ctx = createTestContext({ credentials: sandboxCredentials(sandbox, { clientSecret: 'changed-secret' }) });
		sandbox.configure({ tokenClientKeyFrom: 'body' });
		sandbox.expireAccessTokens();
		const result = await runCredentialTest(ctx.harness);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^TikTok refused to refresh the access token \(invalid_client: Client secret is invalid\.\), TikTok log_id \w+\. It refused n8n's refresh/);
		expect(result.message).not.toContain('changed-secret');
		expect(sandbox.log.map((e: LogEntry) => `${e.path} ${e.status} ${e.errorCode}`)).toEqual([
			'/v2/user/info/ 401 access_token_invalid',
			'/v2/oauth/token/ 200 invalid_request',
			'/v2/oauth/token/ 200 invalid_client',
		]);
	});

	it('an API Base URL that is not TikTok\'s: the 404 rule', async () => {
		const ctx = createTestContext({ credentials: sandboxCredentials(sandbox, { apiBaseUrl: `${sandbox.baseUrl}/not-v2/` }) });
		expect(await runCredentialTest(ctx.harness)).toEqual({
			status: 'Error',
			message: 'The API Base URL does not answer like TikTok (HTTP 404). For the Custom environment it must end in /v2.',
		});
	});

	it('an HTTP 200 answer without the account id (a proxy, an error envelope): the body rule', async () => {
		const server = http.createServer((_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ data: {}, error: { code: 'scope_not_authorized', message: 'no', log_id: 'L' } }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`;
			const ctx = createTestContext({ credentials: sandboxCredentials(sandbox, { apiBaseUrl: base }) });
			expect(await runCredentialTest(ctx.harness)).toEqual({
				status: 'Error',
				message: expect.stringMatching(/^TikTok answered without the account id/),
			});
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
	});
});

describe('preAuthentication (run by n8n-core before every signed request)', () => {
	const run = async (oauthTokenData: unknown) =>
		await settle(async () => await cred.preAuthentication!.call({ helpers: {} } as never, { oauthTokenData } as never));

	it('before a request: signs with the stored token, marked, without stale TikTok error fields, and sends nothing', async () => {
		const sent: unknown[] = [];
		const helper = { helpers: { httpRequest: async (request: unknown) => sent.push(request) } };
		const stale = { access_token: 'act.x', refresh_token: 'rft.x', error: 'invalid_request', error_description: 'old', log_id: 'L0', n8n_expires_at: '1700000000000' };
		const result = await cred.preAuthentication!.call(helper as never, { oauthTokenData: stale } as never);
		expect(result).toEqual({ oauthTokenData: { access_token: 'act.x', refresh_token: 'rft.x', n8n_expires_at: '1700000000000', tiktokExpiresAtBeforeRefresh: '1700000000000' } });
		expect(sent).toHaveLength(0);
		expect((await run(true)).result).toEqual({});
	});

	it("throws TikTok's reason with the OAuth error fields the transport reads", async () => {
		const { error } = await run({ error: 'invalid_client', error_description: 'Client key is invalid.', log_id: 'LOG1' });
		expect((error as Error).message).toMatch(/^TikTok refused to connect this credential \(invalid_client: Client key is invalid\.\), TikTok log_id LOG1\./);
		expect(error).toMatchObject({ tikTokTokenProblem: 'connect_refused', body: { error: 'invalid_client', error_description: 'Client key is invalid.', log_id: 'LOG1' } });
	});
});
