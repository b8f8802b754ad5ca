/**
 * docs/tiktok-api.md G2: TikTok's token endpoint answers errors with HTTP 200, and n8n 2.41 stores them as token data.
 * What a user sees from both nodes and from the Privacy Level list, through n8n-core's real request
 * path: after a refused connect (wrong Client Secret, connected the way n8n's controller does it) and
 * around a refresh TikTok refuses (the sandbox's `tokenClientKeyFrom: 'body'` mode, TikTok's documented
 * reading, which n8n's own refresh cannot satisfy): completed by the credential (n8n 2.x), refused
 * twice, refused with HTTP 400, and without the credential's step (as n8n 1.x).
 */
import { TikTokPublishVideo } from '../../nodes/TikTokPublishVideo/TikTokPublishVideo.node';
import {
	connectLikeN8n,
	createTestContext,
	SANDBOX_CLIENT_KEY,
	SANDBOX_CLIENT_SECRET,
	settle,
	type TestCredentials,
} from '../helpers';
import type { Sandbox } from '../sandbox';
import { initCalls, resetSandbox, runNode, startTestSandbox } from './fixture';
import { mp4Item } from './media';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => resetSandbox(sandbox));

function stored(extra: Partial<TestCredentials> = {}): TestCredentials {
	return {
		clientId: SANDBOX_CLIENT_KEY,
		clientSecret: SANDBOX_CLIENT_SECRET,
		environment: 'custom',
		apiBaseUrl: sandbox.apiBaseUrl,
		customAuthUrl: sandbox.authorizeUrl,
		customTokenUrl: sandbox.tokenUrl,
		allowPrivateNetworks: true,
		...extra,
	};
}

/** A credential connected through n8n's steps; what n8n stored is in oauthTokenData. */
async function connected(extra: Partial<TestCredentials> = {}): Promise<TestCredentials> {
	const credentials = stored(extra);
	credentials.oauthTokenData = (await connectLikeN8n(credentials)).oauthTokenData as TestCredentials['oauthTokenData'];
	sandbox.reset();
	return credentials;
}

describe('a wrong Client Secret ("Account connected" in n8n, no access token)', () => {
	it('TikTok Publish Video: token_connect_refused with TikTok\'s reason and log_id, before any call', async () => {
		const credentials = await connected({ clientSecret: 'typo-in-the-secret' });
		expect(credentials.oauthTokenData).not.toHaveProperty('access_token');
		const run = await runNode('publish', sandbox, { credentials, items: [mp4Item(1_000_000).item] });
		expect(run.error?.message).toBe('TikTok refused to connect this credential (invalid_client: Client secret is invalid) [token_connect_refused]');
		expect(run.error?.description).toMatch(
			/^TikTok answered the sign-in with an error instead of a token \(with HTTP 200, so n8n showed "Account connected"\).*Check the Client Key and Client Secret.*"Connect my account" again\. \(TikTok log_id: \w+\)$/,
		);
		expect(run.error?.context?.tiktokCode).toBe('token_connect_refused');
		expect(`${run.error?.message} ${run.error?.description}`).not.toMatch(/network|Unable to sign|TikTok said/i);
		expect(sandbox.log).toHaveLength(0);
	});

	it('TikTok Upload Video says the same; with Continue On Fail the item carries it', async () => {
		const credentials = await connected({ clientSecret: 'typo-in-the-secret' });
		const run = await runNode('upload', sandbox, { credentials, continueOnFail: true, items: [mp4Item(1_000_000).item] });
		expect(run.output?.[0].json).toMatchObject({
			error: 'TikTok refused to connect this credential (invalid_client: Client secret is invalid) [token_connect_refused]',
			description: expect.stringContaining('Client Key and Client Secret'),
		});
		expect(initCalls(sandbox)).toBe(0);
	});

	it('the Privacy Level list fails with the same message (the editor shows it as the list\'s issue)', async () => {
		const credentials = await connected({ clientSecret: 'typo-in-the-secret' });
		const ctx = createTestContext({ credentials });
		const { error } = await settle(async () => await new TikTokPublishVideo().methods.loadOptions.getPrivacyLevels.call(ctx));
		expect((error as Error).message).toBe('TikTok refused to connect this credential (invalid_client: Client secret is invalid) [token_connect_refused]');
		expect(sandbox.log).toHaveLength(0);
	});
});

describe("a token endpoint that reads client_key from the form body only (sandbox tokenClientKeyFrom: 'body', TikTok's documented reading)", () => {
	const calls = () => sandbox.log.map((e) => `${e.path} ${e.status} ${e.errorCode}`);

	it("n8n 2.x: n8n's refresh is refused, the credential completes it in the form body, the video is published", async () => {
		const credentials = await connected();
		sandbox.configure({ tokenClientKeyFrom: 'body' });
		sandbox.expireAccessTokens();
		const run = await runNode('publish', sandbox, { credentials, items: [mp4Item(1_000_000).item] });
		expect(run.error).toBeUndefined();
		expect(run.output?.[0].json.status).toBe('PUBLISH_COMPLETE');
		expect(calls().slice(0, 4)).toEqual([
			'/v2/post/publish/creator_info/query/ 401 access_token_invalid',
			'/v2/oauth/token/ 200 invalid_request',
			'/v2/oauth/token/ 200 null',
			'/v2/post/publish/creator_info/query/ 200 null',
		]);
		expect(run.ctx.harness.credentialStore.oauthTokenData).not.toHaveProperty('error');
	});

	it("both refused (a Client Secret changed after connecting): TikTok's reason for the last refusal, nothing posted, nothing saved", async () => {
		const credentials = { ...(await connected()), clientSecret: 'changed-after-connecting' };
		const stored = { ...credentials.oauthTokenData };
		sandbox.configure({ tokenClientKeyFrom: 'body' });
		sandbox.expireAccessTokens();
		const run = await runNode('publish', sandbox, { credentials, items: [mp4Item(1_000_000).item] });
		expect(run.error?.message).toBe('TikTok refused to refresh the access token (invalid_client: Client secret is invalid) [token_refresh_refused]');
		expect(run.error?.description).toMatch(
			/^The access token had expired\. TikTok refused n8n's refresh \(client_key in the token URL's query string\) and then the credential's, with client_key in the form body as TikTok documents it; the reason is TikTok's answer to the last one\..*Client Key and Client Secret.*\(TikTok log_id: \w+\)$/,
		);
		expect(calls()).toEqual([
			'/v2/post/publish/creator_info/query/ 401 access_token_invalid',
			'/v2/oauth/token/ 200 invalid_request',
			'/v2/oauth/token/ 200 invalid_client',
		]);
		expect(run.ctx.harness.credentialStore.oauthTokenData).toEqual(stored);
		expect(initCalls(sandbox)).toBe(0);
	});

	it('the Privacy Level list says the same', async () => {
		const credentials = { ...(await connected()), clientSecret: 'changed-after-connecting' };
		sandbox.configure({ tokenClientKeyFrom: 'body' });
		sandbox.expireAccessTokens();
		const ctx = createTestContext({ credentials });
		const { error } = await settle(async () => await new TikTokPublishVideo().methods.loadOptions.getPrivacyLevels.call(ctx));
		expect((error as Error).message).toBe('TikTok refused to refresh the access token (invalid_client: Client secret is invalid) [token_refresh_refused]');
	});

	it("a refusal with HTTP 400 (sandbox refreshErrorStatus '4xx'): n8n stops at its own refresh, and the node says so with TikTok's reason", async () => {
		const credentials = await connected();
		sandbox.configure({ tokenClientKeyFrom: 'body', refreshErrorStatus: '4xx' });
		sandbox.expireAccessTokens();
		const run = await runNode('upload', sandbox, { credentials, items: [mp4Item(1_000_000).item] });
		expect(run.error?.message).toBe('TikTok refused to refresh the access token (invalid_request: client_key is required in the request body) [token_refresh_refused]');
		expect(run.error?.description).toMatch(/refused with an HTTP error status\. n8n stops at such an answer, before the credential can ask again with client_key in the form body\..*"Connect my account" again whenever the access token has expired.*proxy.*\(TikTok log_id: \w+\)$/);
		expect(calls()).toEqual(['/v2/post/publish/inbox/video/init/ 401 access_token_invalid', '/v2/oauth/token/ 400 invalid_request']);
	});

	describe('without the credential step (n8n 1.x runs none for OAuth2 credentials)', () => {
		const REFUSED = 'TikTok refused to refresh the access token (invalid_request: client_key is required in the request body) [token_refresh_refused]';

		it('says TikTok refused the refresh and why, that the query string is n8n 1.x\'s only way, and what to do; nothing posted', async () => {
			const credentials = await connected();
			sandbox.configure({ tokenClientKeyFrom: 'body' });
			sandbox.expireAccessTokens();
			const run = await runNode('publish', sandbox, { credentials, credentialHook: false, items: [mp4Item(1_000_000).item] });
			expect(run.error?.message).toBe(REFUSED);
			expect(run.error?.description).toMatch(
				/^The access token had expired; n8n refreshed it by itself, with client_key only in the token URL's query string, and TikTok refused.*On n8n 1\.x that is the only way.*Update n8n to 2\.x.*"Connect my account" again whenever the access token has expired.*proxy.*\(TikTok log_id: \w+\)$/,
			);
			expect(calls()).toEqual([
				'/v2/post/publish/creator_info/query/ 401 access_token_invalid',
				'/v2/oauth/token/ 200 invalid_request',
				'/v2/post/publish/creator_info/query/ 401 access_token_invalid',
			]);
			expect(initCalls(sandbox)).toBe(0);
		});

		it("the next run says it again with the new log_id; once TikTok accepts the refresh, the stale fields do not block", async () => {
			const credentials = await connected();
			sandbox.configure({ tokenClientKeyFrom: 'body' });
			sandbox.expireAccessTokens();
			const first = await runNode('upload', sandbox, { credentials, credentialHook: false, items: [mp4Item(1_000_000).item] });
			expect(first.error?.message).toBe(REFUSED);
			const store = first.ctx.harness.credentialStore;
			expect(store.oauthTokenData).toMatchObject({ access_token: expect.any(String), error: 'invalid_request' });

			const second = await runNode('upload', sandbox, { credentials: store, credentialHook: false, items: [mp4Item(1_000_000).item] });
			expect(second.error?.message).toBe(REFUSED);
			expect(second.error?.context?.logId).not.toBe(first.error?.context?.logId);

			sandbox.configure({ tokenClientKeyFrom: 'body-or-query' });
			const third = await runNode('upload', sandbox, { credentials: second.ctx.harness.credentialStore, credentialHook: false, items: [mp4Item(1_000_000).item] });
			expect(third.error).toBeUndefined();
			expect(third.output?.[0].json.status).toBe('SEND_TO_USER_INBOX');
		});
	});
});
