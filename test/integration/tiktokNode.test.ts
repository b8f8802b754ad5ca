/**
 * The TikTok node against the sandbox: Post (Get Status once or waiting, Cancel) and Account (Get
 * Posting Options), through n8n-core's request path.
 */
import { binaryItemFromBuffer, sandboxCredentials } from '../helpers';
import { makeMp4, type Sandbox } from '../sandbox';
import { resetSandbox, runNode, startTestSandbox } from './fixture';
import { runPostPhotos, runTikTok } from './photoFixture';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	resetSandbox(sandbox);
	sandbox.configure({ verifiedUrlPrefixes: [sandbox.mediaBaseUrl] });
});

const photo = (name: string, query = '') => `${sandbox.mediaBaseUrl}${name}${query ? `?${query}` : ''}`;

/** Starts a photo post without waiting and returns its publish_id. */
async function startPhotoPost(parameters: Record<string, unknown> = {}): Promise<string> {
	const run = await runPostPhotos(sandbox, { parameters: { photoUrls: photo('a.jpg'), waitForResult: false, ...parameters } });
	expect(run.error).toBeUndefined();
	return run.output![0].json.publishId as string;
}

describe('Post: Get Status', () => {
	it('once: the status now, without waiting', async () => {
		sandbox.configure({ processingMs: 2000 });
		try {
			const publishId = await startPhotoPost();
			const run = await runTikTok(sandbox, { parameters: { publishId } });
			expect(run.error).toBeUndefined();
			expect(run.output![0]).toMatchObject({
				json: { publishId, status: 'PROCESSING_DOWNLOAD', final: false, mode: 'direct_post', mediaType: 'photo', waited: false, timedOut: false },
				pairedItem: { item: 0 },
			});
			expect(run.output![0].json.note).toMatch(/still processing .* do not post it again/);
			expect(sandbox.countCalls('/status/fetch/')).toBe(1);
		} finally {
			sandbox.configure({ processingMs: 40 });
		}
	});

	it('waiting for the final status: PUBLISH_COMPLETE, post ids as strings and the post URL', async () => {
		// Looked up once moderation is over (instant here), so the post id is there at PUBLISH_COMPLETE.
		sandbox.configure({ postIdDelayMs: 0 });
		const publishId = await startPhotoPost({ privacyLevel: 'PUBLIC_TO_EVERYONE' });
		const run = await runTikTok(sandbox, { parameters: { publishId, waitForFinalStatus: true } });
		const json = run.output![0].json;
		expect(json).toMatchObject({ status: 'PUBLISH_COMPLETE', final: true, waited: true, timedOut: false, note: 'Published.' });
		expect(json.postIds).toEqual([expect.stringMatching(/^\d{19}$/)]);
		// exactly the 64-bit id the sandbox gave, not a rounded number
		expect(json.postIds).toEqual(sandbox.publishes.get(publishId)!.postIds);
		expect(json.postUrl).toBe(`https://www.tiktok.com/@sandbox.shop/photo/${(json.postIds as string[])[0]}`);
	});

	it('a video post: video URL; a draft: SEND_TO_USER_INBOX is final', async () => {
		sandbox.configure({ postIdDelayMs: 0 });
		const video = await runNode('publish', sandbox, {
			parameters: { source: 'url', uploadMethod: 'pull', videoUrl: `${sandbox.mediaBaseUrl}v.mp4?bytes=4000`, waitForResult: false },
		});
		const videoId = video.output![0].json.publishId as string;
		const draftId = await startPhotoPost({ postMode: 'inbox' });
		const run = await runTikTok(sandbox, {
			items: [{ json: { id: videoId } }, { json: { id: draftId } }],
			parameters: (itemIndex) => ({ publishId: itemIndex === 0 ? videoId : draftId, waitForFinalStatus: true }),
		});
		expect(run.output!.map((item) => [item.json.mediaType, item.json.mode, item.json.status, item.pairedItem])).toEqual([
			['video', 'direct_post', 'PUBLISH_COMPLETE', { item: 0 }],
			['photo', 'draft', 'SEND_TO_USER_INBOX', { item: 1 }],
		]);
		expect(run.output![0].json.postUrl).toMatch(/^https:\/\/www\.tiktok\.com\/@sandbox\.shop\/video\/\d{19}$/);
		// creator_info (for the handle in URLs) read once for the whole execution
		expect(sandbox.countCalls('/creator_info/query/')).toBe(2); // one by the posting node, one by the lookup
	});

	it('a FAILED post is an answer, not an error: fail reason and what to do', async () => {
		sandbox.configure({ faults: { failReason: 'picture_size_check_failed' } });
		const publishId = await startPhotoPost();
		const run = await runTikTok(sandbox, { parameters: { publishId, waitForFinalStatus: true } });
		expect(run.error).toBeUndefined();
		expect(run.output![0].json).toMatchObject({ status: 'FAILED', final: true, failReason: 'picture_size_check_failed' });
		expect(run.output![0].json.note).toMatch(/^One of the photos is too large for TikTok .*1080 px/);
	});

	it('an unknown publish_id and another account\'s publish_id: explained errors; Continue On Fail keeps going', async () => {
		const run = await runTikTok(sandbox, { parameters: { publishId: 'p_pub_url~v2.1234' } });
		expect(run.error?.message).toBe('TikTok does not know this publish_id [invalid_publish_id]');
		const publishId = await startPhotoPost();
		const stranger = sandbox.mintToken({ openId: 'someone-else' });
		const other = await runTikTok(sandbox, {
			continueOnFail: true,
			credentials: { ...sandboxCredentials(sandbox), oauthTokenData: { ...stranger } as never },
			items: [{ json: {} }, { json: {} }],
			parameters: (itemIndex) => ({ publishId: itemIndex === 0 ? publishId : '' }),
		});
		expect(other.output![0].json.error).toBe('This publish_id belongs to another TikTok account [token_not_authorized_for_specified_publish_id]');
		expect(other.output![1].json.error).toBe('Publish ID is empty.');
	});

	it('status reads share the account\'s pacing (30 per window) with the posting nodes: no 429', async () => {
		const publishId = await startPhotoPost();
		const run = await runTikTok(sandbox, { items: Array.from({ length: 40 }, () => ({ json: {} })), parameters: { publishId } });
		expect(run.output).toHaveLength(40);
		expect(sandbox.log.filter((entry) => entry.status === 429)).toEqual([]);
	});
});

describe('Post: Cancel', () => {
	it('while TikTok pulls the photos: cancelled, FAILED publish_cancelled; again: publish_not_cancellable explained', async () => {
		const publishId = await startPhotoPost({ photoUrls: [photo('a.jpg'), photo('slow.jpg', 'bytes=90000&stallMs=5000')] });
		const run = await runTikTok(sandbox, { parameters: { operation: 'cancel', publishId } });
		expect(run.error).toBeUndefined();
		expect(run.output![0].json).toMatchObject({ publishId, cancelled: true, status: 'FAILED', failReason: 'publish_cancelled', mediaType: 'photo' });
		expect(run.output![0].json.note).toBe('TikTok stopped pulling the media: nothing will be posted.');
		const again = await runTikTok(sandbox, { parameters: { operation: 'cancel', publishId } });
		expect(again.error?.message).toBe('This post can no longer be cancelled [publish_not_cancellable]');
		expect(again.error?.description).toMatch(/^Only downloads from a URL that are still in progress can be cancelled/);
	});

	it('an uploaded video cannot be cancelled', async () => {
		const video = await runNode('upload', sandbox, { items: [binaryItemFromBuffer(makeMp4(20_000), { fileName: 'a.mp4' })], parameters: { waitForResult: false } });
		const run = await runTikTok(sandbox, { parameters: { operation: 'cancel', publishId: video.output![0].json.publishId } });
		expect(run.error?.message).toMatch(/\[publish_not_cancellable\]$/);
	});
});

describe('Account: Get Posting Options', () => {
	it('what posting needs, and nothing of the profile beyond the display name', async () => {
		const run = await runTikTok(sandbox, { items: [{ json: {} }, { json: {} }, { json: {} }], parameters: { resource: 'account', operation: 'getPostingOptions' } });
		expect(run.error).toBeUndefined();
		expect(run.output).toHaveLength(3);
		expect(run.output![0].json).toEqual({
			canPost: true,
			displayName: 'Sandbox Shop',
			privacyLevelOptions: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
			privacyLevels: [
				{ value: 'PUBLIC_TO_EVERYONE', name: 'Everyone' },
				{ value: 'MUTUAL_FOLLOW_FRIENDS', name: 'Friends (Followers You Follow Back)' },
				{ value: 'SELF_ONLY', name: 'Only Me' },
			],
			commentDisabled: false,
			duetDisabled: false,
			stitchDisabled: false,
			maxVideoPostDurationSec: 600,
		});
		expect(JSON.stringify(run.output)).not.toMatch(/avatar|sandbox\.shop|p16-sign/);
		expect(run.output!.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sandbox.countCalls('/creator_info/query/')).toBe(1);
	});

	it('a private account: its privacy levels, Duet and Stitch off', async () => {
		sandbox.configure({ account: { private: true }, creator: { maxVideoPostDurationSec: 180 } });
		const run = await runTikTok(sandbox, { parameters: { resource: 'account', operation: 'getPostingOptions' } });
		expect(run.output![0].json).toMatchObject({
			privacyLevelOptions: ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
			duetDisabled: true,
			stitchDisabled: true,
			maxVideoPostDurationSec: 180,
		});
	});

	it('an account that cannot post now: canPost false with TikTok\'s reason, not an error', async () => {
		sandbox.configure({ faults: { cannotPost: 'spam_risk_user_banned_from_posting' } });
		const run = await runTikTok(sandbox, { parameters: { resource: 'account', operation: 'getPostingOptions' } });
		expect(run.error).toBeUndefined();
		expect(run.output![0].json).toEqual({
			canPost: false,
			cannotPostReason: 'spam_risk_user_banned_from_posting',
			cannotPostMessage: expect.stringMatching(/^This TikTok account is currently not allowed to post\. TikTok has restricted posting/),
			logId: expect.stringMatching(/^\d{14}[0-9A-F]+$/),
		});
	});
});
