/**
 * Apps without Direct Post: a credential set to Drafts Only (scopes user.info.basic,video.upload),
 * connected to such an app (sandbox client limited to those scopes). Upload Video works; Publish
 * Video and its Privacy Level list refuse before any call to TikTok.
 */
import { TikTokPublishVideo } from '../../nodes/TikTokPublishVideo/TikTokPublishVideo.node';
import { connectLikeN8n, createTestContext, settle, type TestCredentials } from '../helpers';
import type { Sandbox } from '../sandbox';
import { resetSandbox, runNode, startTestSandbox } from './fixture';
import { mp4Item } from './media';
import { runPostPhotos } from './photoFixture';

const DRAFTS_APP = { clientId: 'drafts-only-app', clientSecret: 'drafts-only-secret' };

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	resetSandbox(sandbox);
	sandbox.configure({
		clients: { [DRAFTS_APP.clientId]: { secret: DRAFTS_APP.clientSecret, audited: false, redirectUris: [], scopes: ['user.info.basic', 'video.upload'] } },
	});
});

async function draftsCredential(extra: Partial<TestCredentials> = {}): Promise<TestCredentials> {
	const credentials: TestCredentials = {
		...DRAFTS_APP,
		postingAccess: 'draftsOnly',
		environment: 'custom',
		apiBaseUrl: sandbox.apiBaseUrl,
		customAuthUrl: sandbox.authorizeUrl,
		customTokenUrl: sandbox.tokenUrl,
		allowPrivateNetworks: true,
		...extra,
	};
	const connect = await connectLikeN8n(credentials);
	expect(connect.oauthTokenData?.scope).toBe('user.info.basic,video.upload');
	credentials.oauthTokenData = connect.oauthTokenData as TestCredentials['oauthTokenData'];
	sandbox.reset();
	return credentials;
}

const DRAFTS_ONLY_MESSAGE =
	'This TikTok credential is set to Drafts Only (Posting Access), so it cannot post directly (Direct Post). Nothing was sent to TikTok.';

it('TikTok Upload Video sends the draft with a Drafts Only credential', async () => {
	const credentials = await draftsCredential();
	const run = await runNode('upload', sandbox, { credentials, items: [mp4Item(2_000_000).item] });
	expect(run.error).toBeUndefined();
	expect(run.output?.[0].json).toMatchObject({ status: 'SEND_TO_USER_INBOX', mode: 'draft' });
});

it('TikTok Publish Video refuses before any call, even with Expected Account set', async () => {
	const credentials = await draftsCredential();
	const run = await runNode('publish', sandbox, {
		credentials,
		parameters: { expectedAccount: 'Sandbox Shop', privacyLevel: 'SELF_ONLY' },
		items: [mp4Item(2_000_000).item],
	});
	expect(run.error?.message).toBe(DRAFTS_ONLY_MESSAGE);
	expect(run.error?.description).toMatch(/TikTok Upload Video.*Drafts and Direct Posts.*Connect my account/);
	expect(sandbox.log).toHaveLength(0);
});

it('with Continue On Fail, every item says so and nothing is sent', async () => {
	const credentials = await draftsCredential();
	const run = await runNode('publish', sandbox, {
		credentials,
		continueOnFail: true,
		parameters: { privacyLevel: 'SELF_ONLY' },
		items: [mp4Item(1_000_000).item, mp4Item(1_000_000).item],
	});
	expect(run.output?.map((item) => item.json.error)).toEqual([DRAFTS_ONLY_MESSAGE, DRAFTS_ONLY_MESSAGE]);
	expect(run.output?.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(sandbox.log).toHaveLength(0);
});

it('the Privacy Level list says so, with no call to TikTok', async () => {
	const ctx = createTestContext({ credentials: await draftsCredential() });
	const { error } = await settle(async () => await new TikTokPublishVideo().methods.loadOptions.getPrivacyLevels.call(ctx));
	expect((error as Error).message).toMatch(/^This TikTok credential is set to Drafts Only \(Posting Access\).*TikTok Upload Video/);
	expect(sandbox.log).toHaveLength(0);
});

it('a credential whose account granted no video.publish is refused the same way, naming the granted scopes', async () => {
	// connected as Drafts Only, then switched to Drafts and Direct Posts without reconnecting
	const credentials = { ...(await draftsCredential()), postingAccess: 'draftsAndDirect' };
	const run = await runNode('publish', sandbox, { credentials, parameters: { privacyLevel: 'SELF_ONLY' }, items: [mp4Item(1_000_000).item] });
	expect(run.error?.message).toBe(
		'The connected TikTok account did not grant video.publish (granted: user.info.basic,video.upload), so this credential cannot post directly (Direct Post). Nothing was sent to TikTok.',
	);
	expect(sandbox.log).toHaveLength(0);
});

it('TikTok Post Photos refuses Direct Post before any call, and sends drafts', async () => {
	const credentials = await draftsCredential();
	sandbox.configure({ verifiedUrlPrefixes: [sandbox.mediaBaseUrl] });
	const photoUrls = `${sandbox.mediaBaseUrl}front.jpg?w=720&h=960`;
	const direct = await runPostPhotos(sandbox, { credentials, parameters: { photoUrls } });
	expect(direct.error?.message).toBe(DRAFTS_ONLY_MESSAGE);
	expect(direct.error?.description).toMatch(/Send to Inbox as Draft/);
	expect(sandbox.log).toHaveLength(0);

	const draft = await runPostPhotos(sandbox, { credentials, parameters: { photoUrls, postMode: 'inbox' } });
	expect(draft.error).toBeUndefined();
	expect(draft.output?.[0].json).toMatchObject({ status: 'SEND_TO_USER_INBOX', mode: 'draft' });
});
