/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-hardcoded-secrets -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * Transport against the TikTok sandbox through n8n-core's real request path (test/helpers).
 */
import { NodeApiError } from 'n8n-workflow';

import { ENDPOINTS } from '../../nodes/TikTok/core/tiktok/constants';
import { resetPacing, setPacingWindowForTests } from '../../nodes/TikTok/core/tiktok/pacing';
import { interpretResponse, outcomeFromThrown } from '../../nodes/TikTok/core/tiktok/apiOutcome';
import { tikTokApiRequest } from '../../nodes/TikTok/core/tiktok/transport';
import {
	createTestContext,
	expectNoSecrets,
	findSecrets,
	sandboxCredentials,
	secretsOf,
	settle,
	type TestContext,
} from '../helpers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSandbox } = require('../sandbox');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let sandbox: any; // test/sandbox (see its index.d.ts); typed loosely to read log entries freely

const SMALL_UPLOAD = {
	source_info: { source: 'FILE_UPLOAD', video_size: 1000, chunk_size: 1000, total_chunk_count: 1 },
};

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	await sandbox.close();
	setPacingWindowForTests(undefined);
});

beforeEach(() => {
	sandbox.reset();
	sandbox.configure({
		rateLimits: { windowMs: 60000, init: 6, creatorInfo: 20, status: 30 },
		faults: { cannotPost: null, initError: null, statusError: null },
	});
	setPacingWindowForTests(undefined);
	resetPacing();
});

function context(extra: Parameters<typeof sandboxCredentials>[1] = {}): TestContext {
	const ctx = createTestContext({ credentials: sandboxCredentials(sandbox, extra) });
	return ctx;
}

async function expectTikTokError(ctx: TestContext, promise: Promise<unknown>): Promise<NodeApiError> {
	const { error } = await settle(async () => await promise);
	expect(error).toBeInstanceOf(NodeApiError);
	expectNoSecrets(error, secretsOf(ctx));
	expectNoSecrets(ctx.harness.logs, secretsOf(ctx));
	return error as NodeApiError;
}

describe('envelope', () => {
	it('returns data and log_id when error.code is ok, signed with the Bearer token', async () => {
		const ctx = context();
		const res = await tikTokApiRequest.call(ctx, 'GET', ENDPOINTS.userInfo, {
			query: { fields: 'open_id,display_name' },
		});
		expect(res.data).toEqual({ user: { open_id: 'open-id-sandbox-0001', display_name: 'Sandbox Shop' } });
		expect(res.logId).toMatch(/.+/);
		const entry = sandbox.log.find((e: { path: string }) => e.path === '/v2/user/info/');
		expect(entry.status).toBe(200);
	});

	it('sends POST bodies as JSON and an empty JSON object when there is no body', async () => {
		const ctx = context();
		const res = await tikTokApiRequest.call(ctx, 'POST', ENDPOINTS.creatorInfo, { rateLimit: 'creatorInfo' });
		expect(res.data).toHaveProperty('privacy_level_options');
		const init = await tikTokApiRequest.call<TestContext, Parameters<typeof tikTokApiRequest>, Promise<{ data: { publish_id: string } }>>(
			ctx,
			'POST',
			ENDPOINTS.inboxVideoInit,
			{ body: SMALL_UPLOAD, rateLimit: 'init' },
		);
		expect(init.data.publish_id).toMatch(/.+/);
	});

	it('treats HTTP 200 with a non-ok code as an error (code, status, log_id, hint)', async () => {
		sandbox.configure({ faults: { cannotPost: 'spam_risk_too_many_posts' } });
		const ctx = context();
		const error = await expectTikTokError(ctx, tikTokApiRequest.call(ctx, 'POST', ENDPOINTS.creatorInfo, { rateLimit: 'creatorInfo', itemIndex: 2 }));
		expect(error.message).toBe('This TikTok account has reached its daily posting limit [spam_risk_too_many_posts]');
		expect(error.httpCode).toBe('200');
		expect(error.description).toMatch(/Wait until tomorrow/);
		expect(error.description).toMatch(/\(TikTok log_id: \w+\)$/);
		expect(error.context.tiktokCode).toBe('spam_risk_too_many_posts');
		expect(error.context.itemIndex).toBe(2);
	});

	it('explains a 4xx envelope error', async () => {
		const ctx = context();
		const error = await expectTikTokError(ctx, tikTokApiRequest.call(ctx, 'POST', ENDPOINTS.statusFetch, { body: { publish_id: 'nope' }, rateLimit: 'status' }));
		expect(error.message).toContain('[invalid_publish_id]');
		expect(error.httpCode).toBe('400');
		expect(error.description).toContain('TikTok log_id:');
	});

	it('explains the unaudited-client 403', async () => {
		sandbox.configure({ clients: { 'sandbox-client-key': { audited: false } } });
		try {
			const ctx = context();
			const error = await expectTikTokError(
				ctx,
				tikTokApiRequest.call(ctx, 'POST', ENDPOINTS.directVideoInit, {
					body: { post_info: { privacy_level: 'SELF_ONLY', title: 't' }, ...SMALL_UPLOAD },
					rateLimit: 'init',
				}),
			);
			expect(error.message).toContain('[unaudited_client_can_only_post_to_private_accounts]');
			expect(error.httpCode).toBe('403');
			expect(error.description).toMatch(/private in the TikTok app .*AND post with privacy "Only me" \(SELF_ONLY\)/);
		} finally {
			sandbox.configure({ clients: { 'sandbox-client-key': { audited: true } } });
		}
	});

	it('reports a non-JSON answer as invalid_response with the HTTP status', async () => {
		const ctx = context({ apiBaseUrl: `${sandbox.baseUrl}/not-the-api` });
		const error = await expectTikTokError(ctx, tikTokApiRequest.call(ctx, 'GET', ENDPOINTS.userInfo, { query: { fields: 'open_id' } }));
		expect(error.message).toContain('[invalid_response]');
		expect(error.httpCode).toBe('404');
	});

	it('reports an unreachable host as network_error', async () => {
		const ctx = context({ apiBaseUrl: 'http://127.0.0.1:9/v2' });
		const error = await expectTikTokError(ctx, tikTokApiRequest.call(ctx, 'GET', ENDPOINTS.userInfo, { query: { fields: 'open_id' } }));
		expect(error.message).toBe('Could not reach TikTok [network_error]');
	});
});

describe('OAuth2 refresh through n8n-core', () => {
	it('401 access_token_invalid -> refresh at the token URL with client_key, rotated token saved, retried once', async () => {
		const ctx = context();
		const before = { ...ctx.harness.credentialStore.oauthTokenData };
		sandbox.expireAccessTokens();
		const res = await tikTokApiRequest.call(ctx, 'GET', ENDPOINTS.userInfo, { query: { fields: 'open_id' } });
		expect(res.data).toEqual({ user: { open_id: 'open-id-sandbox-0001' } });

		const calls = sandbox.log.map((e: { method: string; path: string; status: number; query: Record<string, string> }) => `${e.method} ${e.path} ${e.status}`);
		expect(calls).toEqual(['GET /v2/user/info/ 401', 'POST /v2/oauth/token/ 200', 'GET /v2/user/info/ 200']);
		const refresh = sandbox.log[1];
		expect(refresh.query).toEqual({ client_key: 'sandbox-client-key' });
		expect(refresh.errorCode).toBeNull();
		expect(refresh.body).toMatchObject({ grant_type: 'refresh_token', client_secret: '[redacted]', refresh_token: '[redacted]' });

		expect(ctx.harness.tokenSaves).toBe(1);
		const after = ctx.harness.credentialStore.oauthTokenData!;
		expect(after.refresh_token).not.toBe(before.refresh_token);
		expect(after.access_token).not.toBe(before.access_token);
		expect(after.n8n_expires_at).toBeDefined();

		// the rotated refresh token really is the one used next time
		sandbox.expireAccessTokens();
		sandbox.reset();
		const again = await tikTokApiRequest.call(ctx, 'GET', ENDPOINTS.userInfo, { query: { fields: 'open_id' } });
		expect(again.data).toEqual({ user: { open_id: 'open-id-sandbox-0001' } });
		expect(ctx.harness.tokenSaves).toBe(2);
		expect(sandbox.log.filter((e: { path: string }) => e.path === '/v2/oauth/token/')).toHaveLength(1);
	});

	it('refresh refused (invalid_grant, HTTP 200) -> token_refresh_refused with TikTok\'s reason, asking to reconnect, no secrets', async () => {
		const ctx = context();
		ctx.harness.credentialStore.oauthTokenData!.refresh_token = 'rft.not-a-valid-refresh-token';
		ctx.harness.addSecrets('rft.not-a-valid-refresh-token');
		sandbox.expireAccessTokens();
		const error = await expectTikTokError(ctx, tikTokApiRequest.call(ctx, 'GET', ENDPOINTS.userInfo, { query: { fields: 'open_id' } }));
		// TikTok answers invalid_grant with HTTP 200: n8n-core keeps the old token, the retry gets 401
		expect(error.message).toBe('TikTok refused to refresh the access token (invalid_grant: Refresh token is invalid or expired) [token_refresh_refused]');
		expect(error.description).toMatch(/expired or was revoked.*reconnect/i);
		const refresh = sandbox.log.find((e: { path: string }) => e.path === '/v2/oauth/token/');
		expect(error.description).toContain(`(TikTok log_id: `);
		expect(refresh.errorCode).toBe('invalid_grant');
		expect(error.context.tiktokOAuthError).toBe('invalid_grant');
	});

	it('wrong client secret on refresh -> token_refresh_refused (invalid_client), never the secret', async () => {
		const ctx = context({ clientSecret: 'wrong-secret-value-123' });
		ctx.harness.addSecrets('wrong-secret-value-123');
		sandbox.expireAccessTokens();
		const error = await expectTikTokError(ctx, tikTokApiRequest.call(ctx, 'GET', ENDPOINTS.userInfo, { query: { fields: 'open_id' } }));
		expect(error.message).toBe('TikTok refused to refresh the access token (invalid_client: Client secret is invalid) [token_refresh_refused]');
		expect(error.description).toMatch(/Client Key and Client Secret/);
		expect(JSON.stringify(error)).not.toContain('wrong-secret-value-123');
	});

	it('a 401 after a refresh that did give a new token stays access_token_invalid (no false refusal from stale fields)', async () => {
		// stale TikTok error fields next to a working refresh token, as n8n keeps them after an old refusal
		const ctx = context();
		Object.assign(ctx.harness.credentialStore.oauthTokenData!, { error: 'invalid_request', error_description: 'old', log_id: 'OLD' });
		sandbox.expireAccessTokens();
		// the refresh works but its new token is refused too (tokens that expire at once): still a 401
		sandbox.configure({ accessTokenTtlSec: 0 });
		try {
			const error = await expectTikTokError(ctx, tikTokApiRequest.call(ctx, 'GET', ENDPOINTS.userInfo, { query: { fields: 'open_id' } }));
			expect(error.message).toBe('TikTok rejected the access token (expired or revoked) [access_token_invalid]');
			expect(ctx.harness.tokenSaves).toBe(1);
		} finally {
			sandbox.configure({ accessTokenTtlSec: 7200 });
		}
	});
});

describe('stored token data TikTok refused to issue', () => {
	it('no access token but TikTok\'s error (a refused connect): token_connect_refused before any request', async () => {
		const ctx = context({ oauthTokenData: { error: 'invalid_client', error_description: 'Client secret is invalid.', log_id: 'LOG-42' } });
		const error = await expectTikTokError(ctx, tikTokApiRequest.call(ctx, 'GET', ENDPOINTS.userInfo, { query: { fields: 'open_id' } }));
		expect(error.message).toBe('TikTok refused to connect this credential (invalid_client: Client secret is invalid) [token_connect_refused]');
		expect(error.description).toMatch(/"Account connected".*Client Key and Client Secret.*Connect my account.*\(TikTok log_id: LOG-42\)$/);
		expect(error.message + error.description).not.toMatch(/Unable to sign|network|TikTok said/i);
		expect(sandbox.log).toHaveLength(0);
	});

	it('no access token and no TikTok error: credential_not_connected, no request', async () => {
		const ctx = context({ oauthTokenData: { token_type: 'Bearer' } });
		const error = await expectTikTokError(ctx, tikTokApiRequest.call(ctx, 'GET', ENDPOINTS.userInfo, { query: { fields: 'open_id' } }));
		expect(error.message).toBe('The TikTok credential is not connected to an account yet [credential_not_connected]');
		expect(sandbox.log).toHaveLength(0);
	});

	it("n8n's own token messages are never quoted as TikTok's and never network_error", () => {
		for (const thrown of [
			new Error('Unable to sign without access token'),
			Object.assign(new Error('wrapped'), { cause: new Error('OAuth credentials not connected') }),
		]) {
			expect(outcomeFromThrown(thrown)).toEqual({ info: { code: 'credential_not_connected' } });
		}
		expect(outcomeFromThrown(Object.assign(new Error('x'), { cause: Object.assign(new Error('The credential "TikTok" needs to be reconnected.'), {}) }))).toEqual({
			refused: { kind: 'refresh', refusal: { error: 'invalid_grant', route: 'query_http_error' } },
		});
	});
});

/*
 * The shapes n8n 1.123 (n8n-core 1.122.48, n8n-workflow 1.120.31) hands a node, recorded from a probe in
 * that n8n (docs/compatibility.md): `new NodeApiError(node, error)` drops `cause` (a class field resets
 * it), keeps the status as a string in `httpCode`, the body in `context.data` only when it is an object
 * (the transport asks for bytes: a Buffer), and replaces the message by n8n's words for the status.
 */
function n8nV1ApiError(status: number, body: string | undefined, message: string): Error {
	return Object.assign(new Error(message), {
		name: 'NodeApiError',
		httpCode: String(status),
		description: `Request failed with status code ${status}`,
		context: body === undefined ? {} : { data: Buffer.from(body) },
		cause: undefined,
		messages: [`Request failed with status code ${status}`],
	});
}

describe("n8n 1.x's error shapes", () => {
	it("an HTTP answer: status from httpCode, TikTok's body from context.data", () => {
		const body = '{"data":{},"error":{"code":"url_ownership_unverified","message":"Please verify the domain","log_id":"L-403"}}';
		expect(outcomeFromThrown(n8nV1ApiError(403, body, 'Forbidden - perhaps check your credentials?'))).toEqual({ status: 403, bodyText: body });
		const outcome = outcomeFromThrown(n8nV1ApiError(401, '{"data":{},"error":{"code":"access_token_invalid","message":"","log_id":"L-401"}}', 'Authorization failed - please check your credentials'));
		expect(interpretResponse(outcome.status, outcome.bodyText).info).toMatchObject({ code: 'access_token_invalid', httpStatus: 401, logId: 'L-401' });
		// without a body (a string body, which 1.x drops) the status alone still says what it was
		expect(interpretResponse(429, outcomeFromThrown(n8nV1ApiError(429, undefined, 'The service is receiving too many requests from you')).bodyText).info.code).toBe('rate_limit_exceeded');
	});

	it("a refresh refused with HTTP >= 400: TikTok's code from client-oauth2's words, marked as all n8n 1.x keeps", () => {
		const eauth = (message: string) => Object.assign(new Error(message), { name: 'NodeApiError', httpCode: 'EAUTH', context: {}, cause: undefined });
		expect(
			outcomeFromThrown(eauth('The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.')),
		).toEqual({ refused: { kind: 'refresh', refusal: { error: 'invalid_request', route: 'query_http_error', onlyTheCode: true } } });
		expect(outcomeFromThrown(eauth('The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, …')).refused?.refusal.error).toBe('invalid_grant');
		// an error code client-oauth2 has no words for: its message is TikTok's description
		expect(outcomeFromThrown(eauth('Something TikTok said')).refused?.refusal).toEqual({ errorDescription: 'Something TikTok said', route: 'query_http_error', onlyTheCode: true });
	});

	it('a network failure keeps its code (n8n 1.x has it only as httpCode)', () => {
		const v1 = Object.assign(new Error('The service refused the connection - perhaps it is offline'), { name: 'NodeApiError', httpCode: 'ECONNREFUSED', context: {} });
		expect(outcomeFromThrown(v1)).toEqual({ info: { code: 'network_error', message: 'The service refused the connection - perhaps it is offline (ECONNREFUSED)' } });
	});
});

describe('rate limits', () => {
	it('429 is retried with backoff and then succeeds', async () => {
		setPacingWindowForTests(400);
		sandbox.configure({ faults: { initError: { code: 'rate_limit_exceeded', status: 429, times: 2 } } });
		const ctx = context();
		const started = Date.now();
		const res = await tikTokApiRequest.call(ctx, 'POST', ENDPOINTS.inboxVideoInit, { body: SMALL_UPLOAD, rateLimit: 'init' });
		expect(res.data).toHaveProperty('publish_id');
		const statuses = sandbox.log.map((e: { status: number }) => e.status);
		expect(statuses).toEqual([429, 429, 200]);
		expect(Date.now() - started).toBeGreaterThanOrEqual(100 + 200);
		expect(ctx.harness.logs.filter((l) => l.level === 'warn')).toHaveLength(2);
	});

	it('429 that persists -> rate_limit_exceeded error after a bounded number of retries', async () => {
		setPacingWindowForTests(200);
		sandbox.configure({ faults: { initError: { code: 'rate_limit_exceeded', status: 429, times: 100 } } });
		const ctx = context();
		const error = await expectTikTokError(ctx, tikTokApiRequest.call(ctx, 'POST', ENDPOINTS.inboxVideoInit, { body: SMALL_UPLOAD, rateLimit: 'init' }));
		expect(error.message).toContain('[rate_limit_exceeded]');
		expect(error.httpCode).toBe('429');
		// the first try and 6 retries
		expect(sandbox.log).toHaveLength(7);
		sandbox.configure({ faults: { initError: null } });
	});

	it('pacing keeps 14 init calls within 6 per window (no 429)', async () => {
		const windowMs = 1000;
		setPacingWindowForTests(windowMs);
		sandbox.configure({ rateLimits: { windowMs, init: 6 } });
		const ctx = context();
		for (let i = 0; i < 14; i++) {
			await tikTokApiRequest.call(ctx, 'POST', ENDPOINTS.inboxVideoInit, { body: SMALL_UPLOAD, rateLimit: 'init' });
		}
		const inits = sandbox.log.filter((e: { path: string }) => e.path.endsWith('/init/'));
		expect(inits).toHaveLength(14);
		expect(inits.every((e: { status: number }) => e.status === 200)).toBe(true);
		const times = inits.map((e: { at: string }) => Date.parse(e.at));
		for (let i = 0; i + 6 < times.length; i++) {
			expect(times[i + 6] - times[i]).toBeGreaterThanOrEqual(windowMs);
		}
	});

	it('pacing is shared by contexts using the same credential id', async () => {
		const windowMs = 600;
		setPacingWindowForTests(windowMs);
		sandbox.configure({ rateLimits: { windowMs, init: 6 } });
		const credentials = sandboxCredentials(sandbox);
		const a = createTestContext({ credentials });
		const b = createTestContext({ credentials });
		await Promise.all([
			(async () => {
				for (let i = 0; i < 5; i++) await tikTokApiRequest.call(a, 'POST', ENDPOINTS.inboxVideoInit, { body: SMALL_UPLOAD, rateLimit: 'init' });
			})(),
			(async () => {
				for (let i = 0; i < 5; i++) await tikTokApiRequest.call(b, 'POST', ENDPOINTS.inboxVideoInit, { body: SMALL_UPLOAD, rateLimit: 'init' });
			})(),
		]);
		expect(sandbox.log.every((e: { status: number }) => e.status === 200)).toBe(true);
	});

	it('cancelling while paced stops with request_cancelled at once, and the call is never sent', async () => {
		setPacingWindowForTests(5000);
		const ctx = context();
		for (let i = 0; i < 6; i++) {
			await tikTokApiRequest.call(ctx, 'POST', ENDPOINTS.inboxVideoInit, { body: SMALL_UPLOAD, rateLimit: 'init' });
		}
		// From here the clock is jest's and stands still, so the 7th call waits in pacing until the
		// test moves it (never: the wait is a 5 s window). The HTTP exchanges are real: Node's sockets
		// and jest's promise jobs are left to the real event loop.
		jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
		try {
			const started = Date.now();
			const seventh = settle(async () => await tikTokApiRequest.call(ctx, 'POST', ENDPOINTS.inboxVideoInit, { body: SMALL_UPLOAD, rateLimit: 'init' }));
			// cancel once the call is parked in pacing's wait (its sleep is the one pending timer)
			while (jest.getTimerCount() === 0) await new Promise((resolve) => setImmediate(resolve));
			ctx.harness.abort();
			// the cancel path does no I/O: it settles within a few turns of the event loop (no clock needed)
			let settled = false;
			void seventh.then(() => (settled = true));
			for (let turn = 0; turn < 100 && !settled; turn++) await new Promise((resolve) => setImmediate(resolve));
			expect(settled).toBe(true);
			const { error } = await seventh;
			expect(error).toBeInstanceOf(NodeApiError);
			expect((error as NodeApiError).message).toContain('[request_cancelled]');
			expect(Date.now()).toBe(started); // ended by the cancel, not by waiting the window out
			expect(sandbox.log).toHaveLength(6); // the cancelled call was never sent
		} finally {
			jest.useRealTimers();
		}
	});
});

describe('64-bit integers', () => {
	it('keeps a 19-digit post id exact', async () => {
		const ctx = context();
		const init = await tikTokApiRequest.call(ctx, 'POST', ENDPOINTS.directVideoInit, {
			body: { post_info: { privacy_level: 'PUBLIC_TO_EVERYONE', title: 'x' }, ...SMALL_UPLOAD },
			rateLimit: 'init',
		});
		const publishId = (init.data as { publish_id: string }).publish_id;
		const record = sandbox.publishes.get(publishId);
		record.status = 'PUBLISH_COMPLETE';
		record.postIds.push('7412345678901234567', '9223372036854775807');
		const status = await tikTokApiRequest.call(ctx, 'POST', ENDPOINTS.statusFetch, { body: { publish_id: publishId }, rateLimit: 'status' });
		expect((status.data as { publicaly_available_post_id: unknown }).publicaly_available_post_id).toEqual([
			'7412345678901234567',
			'9223372036854775807',
		]);
		expect((status.data as { status: string }).status).toBe('PUBLISH_COMPLETE');
	});
});

describe('secrets', () => {
	it('n8n-core\'s own error holds the Authorization header; ours never does', async () => {
		const ctx = context();
		// What n8n-core throws (raw): proves why errors are rebuilt from a clean object.
		const raw = await settle(async () =>
			await ctx.helpers.httpRequestWithAuthentication.call(ctx, 'tikTokOAuth2Api', {
				method: 'GET',
				url: `${sandbox.apiBaseUrl}/user/info/`,
				json: false,
				encoding: 'text',
			}),
		);
		expect(raw.error).toBeInstanceOf(NodeApiError);
		expect(findSecrets(raw.error, secretsOf(ctx)).length).toBeGreaterThan(0);
		const outcome = outcomeFromThrown(raw.error);
		expect(outcome.status).toBe(400);
		expect(outcome.bodyText).toContain('invalid_params');
		expectNoSecrets(outcome, secretsOf(ctx));

		const error = await expectTikTokError(ctx, tikTokApiRequest.call(ctx, 'GET', ENDPOINTS.userInfo));
		expect(error.message).toContain('[invalid_params]');
		expect((error as unknown as { cause?: unknown }).cause).toBeUndefined();
	});
});
