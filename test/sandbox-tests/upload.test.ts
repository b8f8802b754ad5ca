import { defaultOptions, startSandbox, makeMp4, Sandbox } from '../sandbox';
import { api, fileUploadInit, fetchStatus, putChunk, rawPut, sha256, sleep, uploadAll, waitForFinal } from './helpers';

const MiB5 = 5_242_880;
const VIDEO_INIT = '/post/publish/video/init/';

describe('sandbox chunked upload (FILE_UPLOAD)', () => {
	let sandbox: Sandbox;
	let token: string;
	beforeAll(async () => {
		sandbox = await startSandbox({ processingMs: 40, rateLimits: { init: 1000, creatorInfo: 1000, status: 1000 } });
	});
	afterAll(() => sandbox.close());
	beforeEach(() => {
		sandbox.reset();
		sandbox.configure({ postIdDelayMs: defaultOptions().postIdDelayMs, account: { private: false }, faults: { rejectMultiChunk: null } });
		token = sandbox.mintToken().access_token;
	});

	const init = async (size: number, chunk: number, count: number, postInfo: Record<string, unknown> = { privacy_level: 'SELF_ONLY' }) =>
		api(sandbox, token, 'POST', VIDEO_INIT, fileUploadInit(size, chunk, count, postInfo));
	const initOk = async (size: number, chunk: number, count: number, postInfo?: Record<string, unknown>) => {
		const res = await init(size, chunk, count, postInfo);
		expect(res.code).toBe('ok');
		return res.json.data as { publish_id: string; upload_url: string };
	};

	describe('chunk plan rules at init', () => {
		const cases: Array<[string, number, number, number, boolean]> = [
			['single chunk of 1 byte', 1, 1, 1, true],
			['single chunk of 64,000,000 bytes', 64_000_000, 64_000_000, 1, true],
			['single chunk of 64,000,001 bytes', 64_000_001, 64_000_001, 1, false],
			['chunk_size just under 5 MiB', 20_000_000, MiB5 - 1, 4, false],
			['chunk_size exactly 5 MiB', 20_000_000, MiB5, 3, true],
			['chunk_size over 64,000,000', 200_000_000, 64_000_001, 3, false],
			['chunk_size exactly 64,000,000', 200_000_000, 64_000_000, 3, true],
			['doc example 50,000,123 / 10,000,000 = 5 chunks', 50_000_123, 10_000_000, 5, true],
			['count is not floor(size / chunk) (ceil)', 50_000_123, 10_000_000, 6, false],
			['count 0', 1000, 1000, 0, false],
			['count 1001', 1001, 1, 1001, false],
			['video_size over 4,000,000,000', 4_000_000_001, 10_000_000, 400, false],
			['video_size exactly 4,000,000,000', 4_000_000_000, 10_000_000, 400, true],
			['multi-chunk plan with count 1 and size over 64,000,000', 70_000_000, 40_000_000, 1, false],
			['multi-chunk plan with count 1 and size under 64,000,000', 60_000_000, 40_000_000, 1, true],
			['chunk_size bigger than a small file (must equal video_size)', 3_000_000, 10_000_000, 1, false],
			['non-integer video_size', 1000.5, 1000.5, 1, false],
		];
		it.each(cases)('%s', async (_name, size, chunk, count, valid) => {
			const res = await init(size, chunk, count);
			if (valid) expect(res.code).toBe('ok');
			else {
				expect(res.status).toBe(400);
				expect(res.code).toBe('invalid_params');
				expect(res.json.error.message).toMatch(/invalid|must/);
			}
		});

		it('the chunk-size violation message is TikTok\'s', async () => {
			expect((await init(20_000_000, MiB5 - 1, 3)).json.error.message).toMatch(/^The chunk size is invalid/);
		});
	});

	describe('chunk PUT headers', () => {
		const video = makeMp4(1000);
		it('single chunk: 201 with the progress header, no Authorization needed', async () => {
			const { upload_url } = await initOk(1000, 1000, 1);
			const res = await putChunk(upload_url, video, 0, 999);
			expect(res).toEqual({ status: 201, contentRange: 'bytes 0-999/1000' });
		});

		it('refuses a missing or malformed Content-Range (400)', async () => {
			const { upload_url } = await initOk(1000, 1000, 1);
			expect((await putChunk(upload_url, video, 0, 999, { 'Content-Range': undefined })).status).toBe(400);
			expect((await putChunk(upload_url, video, 0, 999, { 'Content-Range': 'bytes=0-999/1000' })).status).toBe(400);
			expect((await putChunk(upload_url, video, 0, 999, { 'Content-Range': 'bytes 0-999/*' })).status).toBe(400);
			expect((await putChunk(upload_url, video, 0, 999)).status).toBe(201);
		});

		it('refuses a Content-Range that is not the next chunk (416) and a wrong total', async () => {
			const { upload_url } = await initOk(1000, 1000, 1);
			const res = await putChunk(upload_url, video, 0, 998);
			expect(res.status).toBe(416);
			expect(res.contentRange).toBe('bytes */1000');
			expect((await rawPut(upload_url, { 'Content-Type': 'video/mp4', 'Content-Length': 1000, 'Content-Range': 'bytes 0-999/2000' }, video)).status).toBe(416);
		});

		it('refuses a Content-Length that differs from the chunk length, or none (400)', async () => {
			const { upload_url } = await initOk(1000, 1000, 1);
			expect((await rawPut(upload_url, { 'Content-Type': 'video/mp4', 'Content-Length': 999, 'Content-Range': 'bytes 0-999/1000' }, video.subarray(0, 999))).status).toBe(400);
			expect((await rawPut(upload_url, { 'Content-Type': 'video/mp4', 'Transfer-Encoding': 'chunked', 'Content-Range': 'bytes 0-999/1000' }, video)).status).toBe(400);
			expect(sandbox.log.filter((e) => e.method === 'PUT').map((e) => e.status)).toEqual([400, 400]);
		});

		it('accepts video/mp4, video/quicktime, video/webm only', async () => {
			const { upload_url } = await initOk(1000, 1000, 1);
			for (const type of [undefined, 'application/octet-stream', 'video/avi']) {
				expect((await putChunk(upload_url, video, 0, 999, { 'Content-Type': type })).status).toBe(400);
			}
			expect((await putChunk(upload_url, video, 0, 999, { 'Content-Type': 'video/quicktime' })).status).toBe(201);
			const webm = await initOk(1000, 1000, 1);
			expect((await putChunk(webm.upload_url, video, 0, 999, { 'Content-Type': 'video/webm' })).status).toBe(201);
		});

		it('unknown upload -> 404; expired upload URL -> 403', async () => {
			const { upload_url } = await initOk(1000, 1000, 1);
			expect((await putChunk(upload_url.replace(/upload_token=[0-9a-f]/, 'upload_token=z'), video, 0, 999)).status).toBe(404);
			const short = await startSandbox({ uploadUrlTtlMs: 100 });
			try {
				const t = short.mintToken().access_token;
				const res = await api(short, t, 'POST', VIDEO_INIT, fileUploadInit(1000, 1000, 1));
				await sleep(150);
				expect((await putChunk(res.json.data.upload_url, video, 0, 999)).status).toBe(403);
			} finally {
				await short.close();
			}
		});

		it('expireUploadUrls(): every upload URL issued so far answers 403 upload_url_expired', async () => {
			const { upload_url } = await initOk(1000, 1000, 1);
			sandbox.expireUploadUrls();
			expect((await putChunk(upload_url, video, 0, 999)).status).toBe(403);
			expect(sandbox.log.at(-1)).toMatchObject({ method: 'PUT', status: 403, errorCode: 'upload_url_expired' });
			const fresh = await initOk(1000, 1000, 1);
			expect((await putChunk(fresh.upload_url, video, 0, 999)).status).toBe(201);
		});

		it('ignores an Authorization header but records that one was sent', async () => {
			const { upload_url } = await initOk(1000, 1000, 1);
			const secret = 'act.should-never-be-logged';
			expect((await putChunk(upload_url, video, 0, 999, { Authorization: `Bearer ${secret}` })).status).toBe(201);
			const put = sandbox.log.find((e) => e.method === 'PUT')!;
			expect(put).toMatchObject({ path: '/upload/video/', chunkIndex: 0, contentRange: 'bytes 0-999/1000', contentLength: 1000, contentType: 'video/mp4', hadAuthorization: true, status: 201 });
			expect(JSON.stringify(sandbox.log)).not.toContain(secret);
		});
	});

	describe('multi-chunk sequence', () => {
		const size = 2 * MiB5 + 12_345;
		const video = makeMp4(size, { seed: 'multi' });

		it('206 while more chunks are expected, 201 after the last, out-of-order -> 416 with progress', async () => {
			const { upload_url, publish_id } = await initOk(size, MiB5, 2);
			// second chunk first: refused, nothing received yet
			expect((await putChunk(upload_url, video, MiB5, size - 1)).status).toBe(416);
			const first = await putChunk(upload_url, video, 0, MiB5 - 1);
			expect(first).toEqual({ status: 206, contentRange: `bytes 0-${MiB5 - 1}/${size}` });
			// the same chunk again: 416 and the server's progress
			const repeat = await putChunk(upload_url, video, 0, MiB5 - 1);
			expect(repeat).toEqual({ status: 416, contentRange: `bytes 0-${MiB5 - 1}/${size}` });
			expect((await fetchStatus(sandbox, token, publish_id)).json.data).toEqual({ status: 'PROCESSING_UPLOAD', publicaly_available_post_id: [], uploaded_bytes: MiB5 });
			const last = await putChunk(upload_url, video, MiB5, size - 1);
			expect(last).toEqual({ status: 201, contentRange: `bytes 0-${size - 1}/${size}` });
			// after completion every PUT is out of range
			expect((await putChunk(upload_url, video, 0, MiB5 - 1)).status).toBe(416);
			expect(sandbox.publishes.get(publish_id)!.sha256).toBe(sha256(video));
			expect(sandbox.publishes.get(publish_id)!.chunks.map((c) => c.index)).toEqual([0, 1]);
		});
	});

	describe('status progression', () => {
		const size = 4000;
		const video = makeMp4(size);

		it('moderation is on by default: a public post gets its id only after a delay', () => {
			expect(defaultOptions().postIdDelayMs).toBeGreaterThanOrEqual(1000);
		});

		it('direct public post -> PUBLISH_COMPLETE without an id, then after moderation a 19-digit id as a raw JSON number', async () => {
			sandbox.configure({ postIdDelayMs: 150 });
			const { upload_url, publish_id } = await initOk(size, size, 1, { privacy_level: 'PUBLIC_TO_EVERYONE', title: 'Hello #sandbox' });
			expect((await fetchStatus(sandbox, token, publish_id)).json.data.status).toBe('PROCESSING_UPLOAD');
			await uploadAll(upload_url, video, size, 1);
			const first = await waitForFinal(sandbox, token, publish_id);
			expect(first.json.data).toMatchObject({ status: 'PUBLISH_COMPLETE', publicaly_available_post_id: [], uploaded_bytes: size });
			await sleep(250);
			const final = await fetchStatus(sandbox, token, publish_id);
			const [postId] = sandbox.publishes.get(publish_id)!.postIds;
			expect(postId).toMatch(/^\d{19}$/);
			expect(Number(postId) > Number.MAX_SAFE_INTEGER).toBe(true);
			expect(final.text).toContain(`"publicaly_available_post_id":[${postId}]`);
			expect(sandbox.publishes.get(publish_id)!.sha256).toBe(sha256(video));
		});

		it('passModeration(): the id comes when the test says, and only for a published public post', async () => {
			sandbox.configure({ postIdDelayMs: 60_000 });
			const pub = await initOk(size, size, 1, { privacy_level: 'PUBLIC_TO_EVERYONE', title: 'Hello' });
			expect(() => sandbox.passModeration(pub.publish_id)).toThrow(/not a published public post/);
			await uploadAll(pub.upload_url, video, size, 1);
			expect((await waitForFinal(sandbox, token, pub.publish_id)).json.data.publicaly_available_post_id).toEqual([]);
			const postId = sandbox.passModeration(pub.publish_id);
			expect(postId).toMatch(/^\d{19}$/);
			expect((await fetchStatus(sandbox, token, pub.publish_id)).text).toContain(`"publicaly_available_post_id":[${postId}]`);
			const own = await initOk(size, size, 1, { privacy_level: 'SELF_ONLY' });
			await uploadAll(own.upload_url, video, size, 1);
			await waitForFinal(sandbox, token, own.publish_id);
			expect(() => sandbox.passModeration(own.publish_id)).toThrow(/not a published public post/);
		});

		it.each(['SELF_ONLY', 'MUTUAL_FOLLOW_FRIENDS'])('%s posts complete and never get an id', async (privacy) => {
			sandbox.configure({ postIdDelayMs: 30 });
			const { upload_url, publish_id } = await initOk(size, size, 1, { privacy_level: privacy });
			await uploadAll(upload_url, video, size, 1);
			await waitForFinal(sandbox, token, publish_id);
			await sleep(120);
			expect((await fetchStatus(sandbox, token, publish_id)).json.data).toEqual({ status: 'PUBLISH_COMPLETE', publicaly_available_post_id: [], uploaded_bytes: size });
		});

		it('followers-only posts (private account) never get an id', async () => {
			sandbox.configure({ postIdDelayMs: 30, account: { private: true } });
			const { upload_url, publish_id } = await initOk(size, size, 1, { privacy_level: 'FOLLOWER_OF_CREATOR' });
			await uploadAll(upload_url, video, size, 1);
			await waitForFinal(sandbox, token, publish_id);
			await sleep(120);
			expect(sandbox.publishes.get(publish_id)!.postIds).toEqual([]);
		});

		it('inbox upload -> SEND_TO_USER_INBOX', async () => {
			const res = await api(sandbox, token, 'POST', '/post/publish/inbox/video/init/', { source_info: fileUploadInit(size, size, 1).source_info });
			await uploadAll(res.json.data.upload_url, video, size, 1);
			expect((await waitForFinal(sandbox, token, res.json.data.publish_id)).json.data.status).toBe('SEND_TO_USER_INBOX');
		});

		it('bytes that are not MP4/MOV/WebM -> FAILED file_format_check_failed; WebM accepted', async () => {
			const junk = Buffer.alloc(size, 7);
			const bad = await initOk(size, size, 1);
			await uploadAll(bad.upload_url, junk, size, 1);
			expect((await waitForFinal(sandbox, token, bad.publish_id)).json.data).toEqual({ status: 'FAILED', fail_reason: 'file_format_check_failed', publicaly_available_post_id: [], uploaded_bytes: size });
			const webm = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(size - 4, 1)]);
			const good = await initOk(size, size, 1);
			await uploadAll(good.upload_url, webm, size, 1);
			expect((await waitForFinal(sandbox, token, good.publish_id)).json.data.status).toBe('PUBLISH_COMPLETE');
		});

		it.each([
			['frame rate under 23 fps', { fps: 15 }, 'frame_rate_check_failed'],
			['frame rate over 60 fps', { fps: 120 }, 'frame_rate_check_failed'],
			['a side under 360 px', { width: 320, height: 320 }, 'picture_size_check_failed'],
			['a side over 4096 px', { width: 4100, height: 2160 }, 'picture_size_check_failed'],
			['frame rate under 23 fps, moov at the end of the file', { fps: 15, moovAtEnd: true }, 'frame_rate_check_failed'],
			['a side under 360 px in a MOV with its moov at the end', { width: 352, height: 640, container: 'mov', moovAtEnd: true }, 'picture_size_check_failed'],
		] as const)('%s -> FAILED %s after the upload', async (_name, options, reason) => {
			const bad = makeMp4(size, options);
			const { upload_url, publish_id } = await initOk(size, size, 1);
			await uploadAll(upload_url, bad, size, 1);
			expect((await waitForFinal(sandbox, token, publish_id)).json.data).toMatchObject({ status: 'FAILED', fail_reason: reason });
		});

		it.each([
			['23.976 fps, 360 x 640', { fps: 23.976, width: 360, height: 640 }],
			['59.94 fps, 4096 x 2160 MOV, moov at the end', { fps: 59.94, width: 4096, height: 2160, container: 'mov', moovAtEnd: true }],
		] as const)('%s is accepted, and the sandbox records what it read', async (_name, options) => {
			const { upload_url, publish_id } = await initOk(size, size, 1);
			await uploadAll(upload_url, makeMp4(size, options), size, 1);
			expect((await waitForFinal(sandbox, token, publish_id)).json.data.status).toBe('PUBLISH_COMPLETE');
			const info = sandbox.publishes.get(publish_id)!.videoInfo!;
			expect(info).toMatchObject({ width: options.width, height: options.height, durationSec: 10 });
			expect(info.frameRate).toBeCloseTo(options.fps, 2);
		});

		it('a video longer than max_video_post_duration_sec -> FAILED duration_check_failed', async () => {
			sandbox.configure({ creator: { maxVideoPostDurationSec: 60 } });
			try {
				const long = makeMp4(size, { durationSec: 61 });
				const { upload_url, publish_id } = await initOk(size, size, 1);
				await uploadAll(upload_url, long, size, 1);
				expect((await waitForFinal(sandbox, token, publish_id)).json.data).toMatchObject({ status: 'FAILED', fail_reason: 'duration_check_failed' });
			} finally {
				sandbox.configure({ creator: { maxVideoPostDurationSec: 600 } });
			}
		});
	});
});
