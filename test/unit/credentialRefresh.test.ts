/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development); the secrets are the sandbox's and made-up ones */
/**
 * The credential completing a refresh TikTok refused (issue 18), through n8n-core 2.41's real
 * `requestOAuth2` / `refreshOrFetchToken` (test/helpers: the harness's credentialsHelper runs the
 * credential's preAuthentication like n8n's `runPreAuthentication` and saves like
 * `updateCredentialsOauthTokenData`). The sandbox stands in for TikTok; its `tokenClientKeyFrom: 'body'`
 * mode reads client_key from the form body only, as TikTok documents it.
 */
import { TikTokOAuth2Api } from '../../credentials/TikTokOAuth2Api.credentials';
import { completedTokenData, isAfterRefresh, markedBeforeRequest } from '../../credentials/tikTokTokens';
import {
	createTestContext,
	expectNoSecrets,
	sandboxCredentials,
	SANDBOX_CLIENT_KEY,
	secretsOf,
	settle,
	type TestContext,
	type TestCredentials,
} from '../helpers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSandbox } = require('../sandbox');

interface LogEntry {
	method: string;
	path: string;
	status: number;
	errorCode: string | null;
	query: Record<string, string>;
	body?: Record<string, string>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let sandbox: any;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	sandbox.reset();
	sandbox.configure({ tokenClientKeyFrom: 'body', refreshErrorStatus: 200 });
});

const calls = () => sandbox.log.map((e: LogEntry) => `${e.method} ${e.path} ${e.status} ${e.errorCode}`);
const tokenCalls = (): LogEntry[] => sandbox.log.filter((e: LogEntry) => e.path === '/v2/oauth/token/');

/** One request signed by n8n-core, as a node's call (n8n refreshes on 401 and retries once). */
async function userInfo(ctx: TestContext): Promise<unknown> {
	return await ctx.helpers.httpRequestWithAuthentication.call(ctx, 'tikTokOAuth2Api', {
		method: 'GET',
		url: `${sandbox.apiBaseUrl}/user/info/`,
		qs: { fields: 'open_id' },
		json: true,
	});
}

function expiredContext(extra: Partial<TestCredentials> = {}): TestContext {
	const ctx = createTestContext({ credentials: sandboxCredentials(sandbox, extra) });
	sandbox.expireAccessTokens();
	return ctx;
}

/** A refresh sent straight to the sandbox, client_key in the form body. */
async function refreshInBody(refreshToken: string): Promise<Record<string, unknown>> {
	const body = new URLSearchParams({ client_key: SANDBOX_CLIENT_KEY, client_secret: 'sandbox-client-secret', grant_type: 'refresh_token', refresh_token: refreshToken });
	const response = await fetch(sandbox.tokenUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
	return (await response.json()) as Record<string, unknown>;
}

const refreshTokenOf = (ctx: TestContext) => ctx.harness.credentialStore.oauthTokenData!.refresh_token!;

describe('body-only token endpoint: n8n refused, the credential completes the refresh', () => {
	it('form body client_key, client_secret, grant_type, refresh_token; clean token data saved once; the request retried with it', async () => {
		const ctx = expiredContext();
		const before = { ...ctx.harness.credentialStore.oauthTokenData! };

		expect(await userInfo(ctx)).toMatchObject({ data: { user: { open_id: 'open-id-sandbox-0001' } } });
		expect(calls()).toEqual([
			'GET /v2/user/info/ 401 access_token_invalid',
			'POST /v2/oauth/token/ 200 invalid_request',
			'POST /v2/oauth/token/ 200 null',
			'GET /v2/user/info/ 200 null',
		]);
		const [byN8n, byCredential] = tokenCalls();
		expect(byN8n.query).toEqual({ client_key: SANDBOX_CLIENT_KEY });
		expect(byCredential.query).toEqual({});
		expect(byCredential.body).toEqual({ client_key: SANDBOX_CLIENT_KEY, client_secret: '[redacted]', grant_type: 'refresh_token', refresh_token: '[redacted]' });

		const saved = ctx.harness.credentialStore.oauthTokenData!;
		expect(ctx.harness.tokenSaves).toBe(1);
		expect(Object.keys(saved).sort()).toEqual(
			['access_token', 'expires_in', 'n8n_expires_at', 'open_id', 'refresh_expires_in', 'refresh_token', 'scope', 'token_type'].sort(),
		);
		expect(saved.access_token).not.toBe(before.access_token);
		expect(saved.refresh_token).not.toBe(before.refresh_token);
		expectNoSecrets(ctx.harness.logs, secretsOf(ctx));
	});

	it('the rotated refresh token is the one saved: the next expiry is completed with it; the first one is spent', async () => {
		const ctx = expiredContext();
		const first = refreshTokenOf(ctx);
		await userInfo(ctx);
		const second = refreshTokenOf(ctx);

		sandbox.reset();
		sandbox.expireAccessTokens();
		const next = createTestContext({ credentials: ctx.harness.credentialStore });
		expect(await userInfo(next)).toMatchObject({ error: { code: 'ok' } });
		expect(calls()).toEqual([
			'GET /v2/user/info/ 401 access_token_invalid',
			'POST /v2/oauth/token/ 200 invalid_request',
			'POST /v2/oauth/token/ 200 null',
			'GET /v2/user/info/ 200 null',
		]);
		expect(refreshTokenOf(next)).not.toBe(second);

		expect((await refreshInBody(first)).error).toBe('invalid_grant');
	});

	it('two requests at once with the expired token: one refresh inside n8n\'s refresh lease, both succeed', async () => {
		const ctx = expiredContext();
		const answers = await Promise.all([userInfo(ctx), userInfo(ctx)]);
		expect(answers).toEqual([expect.objectContaining({ error: expect.objectContaining({ code: 'ok' }) }), expect.objectContaining({ error: expect.objectContaining({ code: 'ok' }) })]);
		expect(tokenCalls().map((e) => e.errorCode)).toEqual(['invalid_request', null]);
		expect(sandbox.log.filter((e: LogEntry) => e.errorCode === 'invalid_grant')).toHaveLength(0);
		expect(ctx.harness.tokenSaves).toBe(1);
	});
});

describe('a token endpoint that accepts n8n\'s refresh (client_key in the query string)', () => {
	it('no second token call; the saved data carries no mark of ours', async () => {
		sandbox.configure({ tokenClientKeyFrom: 'body-or-query' });
		const ctx = expiredContext();
		expect(await userInfo(ctx)).toMatchObject({ error: { code: 'ok' } });
		expect(calls()).toEqual([
			'GET /v2/user/info/ 401 access_token_invalid',
			'POST /v2/oauth/token/ 200 null',
			'GET /v2/user/info/ 200 null',
		]);
		expect(ctx.harness.tokenSaves).toBe(1);
		expect(Object.keys(ctx.harness.credentialStore.oauthTokenData!)).not.toContain('tiktokExpiresAtBeforeRefresh');
	});

	it("TikTok's error fields left in stored data by n8n 1.x do not make an accepted refresh look refused", async () => {
		sandbox.configure({ tokenClientKeyFrom: 'body-or-query' });
		const ctx = expiredContext();
		Object.assign(ctx.harness.credentialStore.oauthTokenData!, { error: 'invalid_request', error_description: 'stale', log_id: 'OLD' });
		expect(await userInfo(ctx)).toMatchObject({ error: { code: 'ok' } });
		expect(tokenCalls()).toHaveLength(1);
		expect(ctx.harness.credentialStore.oauthTokenData).not.toHaveProperty('error');
	});
});

describe('both refused', () => {
	it("a Client Secret changed after connecting: TikTok's reason for the last refusal (the form body), nothing saved, no secret in the error", async () => {
		const ctx = expiredContext({ clientSecret: 'changed-secret-0001' });
		const stored = { ...ctx.harness.credentialStore.oauthTokenData! };
		const { error } = await settle(async () => await userInfo(ctx));
		expect(tokenCalls().map((e) => `${e.errorCode}`)).toEqual(['invalid_request', 'invalid_client']);
		expect(sandbox.log.filter((e: LogEntry) => e.path === '/v2/user/info/')).toHaveLength(1);
		expect(ctx.harness.tokenSaves).toBe(0);
		expect(ctx.harness.credentialStore.oauthTokenData).toEqual(stored);
		const [, last] = tokenCalls();
		expect(String((error as Error).message)).toContain('invalid_client');
		expect(findCause(error)).toMatchObject({
			tikTokTokenProblem: 'refresh_refused',
			body: { error: 'invalid_client', error_description: 'Client secret is invalid.', log_id: expect.any(String) },
		});
		expect(last.errorCode).toBe('invalid_client');
		expectNoSecrets(error, [...secretsOf(ctx), 'changed-secret-0001']);
	});

	it('the stored refresh token, which TikTok did not use up, still works once the cause is fixed', async () => {
		const ctx = expiredContext({ clientSecret: 'changed-secret-0001' });
		await settle(async () => await userInfo(ctx));
		const fixed = createTestContext({ credentials: { ...ctx.harness.credentialStore, clientSecret: 'sandbox-client-secret' } });
		expect(await userInfo(fixed)).toMatchObject({ error: { code: 'ok' } });
	});
});

describe("the sandbox's 4xx mode (a refused refresh answered with HTTP 400/401 instead of 200)", () => {
	it("n8n-core throws at its own refresh: the credential never runs, one token call, nothing saved; TikTok's body reaches the node", async () => {
		sandbox.configure({ refreshErrorStatus: '4xx' });
		const ctx = expiredContext();
		const { error } = await settle(async () => await userInfo(ctx));
		expect(calls()).toEqual(['GET /v2/user/info/ 401 access_token_invalid', 'POST /v2/oauth/token/ 400 invalid_request']);
		expect(ctx.harness.tokenSaves).toBe(0);
		// client-oauth2's AuthError, wrapped by n8n-core's httpRequestWithAuthentication
		expect(findCause(error)).toMatchObject({ body: { error: 'invalid_request', error_description: 'client_key is required in the request body.' } });
	});

	it("invalid_grant with HTTP 400: n8n-core's own \"needs to be reconnected\" error", async () => {
		sandbox.configure({ refreshErrorStatus: '4xx', tokenClientKeyFrom: 'body-or-query' });
		const ctx = expiredContext();
		ctx.harness.credentialStore.oauthTokenData!.refresh_token = 'rft.unknown';
		const { error } = await settle(async () => await userInfo(ctx));
		expect(calls()).toEqual(['GET /v2/user/info/ 401 access_token_invalid', 'POST /v2/oauth/token/ 400 invalid_grant']);
		expect(String((error as Error).message)).toMatch(/needs to be reconnected/);
	});
});

describe('telling the two calls apart (the data n8n hands the hook)', () => {
	const cred = new TikTokOAuth2Api();

	it('a mark is "after a refresh" only once n8n has recomputed n8n_expires_at', () => {
		const stored = { access_token: 'a', n8n_expires_at: '1000' };
		const marked = markedBeforeRequest(stored);
		expect(isAfterRefresh(marked)).toBe(false);
		expect(isAfterRefresh({ ...marked, n8n_expires_at: '2000' })).toBe(true);
		expect(isAfterRefresh(stored)).toBe(false);
		// data minted without n8n_expires_at (as a code exchange stores it): n8n adds one on refresh
		expect(isAfterRefresh({ ...markedBeforeRequest({ access_token: 'a' }), n8n_expires_at: '5' })).toBe(true);
	});

	it('completed data: new tokens over the merged data, no error fields, n8n_expires_at moved by the change in expires_in', () => {
		const merged = { access_token: 'old', refresh_token: 'rold', expires_in: 100, n8n_expires_at: '500000', error: 'e', error_description: 'd', log_id: 'l', tiktokExpiresAtBeforeRefresh: '1' };
		const answer = { access_token: 'new', refresh_token: 'rnew', expires_in: 7200, open_id: 'o', scope: 's', token_type: 'Bearer', refresh_expires_in: 9, extra: 'x' };
		expect(completedTokenData(merged, answer)).toEqual({
			access_token: 'new',
			refresh_token: 'rnew',
			expires_in: 7200,
			open_id: 'o',
			scope: 's',
			token_type: 'Bearer',
			refresh_expires_in: 9,
			n8n_expires_at: String(500000 + (7200 - 100) * 1000),
		});
	});

	it('after a refresh TikTok accepted: the data without the mark, and no request', async () => {
		const sent: unknown[] = [];
		const helper = { helpers: { httpRequest: async (request: unknown) => sent.push(request) } };
		const merged = { ...markedBeforeRequest({ access_token: 'a', n8n_expires_at: '1' }), access_token: 'b', n8n_expires_at: '2' };
		expect(await cred.preAuthentication!.call(helper as never, { oauthTokenData: merged } as never)).toEqual({ oauthTokenData: { access_token: 'b', n8n_expires_at: '2' } });
		expect(sent).toHaveLength(0);
	});

	it('a token endpoint that cannot be reached: an error with its code only (the request held the secret and refresh token)', async () => {
		const failing = {
			helpers: {
				httpRequest: async () => {
					throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', config: { data: 'client_secret=s3cret&refresh_token=rft.secret' } });
				},
			},
		};
		const merged = { ...markedBeforeRequest({ access_token: 'a', refresh_token: 'rft.secret', n8n_expires_at: '1' }), n8n_expires_at: '2', error: 'invalid_request' };
		const { error } = await settle(async () => await cred.preAuthentication!.call(failing as never, { oauthTokenData: merged, clientSecret: 's3cret' } as never));
		expect((error as Error).message).toBe("Could not reach TikTok's token endpoint to refresh the access token (ECONNREFUSED).");
		expectNoSecrets(error, ['s3cret', 'rft.secret']);
	});
});

/** The error the credential threw, wherever n8n-core wrapped it. */
function findCause(error: unknown): Record<string, unknown> | undefined {
	let current = error as Record<string, unknown> | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if (current.tikTokTokenProblem || current.body) return current;
		current = current.cause as Record<string, unknown> | undefined;
	}
	return undefined;
}
