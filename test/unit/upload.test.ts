/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-hardcoded-secrets -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { IBinaryData, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { planChunks, type ChunkPlan } from '../../nodes/TikTok/core/video/chunkPlan';
import { openBinarySource } from '../../nodes/TikTok/core/media/binarySource';
import { UploadCancelledError, UploadError, uploadChunks } from '../../nodes/TikTok/core/video/upload';
import type { VideoSource } from '../../nodes/TikTok/core/media/videoSource';

// n8n-core's real request path (the same OutboundHttp instance n8n-core's helpers.httpRequest uses).
const coreDir = path.dirname(require.resolve('n8n-core/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require(require.resolve('@n8n/di', { paths: [coreDir] }));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { OutboundHttp } = require(require.resolve('@n8n/backend-network', { paths: [coreDir] }));
const realHttpRequest = async (opts: IHttpRequestOptions) =>
	await Container.get(OutboundHttp).requests().request(opts);

const SECRET = 'upload-token-SECRET-123';

// ---------------------------------------------------------------- fake upload endpoint
interface Faults {
	status?: { index: number; status: number; times: number };
	drop?: { index: number; afterBytes: number; times: number };
	dropAfterAccept?: { index: number; times: number };
	holdIndex?: number; // never answer this chunk
	/** answer 400 invalid_params to this chunk (after reading its body); `echoUrl` puts the request URL in the message */
	badRequest?: { index: number; echoUrl?: boolean };
	onChunkStart?: (index: number) => void;
}

interface FakeServer {
	url: string;
	received: number;
	total?: number;
	ranges: string[];
	statuses: number[];
	requests: number;
	contentTypes: string[];
	sha256(): string;
	faults: Faults;
	close(): Promise<void>;
}

async function startFakeUpload(chunkSize: number, faults: Faults = {}): Promise<FakeServer> {
	const hash = createHash('sha256');
	const state: FakeServer = {
		url: '',
		received: 0,
		ranges: [],
		statuses: [],
		requests: 0,
		contentTypes: [],
		sha256: () => hash.copy().digest('hex'),
		faults,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((r) => server.close(() => r()));
		},
	};
	const answer = (res: http.ServerResponse, status: number, body = '') => {
		state.statuses.push(status);
		const headers: Record<string, string> = { 'content-type': 'application/json' };
		if (state.total !== undefined) {
			headers['content-range'] = state.received > 0 ? `bytes 0-${state.received - 1}/${state.total}` : `bytes */${state.total}`;
		}
		res.writeHead(status, headers);
		res.end(body);
	};
	const server = http.createServer((req, res) => {
		state.requests++;
		if (req.method !== 'PUT' || !req.url?.includes(`upload_token=${SECRET}`)) {
			req.resume();
			return answer(res, 404, '{"error":{"code":"not_found","message":"no upload task"}}');
		}
		if (req.headers.authorization) {
			req.resume();
			return answer(res, 400, '{"error":{"code":"invalid_params","message":"unexpected Authorization"}}');
		}
		const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(req.headers['content-range']));
		const length = Number(req.headers['content-length']);
		if (!range) {
			req.resume();
			return answer(res, 400, '{"error":{"code":"invalid_params","message":"bad Content-Range"}}');
		}
		state.ranges.push(String(req.headers['content-range']));
		state.contentTypes.push(String(req.headers['content-type']));
		const first = Number(range[1]);
		const last = Number(range[2]);
		state.total = Number(range[3]);
		const index = Math.floor(first / chunkSize);
		faults.onChunkStart?.(index);
		if (last - first + 1 !== length) {
			req.resume();
			return answer(res, 400, '{"error":{"code":"invalid_params","message":"length mismatch"}}');
		}
		if (first !== state.received) {
			req.resume();
			return answer(res, 416);
		}
		if (faults.badRequest?.index === index) {
			const echo = faults.badRequest.echoUrl ? ` for PUT ${req.url}` : '';
			req.resume();
			req.on('end', () => answer(res, 400, JSON.stringify({ error: { code: 'invalid_params', message: `The chunk does not match the upload task${echo}` } })));
			return;
		}
		if (faults.holdIndex === index) {
			req.resume();
			return; // never answers
		}
		if (faults.status && faults.status.index === index && faults.status.times > 0) {
			faults.status.times--;
			req.resume();
			req.on('end', () => answer(res, faults.status!.status, '{"error":{"code":"internal_error"}}'));
			return;
		}
		const drop = faults.drop && faults.drop.index === index && faults.drop.times > 0 ? faults.drop : undefined;
		if (drop) drop.times--;
		const pieces: Buffer[] = [];
		let got = 0;
		req.on('data', (d: Buffer) => {
			if (drop && got + d.length > drop.afterBytes) {
				req.socket.destroy();
				return;
			}
			got += d.length;
			pieces.push(d);
		});
		req.on('end', () => {
			if (got !== length) return answer(res, 400, '{"error":{"code":"invalid_params","message":"short body"}}');
			for (const p of pieces) hash.update(p);
			state.received += got;
			const dropAfter = faults.dropAfterAccept;
			if (dropAfter && dropAfter.index === index && dropAfter.times > 0) {
				dropAfter.times--;
				req.socket.destroy();
				return;
			}
			answer(res, state.received === state.total ? 201 : 206);
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	const { port } = server.address() as AddressInfo;
	state.url = `http://127.0.0.1:${port}/upload/?upload_token=${SECRET}`;
	return state;
}

// ---------------------------------------------------------------- minimal execute context
interface FakeBinary {
	buffer?: Buffer;
	stream?: () => AsyncIterable<Buffer>;
	size?: number;
	mimeType?: string;
	fileName?: string;
}

function makeCtx(binaries: Record<string, FakeBinary> = {}): IExecuteFunctions {
	const binaryData = (name: string): IBinaryData => {
		const b = binaries[name];
		if (!b) throw new Error(`The item has no binary field '${name}'`);
		return {
			data: b.stream ? 'filesystem-v2' : (b.buffer ?? Buffer.alloc(0)).toString('base64'),
			mimeType: b.mimeType ?? 'video/mp4',
			fileName: b.fileName,
			...(b.stream ? { id: `filesystem-v2:${name}` } : {}),
		};
	};
	const helpers = {
		httpRequest: realHttpRequest,
		assertBinaryData: (_i: number, name: string) => binaryData(name),
		getBinaryDataBuffer: async (_i: number, name: string) => binaries[name].buffer!,
		getBinaryMetadata: async (id: string) => {
			const b = binaries[id.split(':')[1]];
			return { fileSize: b.size!, mimeType: b.mimeType, fileName: b.fileName };
		},
		getBinaryStream: async (id: string) => Readable.from(binaries[id.split(':')[1]].stream!()),
	};
	return { helpers } as unknown as IExecuteFunctions;
}

/** Deterministic bytes that start like an MP4 (ftyp box). */
function videoBytes(size: number, seed = 1): Buffer {
	const b = Buffer.allocUnsafe(size);
	let x = seed;
	for (let i = 0; i < size; i++) {
		x = (x * 1103515245 + 12345) & 0x7fffffff;
		b[i] = x >>> 16;
	}
	const ftyp = Buffer.from('0000001866747970697336640000000069736f6d', 'hex');
	ftyp.copy(b, 0, 0, Math.min(ftyp.length, size));
	return b;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function memorySource(buffer: Buffer): Promise<VideoSource> {
	return await openBinarySource(makeCtx({ data: { buffer, fileName: 'clip.mp4' } }), 0, 'data');
}

async function upload(server: FakeServer, source: VideoSource, plan: ChunkPlan, extra: Partial<Parameters<typeof uploadChunks>[1]> = {}) {
	return await uploadChunks(makeCtx(), {
		uploadUrl: server.url,
		source,
		plan,
		retryBaseDelayMs: 5,
		uploadUrlIssuedAt: Date.now(),
		...extra,
	});
}

async function expectUploadError(promise: Promise<unknown>): Promise<UploadError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(UploadError);
	const e = error as UploadError;
	expect(e.message).not.toContain(SECRET);
	expect(JSON.stringify(e)).not.toContain(SECRET);
	expect(e.cause === undefined || !JSON.stringify(e.cause).includes(SECRET)).toBe(true);
	expect(String(e.stack)).not.toContain(SECRET);
	return e;
}

const servers: FakeServer[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map(async (s) => await s.close()));
});
async function fake(chunkSize: number, faults?: Faults) {
	const s = await startFakeUpload(chunkSize, faults);
	servers.push(s);
	return s;
}

// ---------------------------------------------------------------- tests
describe('uploadChunks against a fake upload endpoint (real n8n-core httpRequest)', () => {
	it('sends 25 MB as 2 chunks with the exact Content-Range sequence and identical bytes', async () => {
		const video = videoBytes(25_000_000);
		const plan = planChunks(video.length, 10_000_000);
		const server = await fake(plan.chunkSize);
		const result = await upload(server, await memorySource(video), plan);
		expect(server.ranges).toEqual(['bytes 0-9999999/25000000', 'bytes 10000000-24999999/25000000']);
		expect(server.statuses).toEqual([206, 201]);
		expect(server.contentTypes).toEqual(['video/mp4', 'video/mp4']);
		expect(server.sha256()).toBe(sha(video));
		expect(result).toEqual({ bytesSent: 25_000_000, chunksSent: 2, retries: 0 });
	});

	it('sends a small file as one chunk', async () => {
		const video = videoBytes(300_000);
		const plan = planChunks(video.length);
		const server = await fake(plan.chunkSize);
		const result = await upload(server, await memorySource(video), plan);
		expect(server.ranges).toEqual(['bytes 0-299999/300000']);
		expect(result).toEqual({ bytesSent: 300_000, chunksSent: 1, retries: 0 });
		expect(server.sha256()).toBe(sha(video));
	});

	it('retries a chunk answered with 503 and completes', async () => {
		const video = videoBytes(30_000_000);
		const plan = planChunks(video.length, 10_000_000);
		const server = await fake(plan.chunkSize, { status: { index: 1, status: 503, times: 2 } });
		const result = await upload(server, await memorySource(video), plan);
		expect(result.retries).toBe(2);
		expect(result.chunksSent).toBe(3);
		expect(server.statuses).toEqual([206, 503, 503, 206, 201]);
		expect(server.sha256()).toBe(sha(video));
	});

	it('gives up after maxRetriesPerChunk with a retryable UploadError', async () => {
		const video = videoBytes(12_000_000);
		const plan = planChunks(video.length, 6_000_000);
		const server = await fake(plan.chunkSize, { status: { index: 1, status: 500, times: 99 } });
		const e = await expectUploadError(upload(server, await memorySource(video), plan, { maxRetriesPerChunk: 2 }));
		expect(e.status).toBe(500);
		expect(e.retryable).toBe(true);
		expect(e.chunkIndex).toBe(1);
		expect(e.bytesAccepted).toBe(6_000_000);
		expect(server.statuses.filter((s) => s === 500)).toHaveLength(3);
	});

	it('retries a chunk when the socket is destroyed mid-chunk', async () => {
		const video = videoBytes(25_000_000);
		const plan = planChunks(video.length, 10_000_000);
		const server = await fake(plan.chunkSize, { drop: { index: 1, afterBytes: 100_000, times: 1 } });
		const result = await upload(server, await memorySource(video), plan);
		expect(result.retries).toBe(1);
		expect(server.sha256()).toBe(sha(video));
		expect(server.received).toBe(25_000_000);
	});

	it('skips forward on 416 when the server stored the chunk before the connection dropped', async () => {
		const video = videoBytes(30_000_000);
		const plan = planChunks(video.length, 10_000_000);
		const server = await fake(plan.chunkSize, { dropAfterAccept: { index: 1, times: 1 } });
		const result = await upload(server, await memorySource(video), plan);
		// chunk 1 stored + dropped, resent -> 416 (server has it) -> chunk 2
		expect(server.ranges).toEqual([
			'bytes 0-9999999/30000000',
			'bytes 10000000-19999999/30000000',
			'bytes 10000000-19999999/30000000',
			'bytes 20000000-29999999/30000000',
		]);
		expect(server.statuses).toEqual([206, 416, 201]);
		expect(result).toEqual({ bytesSent: 30_000_000, chunksSent: 3, retries: 1 });
		expect(server.sha256()).toBe(sha(video));
	});

	it('completes when the last chunk was stored but its answer was lost (416 covering everything)', async () => {
		const video = videoBytes(20_000_000);
		const plan = planChunks(video.length, 10_000_000);
		const server = await fake(plan.chunkSize, { dropAfterAccept: { index: 1, times: 1 } });
		const result = await upload(server, await memorySource(video), plan);
		expect(server.statuses).toEqual([206, 416]);
		expect(result.bytesSent).toBe(20_000_000);
		expect(result.chunksSent).toBe(2);
	});

	it('stops before sending when the upload URL is older than 55 minutes', async () => {
		const video = videoBytes(12_000_000);
		const plan = planChunks(video.length, 6_000_000);
		const server = await fake(plan.chunkSize);
		const e = await expectUploadError(
			upload(server, await memorySource(video), plan, { uploadUrlIssuedAt: Date.now() - 56 * 60 * 1000 }),
		);
		expect(e.message).toMatch(/55 minutes/);
		expect(e.chunkIndex).toBe(0);
		expect(e.bytesAccepted).toBe(0);
		expect(server.requests).toBe(0);
	});

	it('stops at the chunk where the URL becomes too old', async () => {
		const video = videoBytes(12_000_000);
		const plan = planChunks(video.length, 6_000_000);
		let late = false;
		const server = await fake(plan.chunkSize, { onChunkStart: () => (late = true) });
		const realNow = Date.now.bind(Date);
		const issuedAt = realNow();
		const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + (late ? 56 * 60 * 1000 : 0));
		try {
			const e = await expectUploadError(upload(server, await memorySource(video), plan, { uploadUrlIssuedAt: issuedAt }));
			expect(e.chunkIndex).toBe(1);
			expect(e.bytesAccepted).toBe(6_000_000);
			expect(server.requests).toBe(1);
		} finally {
			spy.mockRestore();
		}
	});

	it.each([
		[403, /expired/, true],
		[404, /no upload task/, false],
	])('turns HTTP %d into an UploadError', async (status, text, retryable) => {
		const video = videoBytes(6_000_000);
		const plan = planChunks(video.length);
		const server = await fake(plan.chunkSize, { status: { index: 0, status, times: 1 } });
		const e = await expectUploadError(upload(server, await memorySource(video), plan));
		expect(e.status).toBe(status);
		expect(e.message).toMatch(text);
		expect(e.retryable).toBe(retryable);
		expect(server.requests).toBe(1);
	});

	it('reports a 400 with the body message and without the upload token', async () => {
		const video = videoBytes(6_000_000);
		const plan = planChunks(video.length);
		const server = await fake(plan.chunkSize, { badRequest: { index: 0 } });
		const e = await expectUploadError(upload(server, await memorySource(video), plan));
		expect(server.statuses).toEqual([400]);
		expect(e.status).toBe(400);
		expect(e.retryable).toBe(false);
		expect(e.message).toMatch(/^TikTok rejected chunk 1 of 1 \(HTTP 400: invalid_params: The chunk does not match the upload task\)/);
		expect(e.message).not.toContain(SECRET);
		expect(e.message).not.toContain('upload_token');
	});

	it('keeps the upload token out of the error even when the server quotes the request URL', async () => {
		const video = videoBytes(6_000_000);
		const plan = planChunks(video.length);
		const server = await fake(plan.chunkSize, { badRequest: { index: 0, echoUrl: true } });
		const e = await expectUploadError(upload(server, await memorySource(video), plan));
		expect(e.status).toBe(400);
		expect(e.message).toMatch(/The chunk does not match the upload task for PUT \/upload\/\?upload_token=\[redacted\]/);
		expect(e.message).not.toContain(SECRET);
		expect(JSON.stringify({ ...e, message: e.message })).not.toContain(SECRET);
	});

	it('errors on 416 when the server is behind (cannot go back)', async () => {
		const video = videoBytes(20_000_000);
		const plan = planChunks(video.length, 10_000_000);
		const server = await fake(plan.chunkSize);
		// Skip chunk 0 with a source that only yields chunk 1: the server has 0 bytes.
		const source = await memorySource(video);
		const onlySecond: VideoSource = {
			...source,
			contentType: source.contentType,
			chunks: async function* (p: ChunkPlan) {
				const c = p.chunks[1];
				yield { index: c.index, start: c.start, end: c.end, data: video.subarray(c.start, c.end + 1) };
			},
		};
		const e = await expectUploadError(upload(server, onlySecond, plan));
		expect(e.status).toBe(416);
		expect(e.retryable).toBe(false);
	});

	it('treats a silent connection as dropped (idle timeout) and retries, then gives up', async () => {
		const video = videoBytes(6_000_000);
		const plan = planChunks(video.length);
		const server = await fake(plan.chunkSize, { holdIndex: 0 });
		const e = await expectUploadError(upload(server, await memorySource(video), plan, { idleTimeoutMs: 300, maxRetriesPerChunk: 1 }));
		expect(e.retryable).toBe(true);
		expect(e.message).toMatch(/dropped .*gave up on chunk 1 of 1 after 2 attempts/);
		expect(server.requests).toBe(2);
	});

	it('stops with UploadCancelledError when aborted mid-upload', async () => {
		const video = videoBytes(30_000_000);
		const plan = planChunks(video.length, 10_000_000);
		const controller = new AbortController();
		// Chunk 2 is never answered and the idle timeout is 10 minutes, so only the abort can end this
		// upload before jest's test timeout. The abort comes when chunk 2's request reached the server
		// (an event, not a timer), so it always lands while that chunk is in flight.
		const server = await fake(plan.chunkSize, {
			holdIndex: 1,
			onChunkStart: (i) => {
				if (i === 1) controller.abort();
			},
		});
		const error = await upload(server, await memorySource(video), plan, { signal: controller.signal, idleTimeoutMs: 10 * 60_000 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(UploadCancelledError);
		expect((error as UploadCancelledError).bytesAccepted).toBe(10_000_000);
		expect((error as UploadCancelledError).chunkIndex).toBe(1);
		expect(server.received).toBe(10_000_000);
		expect(server.requests).toBe(2);
	});

	it('stops with UploadCancelledError when aborted during a retry wait', async () => {
		const video = videoBytes(6_000_000);
		const plan = planChunks(video.length);
		const controller = new AbortController();
		const server = await fake(plan.chunkSize, { status: { index: 0, status: 503, times: 5 } });
		// The 503 is followed by a wait of RETRY_WAIT_MS (n8n-workflow's sleep, a setTimeout): the abort
		// comes the moment that wait begins (an event, not a timer racing the answer), and the wait is
		// long enough that only the abort can end it before jest's test timeout.
		const RETRY_WAIT_MS = 987_654;
		const setTimeoutOfNode = global.setTimeout;
		const retryWaits: NodeJS.Timeout[] = [];
		const timers = jest.spyOn(global, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
			const timer = setTimeoutOfNode(callback, ms);
			if (ms === RETRY_WAIT_MS) {
				retryWaits.push(timer);
				queueMicrotask(() => controller.abort());
			}
			return timer;
		}) as typeof setTimeout);
		try {
			const pending = upload(server, await memorySource(video), plan, { signal: controller.signal, retryBaseDelayMs: RETRY_WAIT_MS }).catch((e: unknown) => e);
			let settled = false;
			void pending.then(() => (settled = true));
			while (!controller.signal.aborted) await new Promise((resolve) => setImmediate(resolve));
			// from the abort on, nothing is sent or read: the upload settles within a few event-loop turns
			for (let turn = 0; turn < 100 && !settled; turn++) await new Promise((resolve) => setImmediate(resolve));
			expect(settled).toBe(true);
			expect(await pending).toBeInstanceOf(UploadCancelledError);
		} finally {
			timers.mockRestore();
			// a wait the abort did not end must not keep jest running for 16 minutes
			for (const timer of retryWaits) clearTimeout(timer);
		}
		expect(retryWaits).toHaveLength(1);
		expect(server.statuses).toEqual([503]);
		expect(server.requests).toBe(1);
	});

	it('does not send anything when the signal is already aborted', async () => {
		const video = videoBytes(6_000_000);
		const plan = planChunks(video.length);
		const controller = new AbortController();
		controller.abort();
		const server = await fake(plan.chunkSize);
		await expect(upload(server, await memorySource(video), plan, { signal: controller.signal })).rejects.toBeInstanceOf(
			UploadCancelledError,
		);
		expect(server.requests).toBe(0);
	});
});

describe('uploadChunks with a streamed binary', () => {
	const PIECE = 64 * 1024;

	function pieces(total: number, seed: number, stats: { largest: number }) {
		return async function* () {
			let sent = 0;
			let i = 0;
			while (sent < total) {
				const n = Math.min(PIECE, total - sent);
				const b = Buffer.alloc(n, (i++ * 31 + seed) & 0xff);
				if (sent === 0) Buffer.from('0000001866747970', 'hex').copy(b);
				if (n > stats.largest) stats.largest = n;
				sent += n;
				yield b;
			}
		};
	}

	function expectedHash(total: number, seed: number): string {
		const h = createHash('sha256');
		let sent = 0;
		let i = 0;
		while (sent < total) {
			const n = Math.min(PIECE, total - sent);
			const b = Buffer.alloc(n, (i++ * 31 + seed) & 0xff);
			if (sent === 0) Buffer.from('0000001866747970', 'hex').copy(b);
			h.update(b);
			sent += n;
		}
		return h.digest('hex');
	}

	it('re-chunks 64 KiB pieces of a 60 MB stream into 10 MB chunks without allocating more than a chunk', async () => {
		const total = 60_000_000;
		const stats = { largest: 0 };
		const ctx = makeCtx({ data: { stream: pieces(total, 7, stats), size: total, mimeType: 'video/mp4', fileName: 'big.mp4' } });
		const source = await openBinarySource(ctx, 0, 'data');
		const plan = planChunks(source.size, 10_000_000);
		const server = await fake(plan.chunkSize);
		const result = await upload(server, source, plan);
		expect(result).toEqual({ bytesSent: total, chunksSent: 6, retries: 0 });
		expect(server.sha256()).toBe(expectedHash(total, 7));
		expect(source.stats!.largestAllocation).toBeLessThanOrEqual(10_000_000);
		// one buffer per chunk plus the head buffer
		expect(source.stats!.allocations).toBeLessThanOrEqual(plan.totalChunkCount + 1);
		expect(stats.largest).toBe(PIECE);
	});

	it('errors when the stream ends before its declared size', async () => {
		const declared = 20_000_000;
		const ctx = makeCtx({ data: { stream: pieces(19_000_000, 3, { largest: 0 }), size: declared, fileName: 'short.mp4' } });
		const source = await openBinarySource(ctx, 0, 'data');
		const plan = planChunks(source.size, 10_000_000);
		const server = await fake(plan.chunkSize);
		const e = await expectUploadError(upload(server, source, plan));
		expect(e.message).toMatch(/ended after 19,000,000 bytes/);
		expect(e.chunkIndex).toBe(1);
		expect(e.bytesAccepted).toBe(10_000_000);
		expect(e.retryable).toBe(false);
		expect(server.received).toBe(10_000_000);
	});

	it('errors when the stream has more bytes than declared', async () => {
		const declared = 20_000_000;
		const ctx = makeCtx({ data: { stream: pieces(20_100_000, 3, { largest: 0 }), size: declared, fileName: 'long.mp4' } });
		const source = await openBinarySource(ctx, 0, 'data');
		const plan = planChunks(source.size, 10_000_000);
		const server = await fake(plan.chunkSize);
		const e = await expectUploadError(upload(server, source, plan));
		expect(e.message).toMatch(/more bytes than its declared size/);
	});

	it('rejects a PNG named .mp4 before anything is sent', async () => {
		const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(10_000)]);
		const ctx = makeCtx({
			data: {
				stream: async function* () {
					yield png;
				},
				size: png.length,
				mimeType: 'video/mp4',
				fileName: 'not-a-video.mp4',
			},
		});
		await expect(openBinarySource(ctx, 0, 'data')).rejects.toThrow(/PNG image/);
	});
});
