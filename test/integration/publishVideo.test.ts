/**
 * TikTok Publish Video against the TikTok sandbox, through n8n-core's real request helpers.
 * Each test states a user-visible promise: what reaches TikTok, what comes out, what is refused.
 */
import { binaryItemFromBuffer, binaryStats, resetBinaryStats } from '../helpers';
import type { Sandbox } from '../sandbox';
import { initCalls, onlyPublish, resetSandbox, runNode, startTestSandbox } from './fixture';
import { mp4Item } from './media';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => resetSandbox(sandbox));

const chunkPuts = () => sandbox.log.filter((entry) => entry.method === 'PUT');

describe('binary uploads', () => {
	it('sends a video under 5 MB in one chunk and returns the final result', async () => {
		const video = mp4Item(3_000_000);
		const run = await runNode('publish', sandbox, { items: [video.item] });
		expect(run.error).toBeUndefined();
		expect(chunkPuts().map((put) => put.contentRange)).toEqual(['bytes 0-2999999/3000000']);
		const record = onlyPublish(sandbox);
		expect(record.initBody.source_info).toEqual({
			source: 'FILE_UPLOAD',
			video_size: 3_000_000,
			chunk_size: 3_000_000,
			total_chunk_count: 1,
		});
		expect(record.sha256).toBe(video.sha256);
		expect(run.output).toEqual([
			{
				json: expect.objectContaining({
					publishId: record.publishId,
					status: 'PUBLISH_COMPLETE',
					mode: 'direct_post',
					uploadMethod: 'file_upload',
					bytesSent: 3_000_000,
					chunksSent: 1,
					timedOut: false,
				}),
				pairedItem: { item: 0 },
			},
		]);
		expect(run.output![0].binary).toBeUndefined();
	});

	it('Auto (default): sends 25 MB in one request, bytes intact', async () => {
		const video = mp4Item(25_000_000);
		const run = await runNode('publish', sandbox, { items: [video.item] });
		expect(run.error).toBeUndefined();
		expect(chunkPuts().map((put) => [put.contentRange, put.contentLength])).toEqual([['bytes 0-24999999/25000000', 25_000_000]]);
		expect(onlyPublish(sandbox).initBody.source_info).toMatchObject({ video_size: 25_000_000, chunk_size: 25_000_000, total_chunk_count: 1 });
		expect(onlyPublish(sandbox).sha256).toBe(video.sha256);
		expect(run.output![0].json).toMatchObject({ chunksSent: 1, bytesSent: 25_000_000 });
	});

	it('Chunk Size 10 MB: splits 25 MB into 2 chunks of 10 MB + 15 MB with exact ranges, bytes intact', async () => {
		const video = mp4Item(25_000_000);
		const run = await runNode('publish', sandbox, { items: [video.item], parameters: { options: { chunkSizeMb: 10 } } });
		expect(run.error).toBeUndefined();
		expect(chunkPuts().map((put) => [put.contentRange, put.contentLength, put.contentType, put.hadAuthorization])).toEqual([
			['bytes 0-9999999/25000000', 10_000_000, 'video/mp4', false],
			['bytes 10000000-24999999/25000000', 15_000_000, 'video/mp4', false],
		]);
		const record = onlyPublish(sandbox);
		expect(record.initBody.source_info).toMatchObject({ chunk_size: 10_000_000, total_chunk_count: 2 });
		expect(record.sha256).toBe(video.sha256);
		expect(run.output![0].json).toMatchObject({ chunksSent: 2, bytesSent: 25_000_000 });
	});

	it('works from in-memory binary data too (n8n legacy mode)', async () => {
		const video = mp4Item(6_000_000, { mode: 'memory' });
		const run = await runNode('publish', sandbox, { items: [video.item], parameters: { options: { chunkSizeMb: 5 } } });
		expect(run.error).toBeUndefined();
		expect(onlyPublish(sandbox).sha256).toBe(video.sha256);
	});

	it.each([
		['Chunk Size 10 MB', { chunkSizeMb: 10 }, 15_000_000],
		['Auto (32 MB chunks above 64 MB)', {}, 63_000_000],
	])('%s: streams a large binary with memory bounded by the request, not the file', async (_name, options, largest) => {
		const size = 95_000_000; // 10 MB: 9 chunks, the last 15 MB; Auto: 32 MB + 63 MB
		const video = mp4Item(size);
		const sizes: number[] = [];
		const spies = (['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const).map((name) => {
			const original = Buffer[name].bind(Buffer) as (n: number) => Buffer;
			return jest.spyOn(Buffer, name).mockImplementation(((n: number, ...rest: unknown[]) => {
				sizes.push(n);
				return (original as (...args: unknown[]) => Buffer)(n, ...rest);
			}) as never);
		});
		resetBinaryStats();
		try {
			const run = await runNode('publish', sandbox, { items: [video.item], parameters: { options } });
			expect(run.error).toBeUndefined();
		} finally {
			spies.forEach((spy) => spy.mockRestore());
		}
		expect(onlyPublish(sandbox).sha256).toBe(video.sha256);
		expect(binaryStats.fullBuffersMaterialised).toBe(0);
		// The largest buffer anyone allocated during the run is one request body (the last chunk).
		expect(Math.max(...sizes)).toBeLessThanOrEqual(largest);
	});

	it('keeps the video in the output only when asked', async () => {
		const video = mp4Item(1_000_000);
		const run = await runNode('publish', sandbox, { items: [video.item], parameters: { options: { keepVideo: true } } });
		expect(run.output![0].binary?.data).toBeDefined();
	});
});

describe('refused before anything is sent', () => {
	const cases: Array<[string, Record<string, unknown>, () => void, RegExp]> = [
		['a privacy level the account does not offer', { privacyLevel: 'FOLLOWER_OF_CREATOR' }, () => {}, /not one of this account's options/],
		['no privacy level', { privacyLevel: '' }, () => {}, /Choose a Privacy Level/],
		['branded content as Only me', { privacyLevel: 'SELF_ONLY', commercialContent: true, brandedContent: true }, () => {}, /Branded content visibility cannot be set to private/],
		['commercial content without saying whose', { commercialContent: true }, () => {}, /promotes yourself, a third party, or both/],
		['a caption of 2201 UTF-16 units', { caption: '🎬'.repeat(1100) + '!' }, () => {}, /2201 characters.*limit is 2200/],
		['Duet when the creator disabled it', { allowDuet: true }, () => sandbox.configure({ creator: { duetDisabled: true } }), /Duet is turned off/],
		['comments when the creator disabled them', { allowComments: true }, () => sandbox.configure({ creator: { commentDisabled: true } }), /Comments are turned off/],
		['a missing binary field', { binaryPropertyName: 'video' }, () => {}, /video/],
		['a video longer than the account allows', {}, () => sandbox.configure({ creator: { maxVideoPostDurationSec: 5 } }), /lasts 10 s.*at most 5 s/],
	];
	it.each(cases)('refuses %s', async (_name, parameters, arrange, message) => {
		arrange();
		const run = await runNode('publish', sandbox, { items: [mp4Item(2_000_000, { durationSec: 10 }).item], parameters });
		expect(run.error?.message).toMatch(message);
		expect(initCalls(sandbox)).toBe(0);
		expect(chunkPuts()).toHaveLength(0);
	});

	it('refuses a binary that is not a video', async () => {
		const png = binaryItemFromBuffer(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), { mimeType: 'image/png', fileName: 'logo.png' });
		const run = await runNode('publish', sandbox, { items: [png] });
		expect(run.error?.message).toMatch(/MP4|MOV|WebM/);
		expect(initCalls(sandbox)).toBe(0);
	});

	it('refuses when the credential belongs to another account, naming it, before init', async () => {
		const run = await runNode('publish', sandbox, { items: [mp4Item(1_000_000).item], parameters: { expectedAccount: 'Another Shop' } });
		expect(run.error?.message).toMatch(/connected to the TikTok account "Sandbox Shop".*not to "Another Shop"/);
		expect(initCalls(sandbox)).toBe(0);
		expect(sandbox.countCalls('/user/info/')).toBe(1);
		expect(sandbox.log.find((entry) => entry.path.endsWith('/user/info/'))?.query.fields).toBe('open_id,display_name');
	});

	it('accepts the expected account by display name or open_id, and puts no profile data in the output', async () => {
		for (const expectedAccount of ['sandbox shop', 'open-id-sandbox-0001']) {
			const run = await runNode('publish', sandbox, { items: [mp4Item(1_000_000).item], parameters: { expectedAccount } });
			expect(run.error).toBeUndefined();
			const text = JSON.stringify(run.output);
			expect(text).not.toMatch(/Sandbox Shop|open-id-sandbox-0001|avatar/);
		}
	});
});

describe("TikTok's answers", () => {
	it('stops with the reason when the creator hit the daily cap, without init', async () => {
		sandbox.configure({ faults: { cannotPost: 'spam_risk_too_many_posts' } });
		const run = await runNode('publish', sandbox, { items: [mp4Item(1_000_000).item] });
		expect(run.error?.message).toMatch(/spam_risk_too_many_posts/);
		expect(run.error?.description).toMatch(/log_id/);
		expect(initCalls(sandbox)).toBe(0);
	});

	it('explains the unaudited-app rule: Only me AND a private account', async () => {
		sandbox.configure({ clients: { 'sandbox-client-key': { audited: false } } });
		const run = await runNode('publish', sandbox, { items: [mp4Item(1_000_000).item], parameters: { privacyLevel: 'SELF_ONLY' } });
		expect(run.error?.message).toMatch(/unaudited_client_can_only_post_to_private_accounts/);
		expect(`${run.error?.message} ${run.error?.description}`).toMatch(/private/i);
		expect(chunkPuts()).toHaveLength(0);
	});

	it('posts as Only me to a private account with an unaudited app', async () => {
		sandbox.configure({ clients: { 'sandbox-client-key': { audited: false } }, account: { private: true } });
		const run = await runNode('publish', sandbox, { items: [mp4Item(1_000_000).item], parameters: { privacyLevel: 'SELF_ONLY' } });
		expect(run.error).toBeUndefined();
		expect(run.output![0].json.status).toBe('PUBLISH_COMPLETE');
	});

	it.each([
		'file_format_check_failed',
		'duration_check_failed',
		'frame_rate_check_failed',
		'picture_size_check_failed',
		'internal',
		'spam_risk_text',
		'auth_removed',
	])('turns FAILED %s into an explained error with the publish_id', async (reason) => {
		sandbox.configure({ faults: { failReason: reason } });
		const run = await runNode('publish', sandbox, { items: [mp4Item(1_000_000).item] });
		const record = onlyPublish(sandbox);
		expect(run.error?.message).toContain(`[${reason}]`);
		expect(run.error?.description).toContain(record.publishId);
		expect(initCalls(sandbox)).toBe(1);
	});

	it('fails a non-MP4 upload as TikTok does (file_format_check_failed) when the type check is bypassed', async () => {
		const webmHeader = Buffer.concat([Buffer.from('1a45dfa3', 'hex'), Buffer.alloc(2000, 7)]);
		const item = binaryItemFromBuffer(webmHeader, { mimeType: 'video/webm', fileName: 'clip.webm' });
		const run = await runNode('publish', sandbox, { items: [item] });
		// WebM is a video type TikTok accepts: the upload goes through with video/webm.
		expect(run.error).toBeUndefined();
		expect(chunkPuts()[0].contentType).toBe('video/webm');
	});

	it('returns the last status with timedOut when TikTok stays in processing, and never inits twice', async () => {
		sandbox.configure({ faults: { stuckProcessing: true } });
		const run = await runNode('publish', sandbox, { items: [mp4Item(1_000_000).item], parameters: { options: { timeoutMinutes: 0.01 } } });
		expect(run.error).toBeUndefined();
		expect(run.output![0].json).toMatchObject({ status: 'PROCESSING_UPLOAD', timedOut: true });
		expect(run.output![0].json.publishId).toBe(onlyPublish(sandbox).publishId);
		expect(initCalls(sandbox)).toBe(1);
	});

	it('retries a transient 503 on chunk 2 and completes', async () => {
		sandbox.configure({ faults: { chunkStatus: { index: 1, status: 503, times: 1 } } });
		const video = mp4Item(25_000_000);
		const run = await runNode('publish', sandbox, { items: [video.item], parameters: { options: { chunkSizeMb: 10 } } });
		expect(run.error).toBeUndefined();
		expect(chunkPuts().map((put) => put.status)).toEqual([206, 503, 201]);
		expect(onlyPublish(sandbox).sha256).toBe(video.sha256);
	});

	it('resumes after a connection dropped during a chunk', async () => {
		sandbox.configure({ faults: { dropConnection: { index: 1, afterBytes: 100_000, times: 1 } } });
		const video = mp4Item(25_000_000);
		const run = await runNode('publish', sandbox, { items: [video.item], parameters: { options: { chunkSizeMb: 10 } } });
		expect(run.error).toBeUndefined();
		expect(onlyPublish(sandbox).sha256).toBe(video.sha256);
		expect(initCalls(sandbox)).toBe(1);
	});

	it('moves on when the chunk was stored but the answer was lost (416 with progress)', async () => {
		sandbox.configure({ faults: { dropAfterAccept: { index: 0, times: 1 } } });
		const video = mp4Item(25_000_000);
		const run = await runNode('publish', sandbox, { items: [video.item], parameters: { options: { chunkSizeMb: 10 } } });
		expect(run.error).toBeUndefined();
		expect(chunkPuts().map((put) => put.status)).toContain(416);
		expect(onlyPublish(sandbox).sha256).toBe(video.sha256);
	});

	it('refreshes an expired token through n8n and goes on', async () => {
		const video = mp4Item(1_000_000);
		const ctxRun = runNode('publish', sandbox, { items: [video.item] });
		sandbox.expireAccessTokens();
		const run = await ctxRun;
		expect(run.error).toBeUndefined();
		expect(run.ctx.harness.tokenSaves).toBeGreaterThanOrEqual(1);
		expect(sandbox.log.some((entry) => entry.path.endsWith('/oauth/token/') && entry.query.client_key === 'sandbox-client-key')).toBe(true);
	});

	it('waits for moderation: a public post returns its 19-digit post id, exact, as a string, with the post URL', async () => {
		const run = await runNode('publish', sandbox, { items: [mp4Item(1_000_000).item] });
		const record = onlyPublish(sandbox);
		expect(record.postIds[0]).toMatch(/^\d{19}$/);
		expect(run.output![0].json.postIds).toEqual(record.postIds);
		expect(run.output![0].json.postUrl).toBe(`https://www.tiktok.com/@sandbox.shop/video/${record.postIds[0]}`);
		// the id came after PUBLISH_COMPLETE: at least one status call saw the post published without it
		expect(sandbox.log.filter((entry) => entry.path.endsWith('/status/fetch/')).length).toBeGreaterThanOrEqual(2);
	});

	it('sends the post settings TikTok expects', async () => {
		await runNode('publish', sandbox, {
			items: [mp4Item(1_000_000).item],
			parameters: {
				caption: 'Soldes ✨ #shop',
				allowComments: true,
				commercialContent: true,
				yourBrand: true,
				isAiGenerated: true,
				options: { coverTimestampMs: 1500 },
			},
		});
		expect(onlyPublish(sandbox).initBody.post_info).toEqual({
			privacy_level: 'PUBLIC_TO_EVERYONE',
			title: 'Soldes ✨ #shop',
			disable_comment: false,
			disable_duet: true,
			disable_stitch: true,
			brand_content_toggle: false,
			brand_organic_toggle: true,
			is_aigc: true,
			video_cover_timestamp_ms: 1500,
		});
	});
});

describe('items and errors', () => {
	it('gives an error item for a failing item with Continue On Fail and goes on', async () => {
		const good = mp4Item(1_000_000);
		const run = await runNode('publish', sandbox, {
			continueOnFail: true,
			items: [good.item, { json: {} }, mp4Item(1_000_000).item],
		});
		expect(run.error).toBeUndefined();
		expect(run.output).toHaveLength(3);
		expect(run.output!.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(run.output![1].json.error).toBeDefined();
		expect(run.output![0].json.status).toBe('PUBLISH_COMPLETE');
		expect(run.output![2].json.status).toBe('PUBLISH_COMPLETE');
		expect(initCalls(sandbox)).toBe(2);
	});

	it('reads creator_info once per execution for a batch', async () => {
		const run = await runNode('publish', sandbox, { items: [mp4Item(500_000).item, mp4Item(500_000).item] });
		expect(run.output).toHaveLength(2);
		expect(sandbox.countCalls('/creator_info/query/')).toBe(1);
	});
});
