/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
import * as http from 'http';

import { startSandbox, makeMp4, Sandbox } from '../sandbox';
import { api, fileUploadInit, fetchStatus, putChunk, sha256, sleep, uploadAll, waitForFinal } from './helpers';

const MiB5 = 5_242_880;
const SIZE = 2 * MiB5 + 777;
const VIDEO_INIT = '/post/publish/video/init/';

describe('sandbox fault scenarios', () => {
	let sandbox: Sandbox;
	let token: string;
	const video = makeMp4(SIZE, { seed: 'faults' });

	beforeAll(async () => {
		sandbox = await startSandbox({ processingMs: 40, rateLimits: { init: 1000, creatorInfo: 1000, status: 1000 } });
	});
	afterAll(() => sandbox.close());
	beforeEach(() => {
		sandbox.reset();
		sandbox.configure({ faults: { chunkStatus: null, dropConnection: null, dropAfterAccept: null, holdChunk: null, stuckProcessing: false, failReason: null, initError: null, statusError: null, rejectMultiChunk: null } });
		token = sandbox.mintToken().access_token;
	});

	/** Polls a condition on the sandbox's state (requests arrive asynchronously); fails after 5 s. */
	const until = async (condition: () => boolean) => {
		for (let waited = 0; !condition(); waited += 20) {
			if (waited > 5000) throw new Error('condition not met within 5 s');
			await sleep(20);
		}
	};

	const startUpload = async (size = SIZE, chunk = MiB5, count = 2) => {
		const res = await api(sandbox, token, 'POST', VIDEO_INIT, fileUploadInit(size, chunk, count));
		expect(res.code).toBe('ok');
		return res.json.data as { publish_id: string; upload_url: string };
	};

	it('chunkStatus: a transient 5xx on chunk N, then the retry of the same chunk succeeds', async () => {
		sandbox.configure({ faults: { chunkStatus: { index: 1, status: 503, times: 1 } } });
		const { upload_url, publish_id } = await startUpload();
		expect((await putChunk(upload_url, video, 0, MiB5 - 1)).status).toBe(206);
		const failed = await putChunk(upload_url, video, MiB5, SIZE - 1);
		expect(failed).toEqual({ status: 503, contentRange: `bytes 0-${MiB5 - 1}/${SIZE}` });
		expect((await putChunk(upload_url, video, MiB5, SIZE - 1)).status).toBe(201);
		expect(sandbox.options.faults.chunkStatus).toBeNull(); // counted down and switched off
		expect(sandbox.publishes.get(publish_id)!.sha256).toBe(sha256(video));
	});

	it('dropConnection: the socket dies mid-chunk, the partial chunk is discarded, a retry works', async () => {
		sandbox.configure({ faults: { dropConnection: { index: 0, times: 1, afterBytes: 1000 } } });
		const { upload_url, publish_id } = await startUpload();
		const dropped = await putChunk(upload_url, video, 0, MiB5 - 1);
		expect(dropped.status).toBeNull();
		expect(dropped.error).toBeTruthy();
		expect(sandbox.publishes.get(publish_id)!.bytesReceived).toBe(0);
		expect((await putChunk(upload_url, video, 0, MiB5 - 1)).status).toBe(206);
		expect((await putChunk(upload_url, video, MiB5, SIZE - 1)).status).toBe(201);
		expect(sandbox.publishes.get(publish_id)!.sha256).toBe(sha256(video));
		expect(sandbox.log.filter((e) => e.method === 'PUT')[0]).toMatchObject({ chunkIndex: 0, dropped: true, errorCode: 'connection_dropped' });
	});

	it('dropAfterAccept: the chunk is stored but never answered; its retry gets 416 with the progress', async () => {
		sandbox.configure({ faults: { dropAfterAccept: { index: 0, times: 1 } } });
		const { upload_url, publish_id } = await startUpload();
		expect((await putChunk(upload_url, video, 0, MiB5 - 1)).status).toBeNull();
		const retry = await putChunk(upload_url, video, 0, MiB5 - 1);
		expect(retry).toEqual({ status: 416, contentRange: `bytes 0-${MiB5 - 1}/${SIZE}` });
		expect((await putChunk(upload_url, video, MiB5, SIZE - 1)).status).toBe(201);
		expect(sandbox.publishes.get(publish_id)!.sha256).toBe(sha256(video));
	});

	it('holdChunk: chunk N is not read for `ms` (logged as held at once), then stored and answered', async () => {
		sandbox.configure({ faults: { holdChunk: { index: 1, ms: 300, times: 1 } } });
		const { upload_url, publish_id } = await startUpload();
		expect((await putChunk(upload_url, video, 0, MiB5 - 1)).status).toBe(206);
		const held = putChunk(upload_url, video, MiB5, SIZE - 1);
		await until(() => sandbox.log.filter((e) => e.method === 'PUT').length === 2);
		expect(sandbox.log.filter((e) => e.method === 'PUT')[1]).toMatchObject({ chunkIndex: 1, held: true, status: null });
		expect(sandbox.publishes.get(publish_id)!.bytesReceived).toBe(MiB5);
		expect((await held).status).toBe(201);
		expect(sandbox.publishes.get(publish_id)!.sha256).toBe(sha256(video));
	});

	it('holdChunk: a sender gone during the hold leaves the chunk unstored; the chunk can be sent again', async () => {
		sandbox.configure({ faults: { holdChunk: { index: 0, ms: 300, times: 1 } } });
		const { upload_url, publish_id } = await startUpload();
		const req = http.request(upload_url, {
			method: 'PUT',
			agent: false,
			headers: { 'Content-Type': 'video/mp4', 'Content-Length': MiB5, 'Content-Range': `bytes 0-${MiB5 - 1}/${SIZE}` },
		});
		req.on('error', () => undefined);
		req.write(video.subarray(0, 1000));
		await until(() => sandbox.log.some((e) => e.method === 'PUT'));
		req.destroy(); // the sending process dies mid-chunk
		await until(() => sandbox.log.find((e) => e.method === 'PUT')?.errorCode === 'client_gone');
		const entry = sandbox.log.filter((e) => e.method === 'PUT')[0];
		expect(entry).toMatchObject({ chunkIndex: 0, held: true, errorCode: 'client_gone' });
		expect(sandbox.publishes.get(publish_id)!.bytesReceived).toBe(0);
		expect((await putChunk(upload_url, video, 0, MiB5 - 1)).status).toBe(206);
		expect((await putChunk(upload_url, video, MiB5, SIZE - 1)).status).toBe(201);
		expect(sandbox.publishes.get(publish_id)!.sha256).toBe(sha256(video));
	});

	it('stuckProcessing: the status never leaves PROCESSING_UPLOAD until the fault is lifted', async () => {
		sandbox.configure({ faults: { stuckProcessing: true } });
		const { upload_url, publish_id } = await startUpload(1000, 1000, 1);
		await uploadAll(upload_url, makeMp4(1000), 1000, 1);
		await sleep(200);
		expect((await fetchStatus(sandbox, token, publish_id)).json.data).toEqual({ status: 'PROCESSING_UPLOAD', publicaly_available_post_id: [], uploaded_bytes: 1000 });
		sandbox.configure({ faults: { stuckProcessing: false } });
		expect((await waitForFinal(sandbox, token, publish_id)).json.data.status).toBe('PUBLISH_COMPLETE');
	});

	it('rejectMultiChunk (G14): every valid multi-chunk init gets 400 invalid_params "The chunk size is invalid"; one request works', async () => {
		sandbox.configure({ faults: { rejectMultiChunk: true } });
		for (const [size, chunk, count] of [[SIZE, MiB5, 2], [50_000_123, 10_000_000, 5], [200_000_000, 64_000_000, 3]]) {
			const refused = await api(sandbox, token, 'POST', VIDEO_INIT, fileUploadInit(size, chunk, count));
			expect(refused).toMatchObject({ status: 400, code: 'invalid_params' });
			expect(refused.json.error.message).toBe('The chunk size is invalid');
			expect(refused.json.error.log_id).toMatch(/^\d{14}[0-9A-F]+$/);
		}
		expect(sandbox.publishes.size).toBe(0);
		expect(sandbox.options.faults.rejectMultiChunk).toBe(true); // without `times` it stays on
		const { upload_url, publish_id } = await startUpload(SIZE, SIZE, 1);
		await uploadAll(upload_url, video, SIZE, 1);
		expect((await waitForFinal(sandbox, token, publish_id)).json.data.status).toBe('PUBLISH_COMPLETE');
		expect(sandbox.publishes.get(publish_id)!.sha256).toBe(sha256(video));
	});

	it('rejectMultiChunk with times: refuses that many multi-chunk inits, then accepts them again', async () => {
		sandbox.configure({ faults: { rejectMultiChunk: { times: 1 } } });
		expect((await api(sandbox, token, 'POST', VIDEO_INIT, fileUploadInit(SIZE, MiB5, 2))).code).toBe('invalid_params');
		expect(sandbox.options.faults.rejectMultiChunk).toBeNull();
		await startUpload();
	});

	it('rejectMultiChunk leaves an invalid plan its own message', async () => {
		sandbox.configure({ faults: { rejectMultiChunk: true } });
		const res = await api(sandbox, token, 'POST', VIDEO_INIT, fileUploadInit(SIZE, MiB5, 3));
		expect(res.json.error.message).toMatch(/total_chunk_count must equal floor/);
	});

	it('failReason: processing ends FAILED with the given reason', async () => {
		sandbox.configure({ faults: { failReason: 'frame_rate_check_failed' } });
		const { upload_url, publish_id } = await startUpload(1000, 1000, 1);
		await uploadAll(upload_url, makeMp4(1000), 1000, 1);
		expect((await waitForFinal(sandbox, token, publish_id)).json.data).toMatchObject({ status: 'FAILED', fail_reason: 'frame_rate_check_failed' });
	});

	it('initError: the init answers the given error `times` times, then works', async () => {
		sandbox.configure({ faults: { initError: { code: 'internal_error', status: 500, times: 1 } } });
		const first = await api(sandbox, token, 'POST', VIDEO_INIT, fileUploadInit(1000, 1000, 1));
		expect(first.status).toBe(500);
		expect(first.code).toBe('internal_error');
		expect((await api(sandbox, token, 'POST', VIDEO_INIT, fileUploadInit(1000, 1000, 1))).code).toBe('ok');
	});

	it('statusError: status/fetch fails `times` times, then answers', async () => {
		const { publish_id } = await startUpload(1000, 1000, 1);
		sandbox.configure({ faults: { statusError: { code: 'internal_error', status: 500, times: 2 } } });
		expect((await fetchStatus(sandbox, token, publish_id)).status).toBe(500);
		expect((await fetchStatus(sandbox, token, publish_id)).code).toBe('internal_error');
		expect((await fetchStatus(sandbox, token, publish_id)).code).toBe('ok');
	});

	it('cannotPost with the other codes: creator_info HTTP 200 + code, init 403 + code', async () => {
		for (const code of ['spam_risk_user_banned_from_posting', 'reached_active_user_cap']) {
			sandbox.configure({ faults: { cannotPost: code } });
			const info = await api(sandbox, token, 'POST', '/post/publish/creator_info/query/');
			expect([info.status, info.code]).toEqual([200, code]);
			const init = await api(sandbox, token, 'POST', VIDEO_INIT, fileUploadInit(1000, 1000, 1));
			expect([init.status, init.code]).toEqual([403, code]);
		}
		sandbox.configure({ faults: { cannotPost: null } });
	});
});
