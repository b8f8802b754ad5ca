/**
 * TikTok as it behaves in the field (issue 9), through n8n-core's real request path against the
 * sandbox modes that reproduce it: multi-chunk rejections (docs/tiktok-api.md G14), post ids after moderation, TikTok's
 * media checks caught before the upload, and a failed download's own sentence as the headline.
 */
import { failDnsFor } from '../helpers/network';
import type { Sandbox } from '../sandbox';
import {
	initCalls,
	onlyPublish,
	resetSandbox,
	runNode,
	startTestSandbox,
	statusCallsAfterCompletion as countStatusCallsAfterCompletion,
	until,
} from './fixture';
import { mp4Item } from './media';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => resetSandbox(sandbox));

const chunkPuts = () => sandbox.log.filter((entry) => entry.method === 'PUT');
const inits = () => sandbox.log.filter((entry) => /\/video\/init\/$/.test(entry.path));
const statusCalls = () => sandbox.log.filter((entry) => entry.path.endsWith('/status/fetch/'));
const statusCallsAfterCompletion = () => countStatusCallsAfterCompletion(sandbox);

describe('multi-chunk rejections (G14): TikTok refuses every multi-chunk init', () => {
	beforeEach(() => sandbox.configure({ faults: { rejectMultiChunk: true } }));

	it('a 30 MB video with default settings (Auto) goes in one request and is published', async () => {
		const video = mp4Item(30_000_000);
		const run = await runNode('publish', sandbox, { items: [video.item], parameters: { privacyLevel: 'SELF_ONLY' } });
		expect(run.error).toBeUndefined();
		expect(inits().map((e) => e.status)).toEqual([200]);
		expect(chunkPuts()).toHaveLength(1);
		expect(onlyPublish(sandbox).sha256).toBe(video.sha256);
		expect(run.output![0].json).toMatchObject({ status: 'PUBLISH_COMPLETE', chunksSent: 1, bytesSent: 30_000_000 });
	});

	it.each(['publish', 'upload'] as const)('%s: with Chunk Size 10 MB, a 30 MB video is initialised again once as one request', async (node) => {
		const video = mp4Item(30_000_000);
		const run = await runNode(node, sandbox, { items: [video.item], parameters: { privacyLevel: 'SELF_ONLY', options: { chunkSizeMb: 10 } } });
		expect(run.error).toBeUndefined();
		expect(inits().map((e) => [e.status, e.errorCode, (e.body?.source_info as { total_chunk_count?: number })?.total_chunk_count])).toEqual([
			[400, 'invalid_params', 3],
			[200, null, 1],
		]);
		expect(chunkPuts()).toHaveLength(1);
		expect(onlyPublish(sandbox).sha256).toBe(video.sha256);
		expect(run.output![0].json.chunksSent).toBe(1);
		expect(run.output![0].json.note).toMatch(/refused the upload in 3 chunks \("The chunk size is invalid".*one request instead/);
	});

	it.each(['publish', 'upload'] as const)('%s: a 70 MB video fails with the plain G14 message, nothing uploaded', async (node) => {
		const video = mp4Item(70_000_000);
		const run = await runNode(node, sandbox, { items: [video.item], parameters: { privacyLevel: 'SELF_ONLY' } });
		expect(run.error?.message).toBe('TikTok refused the chunked upload of this 70 MB video ("The chunk size is invalid") [invalid_params]');
		expect(run.error?.description).toMatch(/2 chunks of 32,000,000 bytes/);
		expect(run.error?.description).toMatch(/TikTok-side problem, not a setting of yours/);
		expect(run.error?.description).toMatch(/at most 64 MB.*verified in your TikTok app.*try again later/);
		expect(run.error?.description).toMatch(/TikTok log_id: \d{14}[0-9A-F]+\)$/);
		expect(run.error?.context).toMatchObject({ tiktokCode: 'invalid_params' });
		expect(inits()).toHaveLength(1);
		expect(chunkPuts()).toHaveLength(0);
		expect(sandbox.publishes.size).toBe(0);
	});

	it('another invalid_params answer is not taken for G14: no second init', async () => {
		sandbox.configure({ faults: { rejectMultiChunk: null, initError: { code: 'invalid_params', status: 400, message: 'The title is invalid', times: 1 } } });
		const run = await runNode('publish', sandbox, { items: [mp4Item(30_000_000).item], parameters: { options: { chunkSizeMb: 10 } } });
		expect(run.error?.message).toMatch(/invalid_params/);
		expect(run.error?.message).not.toMatch(/chunked upload/);
		expect(initCalls(sandbox)).toBe(1);
	});
});

it('Auto sends a video over 64 MB in 32 MB chunks (every request under 64 MB) when TikTok accepts them', async () => {
	const video = mp4Item(70_000_000);
	const run = await runNode('publish', sandbox, { items: [video.item], parameters: { privacyLevel: 'SELF_ONLY' } });
	expect(run.error).toBeUndefined();
	expect(onlyPublish(sandbox).initBody.source_info).toMatchObject({ chunk_size: 32_000_000, total_chunk_count: 2 });
	expect(chunkPuts().map((put) => put.contentLength)).toEqual([32_000_000, 38_000_000]);
	expect(onlyPublish(sandbox).sha256).toBe(video.sha256);
});

describe('post ids come after moderation', () => {
	it('a public post: the node keeps polling after PUBLISH_COMPLETE, paced, until the id appears', async () => {
		sandbox.configure({ postIdDelayMs: 60_000 }); // out of reach: moderation passes when the test says
		const running = runNode('publish', sandbox, { items: [mp4Item(1_000_000).item] });
		// two status calls after TikTok published: both answered PUBLISH_COMPLETE without an id
		await until(() => statusCallsAfterCompletion() >= 2, running);
		expect(onlyPublish(sandbox).postIds).toEqual([]);
		const postId = sandbox.passModeration(onlyPublish(sandbox).publishId);
		const run = await running;
		expect(run.error).toBeUndefined();
		expect(run.output![0].json).toMatchObject({ status: 'PUBLISH_COMPLETE', postIds: [postId], postUrl: `https://www.tiktok.com/@sandbox.shop/video/${postId}` });
		expect(run.output![0].json.note).toBeUndefined();
		expect(statusCallsAfterCompletion()).toBeGreaterThanOrEqual(3);
		expect(statusCalls().some((e) => e.status === 429)).toBe(false);
	});

	it.each([
		['SELF_ONLY', 'Only Me'],
		['MUTUAL_FOLLOW_FRIENDS', 'Friends (Followers You Follow Back)'],
	])('a %s post returns no post id, at once, and the note says why with the publish_id', async (privacyLevel, name) => {
		const run = await runNode('publish', sandbox, { items: [mp4Item(1_000_000).item], parameters: { privacyLevel } });
		expect(run.error).toBeUndefined();
		const json = run.output![0].json;
		expect(json.postIds).toBeUndefined();
		expect(json.postUrl).toBeUndefined();
		expect(json.note).toBe(
			`TikTok gives a post ID, and so a public post URL, only to public posts once moderation has passed. This post is "${name}" (${privacyLevel}), so it has no public post URL: find it on the account in the TikTok app (publish_id: ${json.publishId}).`,
		);
		// no polling for an id that never comes: at most the one status call that saw PUBLISH_COMPLETE
		// comes after it (a call in the same millisecond as the completion may have seen it still processing)
		expect(statusCalls().at(-1)!.at >= onlyPublish(sandbox).completedAt!).toBe(true);
		expect(statusCallsAfterCompletion()).toBeLessThanOrEqual(1);
	});

	it('when moderation takes longer than Wait for Post ID, the note says so with the publish_id', async () => {
		sandbox.configure({ postIdDelayMs: 60_000 });
		const run = await runNode('publish', sandbox, { items: [mp4Item(1_000_000).item], parameters: { options: { postIdWaitMinutes: 0.01 } } });
		expect(run.error).toBeUndefined();
		const json = run.output![0].json;
		expect(json.postIds).toBeUndefined();
		expect(json.note).toBe(
			`TikTok published the video, but its moderation had not finished after 1 s, so TikTok has not given the post ID yet (usually within a minute, sometimes hours). Look it up later with the TikTok node (Post: Get Status) and publish_id ${json.publishId}, or find the post in the TikTok app.`,
		);
	});

	it('Wait for Post ID 0: returns at PUBLISH_COMPLETE and says the id comes later', async () => {
		sandbox.configure({ postIdDelayMs: 60_000 });
		const run = await runNode('publish', sandbox, { items: [mp4Item(1_000_000).item], parameters: { options: { postIdWaitMinutes: 0 } } });
		expect(run.error).toBeUndefined();
		expect(run.output![0].json.note).toMatch(/did not wait for \(Wait for Post ID is 0\)\. Look it up later with the TikTok node \(Post: Get Status\) and publish_id/);
		// it returned with the post still in moderation (a public post: its id comes later), without
		// polling on: at most the one status call that saw PUBLISH_COMPLETE came after it
		expect(onlyPublish(sandbox).initBody.post_info.privacy_level).toBe('PUBLIC_TO_EVERYONE');
		expect(onlyPublish(sandbox).postIds).toEqual([]);
		expect(statusCallsAfterCompletion()).toBeLessThanOrEqual(1);
	});

	it('a cancel while waiting for the post id says the video is published, with the publish_id', async () => {
		sandbox.configure({ postIdDelayMs: 60_000 });
		const abort = new AbortController();
		const running = runNode('publish', sandbox, { items: [mp4Item(1_000_000).item], abortSignal: abort.signal });
		// a second status call after TikTok published means the node took the first one's PUBLISH_COMPLETE
		// and now waits for the post id (an event, not a 100 ms guess)
		await until(() => statusCallsAfterCompletion() >= 2, running);
		abort.abort();
		const run = await running;
		expect(run.error?.message).toBe('The execution was cancelled while waiting for the post ID.');
		expect(run.error?.description).toContain(`TikTok had already published the video (publish_id: ${onlyPublish(sandbox).publishId})`);
	});

	it('refuses a negative Wait for Post ID before any call', async () => {
		const run = await runNode('publish', sandbox, { items: [mp4Item(1_000_000).item], parameters: { options: { postIdWaitMinutes: -1 } } });
		expect(run.error?.message).toMatch(/Wait for Post ID \(Minutes\) must be 0 or more/);
		expect(sandbox.log).toHaveLength(0);
	});
});

describe("TikTok's media checks, before the upload", () => {
	it.each([
		['15 fps', { fps: 15 }, /^The video has 15 frames per second\. TikTok accepts 23 to 60 fps/],
		['320 x 240 px', { width: 320, height: 240 }, /^The video is 320 × 240 pixels: its width of 320 px is under 360 and its height of 240 px is under 360/],
		['5000 px high', { width: 2160, height: 5000 }, /its height of 5000 px is over 4096/],
	])('refuses a %s MP4 before init, naming the value and the limit', async (_name, video, message) => {
		const run = await runNode('publish', sandbox, { items: [mp4Item(2_000_000, { video }).item] });
		expect(run.error?.message).toMatch(message);
		expect(run.error?.description).toMatch(/Nothing was sent to TikTok/);
		expect(initCalls(sandbox)).toBe(0);
	});

	it('refuses a MOV too, and drafts (Upload Video) as well', async () => {
		const mov = mp4Item(2_000_000, { fileName: 'clip.mov', mimeType: 'video/quicktime', video: { container: 'mov', fps: 120, audio: true } });
		const run = await runNode('upload', sandbox, { items: [mov.item] });
		expect(run.error?.message).toMatch(/has 120 frames per second/);
		expect(initCalls(sandbox)).toBe(0);
	});

	it('refuses a video longer than the account allows, with the value and the limit', async () => {
		sandbox.configure({ creator: { maxVideoPostDurationSec: 60 } });
		const run = await runNode('publish', sandbox, { items: [mp4Item(2_000_000, { durationSec: 75 }).item] });
		expect(run.error?.message).toMatch(/lasts 75 s.*at most 60 s/);
		expect(initCalls(sandbox)).toBe(0);
	});

	it('reports what it checked in videoChecks', async () => {
		const run = await runNode('publish', sandbox, { items: [mp4Item(2_000_000, { durationSec: 12, video: { width: 720, height: 1280, fps: 29.97 } }).item] });
		expect(run.error).toBeUndefined();
		expect(run.output![0].json.videoChecks).toEqual({ checked: true, headerAt: 'start', durationSec: 12, width: 720, height: 1280, frameRate: 29.97 });
	});

	it('moov at the end: read from the end of the file, a good video checked, a 15 fps one refused before init', async () => {
		const good = await runNode('publish', sandbox, { items: [mp4Item(2_000_000, { video: { moovAtEnd: true } }).item] });
		expect(good.error).toBeUndefined();
		expect(good.output![0].json.videoChecks).toEqual({ checked: true, headerAt: 'end', durationSec: 10, width: 1080, height: 1920, frameRate: 30 });
		resetSandbox(sandbox);
		const bad = await runNode('publish', sandbox, { items: [mp4Item(2_000_000, { video: { moovAtEnd: true, fps: 15 } }).item] });
		expect(initCalls(sandbox)).toBe(0);
		expect(bad.error?.message).toMatch(/^The video has 15 frames per second/);
	});

	it('TikTok pulling the URL: the node does not read the video and says so', async () => {
		sandbox.configure({ verifiedUrlPrefixes: [sandbox.mediaBaseUrl] });
		const run = await runNode('publish', sandbox, { parameters: { source: 'url', uploadMethod: 'pull', videoUrl: `${sandbox.mediaBaseUrl}a.mp4?bytes=2000000` } });
		expect(run.error).toBeUndefined();
		expect(run.output![0].json.videoChecks).toEqual({ checked: false, note: expect.stringMatching(/TikTok downloaded the video from its URL itself/) });
	});
});

describe("a failed download's own sentence is the headline", () => {
	it('ENOTFOUND: "Could not download the video from …" stays the message, not n8n\'s generic host sentence', async () => {
		const dns = failDnsFor('.example');
		try {
			const run = await runNode('publish', sandbox, { parameters: { source: 'url', uploadMethod: 'download', videoUrl: 'https://cdn.shop.example/videos/new.mp4' } });
			expect(dns.hits).toContain('cdn.shop.example');
			expect(run.error?.message).toMatch(/^Could not download the video from "https:\/\/cdn\.shop\.example\/videos\/new\.mp4" \(ENOTFOUND/);
			expect(run.error?.message).not.toMatch(/The connection cannot be established/);
			expect(run.error?.description).toMatch(/Nothing was sent to TikTok/);
			expect(initCalls(sandbox)).toBe(0);
		} finally {
			dns.restore();
		}
	});
});
