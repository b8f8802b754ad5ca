/* eslint-disable @typescript-eslint/no-explicit-any -- untyped JSON answers of the TikTok sandbox */
import * as crypto from 'crypto';
import { startSandbox, Sandbox } from '../sandbox';
import { api, authorize, tokenRequest, CLIENT_KEY, CLIENT_SECRET, REDIRECT_URI, sleep } from './helpers';

describe('sandbox OAuth (Login Kit v2)', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({
			clients: {
				'sandbox-client-key': { secret: CLIENT_SECRET, audited: true, redirectUris: [] },
				'strict-client': { secret: 'strict-secret', audited: true, redirectUris: ['https://app.example.com/callback'] },
			},
		});
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	const exchange = (code: string, extra: Record<string, string> = {}) =>
		tokenRequest(sandbox, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, code, grant_type: 'authorization_code', redirect_uri: REDIRECT_URI, ...extra });

	describe('authorize', () => {
		it('auto-consents: 302 to redirect_uri with code, state and the granted scopes', async () => {
			const { status, callback, location } = await authorize(sandbox);
			expect(status).toBe(302);
			expect(location!.startsWith(REDIRECT_URI + '?')).toBe(true);
			expect(callback!.get('state')).toBe('csrf-1');
			expect(callback!.get('scopes')).toBe('user.info.basic,video.publish,video.upload');
			expect(callback!.get('code')).toBeTruthy();
		});

		it('refuses a request without client_key (client_id is not an alias): HTML 400', async () => {
			const res = await fetch(`${sandbox.authorizeUrl}?client_id=${CLIENT_KEY}&scope=user.info.basic&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&response_type=code`, { redirect: 'manual' });
			expect(res.status).toBe(400);
			expect(res.headers.get('content-type')).toMatch(/text\/html/);
			expect(await res.text()).toMatch(/client_key/);
		});

		it('refuses an unknown client_key', async () => {
			expect((await authorize(sandbox, { client_key: 'nope' })).status).toBe(400);
		});

		it('checks redirect_uri against the registered list when there is one', async () => {
			expect((await authorize(sandbox, { client_key: 'strict-client', redirect_uri: 'https://evil.example.com/cb' })).status).toBe(400);
			expect((await authorize(sandbox, { client_key: 'strict-client', redirect_uri: 'https://app.example.com/callback' })).status).toBe(302);
		});

		it("an app without a product's scope (clients[key].scopes) cannot ask for it: invalid_scope before consent", async () => {
			sandbox.configure({ clients: { 'drafts-app': { secret: 'drafts-secret', audited: false, redirectUris: [], scopes: ['user.info.basic', 'video.upload'] } } });
			const refused = await authorize(sandbox, { client_key: 'drafts-app', scope: 'user.info.basic,video.upload,video.publish' });
			expect(refused.status).toBe(400);
			expect(refused.text).toMatch(/invalid_scope.*video\.publish/);
			const drafts = await authorize(sandbox, { client_key: 'drafts-app', scope: 'user.info.basic,video.upload' });
			expect(drafts.status).toBe(302);
			expect(drafts.callback!.get('scopes')).toBe('user.info.basic,video.upload');
		});

		it('requires response_type=code and known scopes', async () => {
			expect((await authorize(sandbox, { response_type: 'token' })).status).toBe(400);
			expect((await authorize(sandbox, { scope: 'user.info.basic,video.everything' })).status).toBe(400);
		});
	});

	describe('token: authorization_code', () => {
		it('exchanges a code for act./rft. tokens in the flat shape', async () => {
			const { callback } = await authorize(sandbox);
			const { status, json } = await exchange(callback!.get('code')!);
			expect(status).toBe(200);
			expect(json).toEqual({
				access_token: expect.stringMatching(/^act\./),
				expires_in: 7200,
				open_id: 'open-id-sandbox-0001',
				refresh_token: expect.stringMatching(/^rft\./),
				refresh_expires_in: 15552000,
				scope: 'user.info.basic,video.publish,video.upload',
				token_type: 'Bearer',
			});
		});

		it('a code is single use (invalid_grant with HTTP 200 the second time)', async () => {
			const code = (await authorize(sandbox)).callback!.get('code')!;
			expect((await exchange(code)).json.access_token).toBeTruthy();
			const again = await exchange(code);
			expect(again.status).toBe(200);
			expect(again.json).toMatchObject({ error: 'invalid_grant', log_id: expect.any(String) });
		});

		it('the code must be sent URL-decoded exactly once', async () => {
			const code = (await authorize(sandbox)).callback!.get('code')!;
			// Real codes hold characters that need escaping (`!`), so a still-encoded code differs from the code.
			const stillEncoded = new URLSearchParams({ code }).toString().slice('code='.length);
			expect(stillEncoded).not.toBe(code);
			expect((await exchange(stillEncoded)).json.error).toBe('invalid_grant');
			expect((await exchange(code)).json.access_token).toBeTruthy();
		});

		it('redirect_uri must match the authorize request', async () => {
			const code = (await authorize(sandbox)).callback!.get('code')!;
			expect((await exchange(code, { redirect_uri: 'http://127.0.0.1:5678/other' })).json.error).toBe('invalid_grant');
		});

		it('refuses client_id alone (no client_key)', async () => {
			const code = (await authorize(sandbox)).callback!.get('code')!;
			const { json } = await tokenRequest(sandbox, { client_id: CLIENT_KEY, client_secret: CLIENT_SECRET, code, grant_type: 'authorization_code', redirect_uri: REDIRECT_URI });
			expect(['invalid_request', 'invalid_client']).toContain(json.error);
			expect(json.access_token).toBeUndefined();
		});

		it('accepts client_key from the query string with client_id + client_secret in the body (what n8n sends)', async () => {
			const code = (await authorize(sandbox)).callback!.get('code')!;
			const { json } = await tokenRequest(sandbox, { client_id: CLIENT_KEY, client_secret: CLIENT_SECRET, code, grant_type: 'authorization_code', redirect_uri: REDIRECT_URI }, `?client_key=${CLIENT_KEY}`);
			expect(json.access_token).toMatch(/^act\./);
		});

		it('refuses a wrong client_secret and a non-form body', async () => {
			const code = (await authorize(sandbox)).callback!.get('code')!;
			expect((await exchange(code, { client_secret: 'wrong' })).json.error).toBe('invalid_client');
			const res = await fetch(sandbox.tokenUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ client_key: CLIENT_KEY }) });
			expect(((await res.json()) as any).error).toBe('invalid_request');
		});

		it('an expired code (older than 10 min) is refused', async () => {
			const realNow = Date.now;
			const code = (await authorize(sandbox)).callback!.get('code')!;
			try {
				Date.now = () => realNow() + 11 * 60 * 1000;
				expect((await exchange(code)).json).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });
			} finally {
				Date.now = realNow;
			}
		});

		it('PKCE: the code_verifier must match the challenge (hex SHA-256, TikTok desktop style)', async () => {
			const verifier = crypto.randomBytes(40).toString('base64url');
			const challenge = crypto.createHash('sha256').update(verifier).digest('hex');
			const code = (await authorize(sandbox, { code_challenge: challenge, code_challenge_method: 'S256' })).callback!.get('code')!;
			expect((await exchange(code, { code_verifier: 'x'.repeat(43) })).json.error).toBe('invalid_request');
			expect((await exchange(code, { code_verifier: verifier })).json.access_token).toBeTruthy();
		});
	});

	describe('token: refresh_token', () => {
		it('rotates: the old refresh token is invalid after use, the new one works', async () => {
			const code = (await authorize(sandbox)).callback!.get('code')!;
			const first = (await exchange(code)).json;
			const refresh = (token: string) => tokenRequest(sandbox, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: token });
			const second = (await refresh(first.refresh_token)).json;
			expect(second.access_token).toMatch(/^act\./);
			expect(second.refresh_token).toMatch(/^rft\./);
			expect(second.refresh_token).not.toBe(first.refresh_token);
			expect((await refresh(first.refresh_token)).json.error).toBe('invalid_grant');
			const third = (await refresh(second.refresh_token)).json;
			expect(third.access_token).toBeTruthy();
			expect((await api(sandbox, third.access_token, 'GET', '/user/info/?fields=open_id')).status).toBe(200);
		});

		it('refreshDelayMs: a slow refresh; two refreshes with one token in that time: one rotates, the other gets invalid_grant', async () => {
			const first = sandbox.mintToken();
			sandbox.configure({ refreshDelayMs: 300 });
			try {
				const refresh = () => tokenRequest(sandbox, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: first.refresh_token });
				const started = Date.now();
				const answers = (await Promise.all([refresh(), refresh()])).map((r) => r.json);
				expect(Date.now() - started).toBeGreaterThanOrEqual(300);
				expect(answers.filter((a) => a.access_token)).toHaveLength(1);
				expect(answers.filter((a) => a.error === 'invalid_grant')).toHaveLength(1);
			} finally {
				sandbox.configure({ refreshDelayMs: 0 });
			}
		});

		it("tokenClientKeyFrom 'body': client_key only in the query string is refused with HTTP 200 invalid_request (TikTok's documented reading)", async () => {
			const tokens = sandbox.mintToken();
			sandbox.configure({ tokenClientKeyFrom: 'body' });
			try {
				// what n8n 2.41 sends on a refresh: client_id + client_secret in the body, client_key in the URL
				const n8nStyle = await tokenRequest(
					sandbox,
					{ client_id: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
					`?client_key=${CLIENT_KEY}`,
				);
				expect(n8nStyle.status).toBe(200);
				expect(n8nStyle.json).toEqual({ error: 'invalid_request', error_description: 'client_key is required in the request body.', log_id: expect.any(String) });
				// the refresh token was not used up by the refused request: with client_key in the body it works
				const bodyStyle = await tokenRequest(sandbox, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
				expect(bodyStyle.json.access_token).toMatch(/^act\./);
			} finally {
				sandbox.configure({ tokenClientKeyFrom: 'body-or-query' });
			}
		});

		it("refreshErrorStatus '4xx': refused refresh grants are answered with RFC 6749's status (400, invalid_client 401), the same body; other answers unchanged", async () => {
			const tokens = sandbox.mintToken();
			sandbox.configure({ refreshErrorStatus: '4xx', tokenClientKeyFrom: 'body' });
			try {
				const queryOnly = await tokenRequest(
					sandbox,
					{ client_id: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
					`?client_key=${CLIENT_KEY}`,
				);
				expect(queryOnly).toEqual({ status: 400, json: { error: 'invalid_request', error_description: 'client_key is required in the request body.', log_id: expect.any(String) } });
				const wrongSecret = await tokenRequest(sandbox, { client_key: CLIENT_KEY, client_secret: 'wrong', grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
				expect(wrongSecret.status).toBe(401);
				expect(wrongSecret.json.error).toBe('invalid_client');
				const unknown = await tokenRequest(sandbox, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: 'rft.unknown' });
				expect(unknown).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
				const accepted = await tokenRequest(sandbox, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
				expect(accepted.status).toBe(200);
				expect(accepted.json.access_token).toMatch(/^act\./);
				// a code exchange keeps TikTok's HTTP 200 for errors
				const exchange = await tokenRequest(sandbox, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'authorization_code', code: 'nope', redirect_uri: 'http://x/' });
				expect(exchange).toMatchObject({ status: 200, json: { error: 'invalid_grant' } });
			} finally {
				sandbox.configure({ refreshErrorStatus: 200, tokenClientKeyFrom: 'body-or-query' });
			}
		});

		it('unknown grant types are refused', async () => {
			const { json } = await tokenRequest(sandbox, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'password' });
			expect(json.error).toBe('unsupported_grant_type');
		});
	});

	describe('access token lifetime and revoke', () => {
		it('an access token past expires_in answers 401 access_token_invalid; refresh gives a working one', async () => {
			const short = await startSandbox({ accessTokenTtlSec: 1 });
			try {
				const tokens = short.mintToken();
				expect((await api(short, tokens.access_token, 'GET', '/user/info/?fields=open_id')).status).toBe(200);
				await sleep(1100);
				const expired = await api(short, tokens.access_token, 'GET', '/user/info/?fields=open_id');
				expect(expired.status).toBe(401);
				expect(expired.code).toBe('access_token_invalid');
				const refreshed = await tokenRequest(short, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
				expect((await api(short, refreshed.json.access_token, 'GET', '/user/info/?fields=open_id')).status).toBe(200);
			} finally {
				await short.close();
			}
		});

		it('expireAccessTokens() makes every issued token answer 401', async () => {
			const tokens = sandbox.mintToken();
			sandbox.expireAccessTokens();
			expect((await api(sandbox, tokens.access_token, 'GET', '/user/info/?fields=open_id')).code).toBe('access_token_invalid');
			expect((await api(sandbox, sandbox.mintToken().access_token, 'GET', '/user/info/?fields=open_id')).status).toBe(200);
		});

		it('revoke answers {} and the access token stops working', async () => {
			const tokens = sandbox.mintToken();
			const res = await fetch(sandbox.revokeUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, token: tokens.access_token }) });
			expect(await res.json()).toEqual({});
			expect((await api(sandbox, tokens.access_token, 'GET', '/user/info/?fields=open_id')).status).toBe(401);
		});
	});
});
