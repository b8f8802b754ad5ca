import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { IBinaryData, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { planChunks, type ChunkPlan } from '../../nodes/TikTok/core/chunkPlan';
import {
	checkVideoBytes,
	resolveVideoContentType,
	sniffVideoContainer,
} from '../../nodes/TikTok/core/mediaType';
import { readMp4DurationSeconds } from '../../nodes/TikTok/core/mp4';
import {
	HEAD_BYTES,
	openBinarySource,
	openDownloadSource,
	type VideoSource,
} from '../../nodes/TikTok/core/videoSource';

const coreDir = path.dirname(require.resolve('n8n-core/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require(require.resolve('@n8n/di', { paths: [coreDir] }));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { OutboundHttp } = require(require.resolve('@n8n/backend-network', { paths: [coreDir] }));
const realHttpRequest = async (opts: IHttpRequestOptions) =>
	await Container.get(OutboundHttp).requests().request(opts);

const MP4_HEAD = Buffer.from('0000001866747970697336640000000069736f6d', 'hex');
const WEBM_HEAD = Buffer.from('1a45dfa39f4286810142f7810142f2810442f381084282847765626d', 'hex');
const PNG_HEAD = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

function bytesStartingWith(head: Buffer, size: number, seed = 5): Buffer {
	const b = Buffer.alloc(size);
	for (let i = 0; i < size; i++) b[i] = (i * 7 + seed) & 0xff;
	head.copy(b, 0, 0, Math.min(head.length, size));
	return b;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface FakeBinary {
	buffer?: Buffer;
	pieces?: () => AsyncIterable<Buffer>;
	size?: number;
	mimeType?: string;
	fileName?: string;
	fileExtension?: string;
}

function makeCtx(
	binaries: Record<string, FakeBinary> = {},
	httpRequest: (opts: IHttpRequestOptions) => Promise<unknown> = realHttpRequest,
): IExecuteFunctions & { state: { streamsDestroyed: number } } {
	const state = { streamsDestroyed: 0 };
	const binaryData = (name: string): IBinaryData => {
		const b = binaries[name];
		if (!b) throw new Error(`The item has no binary field '${name}'`);
		return {
			data: b.pieces ? 'filesystem-v2' : (b.buffer ?? Buffer.alloc(0)).toString('base64'),
			mimeType: b.mimeType ?? 'application/octet-stream',
			fileName: b.fileName,
			fileExtension: b.fileExtension,
			...(b.pieces ? { id: `filesystem-v2:${name}` } : {}),
		};
	};
	const helpers = {
		httpRequest,
		assertBinaryData: (_i: number, name: string) => binaryData(name),
		getBinaryDataBuffer: async (_i: number, name: string) => binaries[name].buffer!,
		getBinaryMetadata: async (id: string) => {
			const b = binaries[id.split(':')[1]];
			return { fileSize: b.size as number, mimeType: b.mimeType, fileName: b.fileName };
		},
		getBinaryStream: async (id: string) => {
			const stream = Readable.from(binaries[id.split(':')[1]].pieces!());
			stream.on('close', () => state.streamsDestroyed++);
			return stream;
		},
	};
	return Object.assign({ helpers } as unknown as IExecuteFunctions, { state });
}

function piecesOf(data: Buffer, sizes: number[]) {
	return async function* () {
		let offset = 0;
		let i = 0;
		while (offset < data.length) {
			const n = Math.max(1, sizes[i++ % sizes.length]);
			yield data.subarray(offset, offset + n);
			offset += n;
		}
	};
}

async function collect(source: VideoSource, plan: ChunkPlan) {
	const parts: Buffer[] = [];
	const ranges: Array<[number, number, number]> = [];
	for await (const c of source.chunks(plan)) {
		expect(c.data.length).toBe(c.end - c.start + 1);
		ranges.push([c.index, c.start, c.end]);
		parts.push(Buffer.from(c.data));
	}
	return { data: Buffer.concat(parts), ranges };
}

describe('mediaType', () => {
	it('maps MIME types and extensions', () => {
		expect(resolveVideoContentType({ mimeType: 'video/mp4' })).toBe('video/mp4');
		expect(resolveVideoContentType({ mimeType: 'video/quicktime; charset=binary' })).toBe('video/quicktime');
		expect(resolveVideoContentType({ mimeType: 'VIDEO/WEBM' })).toBe('video/webm');
		expect(resolveVideoContentType({ mimeType: 'video/x-m4v' })).toBe('video/mp4');
		expect(resolveVideoContentType({ mimeType: 'application/octet-stream', fileName: 'a.MOV' })).toBe('video/quicktime');
		expect(resolveVideoContentType({ fileName: 'clip.m4v' })).toBe('video/mp4');
		expect(resolveVideoContentType({ fileName: 'https://x.test/a/b.webm?x=1' })).toBe('video/webm');
		expect(resolveVideoContentType({ mimeType: '', fileExtension: 'mp4' })).toBe('video/mp4');
	});

	it('rejects other types, naming what was given and what is accepted', () => {
		expect(() => resolveVideoContentType({ mimeType: 'video/x-msvideo', fileName: 'a.avi' })).toThrow(
			/type "video\/x-msvideo" and file name "a.avi".*MP4 \(.mp4, .m4v\), MOV \(.mov\) or WebM \(.webm\)/,
		);
		expect(() => resolveVideoContentType({ mimeType: 'image/png', fileName: 'a.mp4' })).toThrow(/image\/png/);
		expect(() => resolveVideoContentType({})).toThrow(/no file type or file name/);
	});

	it('sniffs containers', () => {
		expect(sniffVideoContainer(MP4_HEAD)).toBe('iso-bmff');
		expect(sniffVideoContainer(Buffer.from('0000001466747970717420200000000071742020', 'hex'))).toBe('quicktime');
		expect(sniffVideoContainer(WEBM_HEAD)).toBe('webm');
		expect(sniffVideoContainer(PNG_HEAD)).toBeUndefined();
	});

	it('checks bytes against the label', () => {
		expect(checkVideoBytes(MP4_HEAD, 'video/quicktime')).toBe('video/quicktime');
		expect(checkVideoBytes(WEBM_HEAD, 'video/mp4')).toBe('video/webm');
		expect(checkVideoBytes(MP4_HEAD, 'video/webm')).toBe('video/mp4');
		expect(() => checkVideoBytes(PNG_HEAD, 'video/mp4', 'The binary field "data"')).toThrow(
			/The binary field "data" is labelled video\/mp4 but its content is a PNG image/,
		);
		expect(() => checkVideoBytes(Buffer.from('<!DOCTYPE html><html>'), 'video/mp4')).toThrow(/HTML page/);
		expect(() => checkVideoBytes(Buffer.alloc(0), 'video/mp4')).toThrow(/not an MP4, MOV or WebM video/);
	});
});

describe('openBinarySource (in-memory)', () => {
	it('serves chunks as views of the buffer and a head of up to 1 MiB', async () => {
		const video = bytesStartingWith(MP4_HEAD, 12_000_000);
		const source = await openBinarySource(makeCtx({ data: { buffer: video, mimeType: 'video/mp4', fileName: 'a.mp4' } }), 0, 'data');
		expect(source).toMatchObject({ size: 12_000_000, contentType: 'video/mp4', fileName: 'a.mp4', origin: 'binary' });
		expect((await source.head()).length).toBe(HEAD_BYTES);
		const plan = planChunks(source.size, 6_000_000);
		const { data, ranges } = await collect(source, plan);
		expect(ranges).toEqual([
			[0, 0, 5_999_999],
			[1, 6_000_000, 11_999_999],
		]);
		expect(sha(data)).toBe(sha(video));
		expect(source.stats?.allocations).toBe(0);
	});

	it('uses the extension when the MIME type is generic', async () => {
		const video = bytesStartingWith(MP4_HEAD, 1000);
		const source = await openBinarySource(makeCtx({ data: { buffer: video, fileName: 'a.mov' } }), 0, 'data');
		expect(source.contentType).toBe('video/quicktime');
		expect((await source.head()).length).toBe(1000);
	});

	it('rejects a missing field, an empty name, an empty file and a non-video', async () => {
		await expect(openBinarySource(makeCtx({}), 0, 'data')).rejects.toThrow(/no binary field 'data'/);
		await expect(openBinarySource(makeCtx({}), 0, '  ')).rejects.toThrow(/No input binary field name/);
		await expect(
			openBinarySource(makeCtx({ data: { buffer: Buffer.alloc(0), mimeType: 'video/mp4' } }), 0, 'data'),
		).rejects.toThrow(/empty \(0 bytes\)/);
		await expect(
			openBinarySource(makeCtx({ data: { buffer: bytesStartingWith(PNG_HEAD, 500), mimeType: 'video/mp4', fileName: 'x.mp4' } }), 0, 'data'),
		).rejects.toThrow(/PNG image/);
		await expect(
			openBinarySource(makeCtx({ data: { buffer: bytesStartingWith(PNG_HEAD, 500), mimeType: 'image/png', fileName: 'x.png' } }), 0, 'data'),
		).rejects.toThrow(/not a video TikTok accepts/);
	});
});

describe('openBinarySource (stream)', () => {
	it('re-chunks arbitrary piece sizes exactly (fast-check) and replays the head', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 16, max: 40_000 }),
				fc.array(fc.integer({ min: 1, max: 9_000 }), { minLength: 1, maxLength: 8 }),
				async (size, pieceSizes) => {
					const video = bytesStartingWith(MP4_HEAD, size, size & 0xff);
					const ctx = makeCtx({ data: { pieces: piecesOf(video, pieceSizes), size, mimeType: 'video/mp4' } });
					const source = await openBinarySource(ctx, 0, 'data');
					const head = await source.head();
					expect(head.equals(video.subarray(0, Math.min(size, HEAD_BYTES)))).toBe(true);
					// a fake plan with small chunks to exercise the splitting (real plans use >= 5 MiB)
					const chunkSize = 1 + (size % 7_000);
					const count = Math.max(1, Math.floor(size / chunkSize));
					const chunks = Array.from({ length: count }, (_, i) => ({
						index: i,
						start: i * chunkSize,
						end: i === count - 1 ? size - 1 : (i + 1) * chunkSize - 1,
						length: i === count - 1 ? size - i * chunkSize : chunkSize,
					}));
					const { data } = await collect(source, { videoSize: size, chunkSize, totalChunkCount: count, chunks });
					expect(data.equals(video)).toBe(true);
					expect(source.stats!.largestAllocation).toBeLessThanOrEqual(Math.max(...chunks.map((c) => c.length), HEAD_BYTES));
				},
			),
			{ numRuns: 150 },
		);
	});

	it('streams 30 MB in 64 KiB pieces into 10 MB chunks reusing one chunk buffer', async () => {
		const size = 30_000_000;
		const video = bytesStartingWith(MP4_HEAD, size);
		const ctx = makeCtx({ data: { pieces: piecesOf(video, [65_536]), size, mimeType: 'video/mp4', fileName: 'v.mp4' } });
		const source = await openBinarySource(ctx, 0, 'data');
		const plan = planChunks(size, 10_000_000);
		const { data } = await collect(source, plan);
		expect(sha(data)).toBe(sha(video));
		expect(source.stats).toEqual({ largestAllocation: 10_000_000, allocations: 2 }); // head + one buffer reused for the 3 chunks (issue 6)
	});

	it('uses a piece as the chunk without copying when the piece holds the whole chunk', async () => {
		const size = 6_000_000;
		const video = bytesStartingWith(MP4_HEAD, size);
		const ctx = makeCtx({ data: { pieces: piecesOf(video, [size]), size, mimeType: 'video/mp4' } });
		const source = await openBinarySource(ctx, 0, 'data');
		const { data } = await collect(source, planChunks(size));
		expect(data.equals(video)).toBe(true);
		expect(source.stats!.allocations).toBe(1); // only the head
	});

	it('rejects zero and unknown sizes before reading', async () => {
		const pieces = piecesOf(bytesStartingWith(MP4_HEAD, 100), [100]);
		await expect(openBinarySource(makeCtx({ data: { pieces, size: 0, mimeType: 'video/mp4' } }), 0, 'data')).rejects.toThrow(/empty/);
		await expect(
			openBinarySource(makeCtx({ data: { pieces, size: undefined, mimeType: 'video/mp4' } }), 0, 'data'),
		).rejects.toThrow(/unknown size/);
	});

	it('errors on a short or long stream and on a second read', async () => {
		const size = 3_000_000;
		const big = bytesStartingWith(MP4_HEAD, size + 1);
		const short = await openBinarySource(makeCtx({ data: { pieces: piecesOf(big.subarray(0, 2_900_000), [65_536]), size, mimeType: 'video/mp4' } }), 0, 'data');
		await expect(collect(short, planChunks(size))).rejects.toThrow(/ended after 2,900,000 bytes.*3,000,000 bytes/);

		const long = await openBinarySource(makeCtx({ data: { pieces: piecesOf(big, [65_536]), size, mimeType: 'video/mp4' } }), 0, 'data');
		await expect(collect(long, planChunks(size))).rejects.toThrow(/more bytes than its declared size/);

		const exactEnd = await openBinarySource(makeCtx({ data: { pieces: piecesOf(big, [size, 1]), size, mimeType: 'video/mp4' } }), 0, 'data');
		await expect(collect(exactEnd, planChunks(size))).rejects.toThrow(/more bytes than its declared size/);

		// small files are read completely by head(): a wrong size is found when the source is opened
		const video = bytesStartingWith(MP4_HEAD, 10_000);
		await expect(
			openBinarySource(makeCtx({ data: { pieces: piecesOf(Buffer.concat([video, Buffer.alloc(1)]), [4096]), size: 10_000, mimeType: 'video/mp4' } }), 0, 'data'),
		).rejects.toThrow(/more bytes than its declared size/);
		const smallShort = await openBinarySource(makeCtx({ data: { pieces: piecesOf(video.subarray(0, 9_000), [4096]), size: 10_000, mimeType: 'video/mp4' } }), 0, 'data');
		await expect(collect(smallShort, planChunks(10_000))).rejects.toThrow(/ended after 9,000 bytes/);

		const once = await openBinarySource(makeCtx({ data: { pieces: piecesOf(video, [4096]), size: 10_000, mimeType: 'video/mp4' } }), 0, 'data');
		await collect(once, planChunks(10_000));
		await expect(collect(once, planChunks(10_000))).rejects.toThrow(/only be read once/);
		await expect(collect(await openBinarySource(makeCtx({ data: { buffer: video, mimeType: 'video/mp4' } }), 0, 'data'), planChunks(9_999))).rejects.toThrow(
			/plan is for 9,999 bytes/,
		);
	});

	it('reports a stream error with the byte position', async () => {
		const video = bytesStartingWith(MP4_HEAD, 3_000_000);
		const broken = async function* () {
			yield video.subarray(0, 2_000_000);
			throw Object.assign(new Error('disk read failed'), { code: 'EIO' });
		};
		const source = await openBinarySource(makeCtx({ data: { pieces: broken, size: 3_000_000, mimeType: 'video/mp4' } }), 0, 'data');
		await expect(collect(source, planChunks(3_000_000))).rejects.toThrow(
			/failed after 2,000,000 bytes of 3,000,000 bytes \(EIO: disk read failed\)/,
		);
	});

	it('rejects a mislabelled stream (PNG named .mp4) and closes it', async () => {
		const png = bytesStartingWith(PNG_HEAD, 5000);
		const ctx = makeCtx({ data: { pieces: piecesOf(png, [1000]), size: 5000, mimeType: 'video/mp4', fileName: 'x.mp4' } });
		await expect(openBinarySource(ctx, 0, 'data')).rejects.toThrow(/PNG image/);
		await new Promise((r) => setImmediate(r));
		expect(ctx.state.streamsDestroyed).toBe(1);
	});

	it('gives the head to the MP4 duration reader', async () => {
		const mvhd = Buffer.alloc(108);
		mvhd.writeUInt32BE(108, 0);
		mvhd.write('mvhd', 4, 'latin1');
		mvhd.writeUInt32BE(1000, 20);
		mvhd.writeUInt32BE(15_500, 24);
		const moov = Buffer.concat([Buffer.from([0, 0, 0, 116]), Buffer.from('moov'), mvhd]);
		const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from('ftypisom'), Buffer.alloc(4)]);
		const file = Buffer.concat([ftyp, moov, Buffer.alloc(2_000_000, 1)]);
		const source = await openBinarySource(makeCtx({ data: { pieces: piecesOf(file, [50]), size: file.length, mimeType: 'video/mp4' } }), 0, 'data');
		expect(readMp4DurationSeconds(await source.head())).toBe(15.5);
		const { data } = await collect(source, planChunks(file.length));
		expect(data.equals(file)).toBe(true);
	});
});

// ---------------------------------------------------------------- downloads
interface Route {
	status?: number;
	headers?: Record<string, string>;
	body?: Buffer;
	chunked?: boolean;
}

describe('openDownloadSource', () => {
	let server: http.Server;
	let base: string;
	const routes = new Map<string, Route>();
	const seenHeaders: http.IncomingHttpHeaders[] = [];

	beforeAll(async () => {
		server = http.createServer((req, res) => {
			seenHeaders.push(req.headers);
			const route = routes.get(req.url!.split('?')[0]);
			if (!route) {
				res.writeHead(404);
				res.end('nope');
				return;
			}
			const headers: Record<string, string> = { ...(route.headers ?? {}) };
			if (route.body && !route.chunked) headers['content-length'] = String(route.body.length);
			res.writeHead(route.status ?? 200, headers);
			if (route.chunked && route.body) {
				res.write(route.body.subarray(0, 10));
				res.end(route.body.subarray(10));
			} else {
				res.end(route.body);
			}
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		server.closeAllConnections();
		await new Promise<void>((r) => server.close(() => r()));
	});

	const sandbox = { allowPrivateNetworks: true };

	it('streams a download with Content-Length through n8n-core httpRequest', async () => {
		const video = bytesStartingWith(MP4_HEAD, 7_000_000);
		routes.set('/v/clip.mp4', { body: video, headers: { 'content-type': 'application/octet-stream' } });
		const source = await openDownloadSource(makeCtx(), `${base}/v/clip.mp4?sig=1`, 0, sandbox);
		expect(source).toMatchObject({ size: 7_000_000, contentType: 'video/mp4', fileName: 'clip.mp4', origin: 'download' });
		const { data } = await collect(source, planChunks(source.size));
		expect(sha(data)).toBe(sha(video));
		expect(seenHeaders[seenHeaders.length - 1]['accept-encoding']).toBe('identity');
	});

	it('takes the content type from the response', async () => {
		routes.set('/v/noext', { body: bytesStartingWith(WEBM_HEAD, 2000), headers: { 'content-type': 'video/webm' } });
		const source = await openDownloadSource(makeCtx(), `${base}/v/noext`, 0, sandbox);
		expect(source.contentType).toBe('video/webm');
		source.close();
	});

	it('follows redirects, checking each hop', async () => {
		const video = bytesStartingWith(MP4_HEAD, 3000);
		routes.set('/r1', { status: 302, headers: { location: '/r2' } });
		routes.set('/r2', { status: 301, headers: { location: `${base}/final.mp4` } });
		routes.set('/final.mp4', { body: video, headers: { 'content-type': 'video/mp4' } });
		const source = await openDownloadSource(makeCtx(), `${base}/r1`, 0, sandbox);
		expect(source.fileName).toBe('final.mp4');
		const { data } = await collect(source, planChunks(source.size));
		expect(data.equals(video)).toBe(true);
	});

	it('stops after too many redirects', async () => {
		routes.set('/loop', { status: 302, headers: { location: '/loop' } });
		await expect(openDownloadSource(makeCtx(), `${base}/loop`, 0, sandbox)).rejects.toThrow(/redirected more than 5 times/);
	});

	it('requires Content-Length', async () => {
		routes.set('/chunked.mp4', { body: bytesStartingWith(MP4_HEAD, 3000), chunked: true, headers: { 'content-type': 'video/mp4' } });
		await expect(openDownloadSource(makeCtx(), `${base}/chunked.mp4`, 0, sandbox)).rejects.toThrow(
			/did not say how big the file is/,
		);
	});

	it('reports HTTP errors without the query', async () => {
		const error = await openDownloadSource(makeCtx(), `${base}/missing.mp4?token=SECRET`, 0, sandbox).catch((e: Error) => e);
		expect((error as Error).message).toMatch(/failed with HTTP 404/);
		expect((error as Error).message).not.toContain('SECRET');
	});

	it('rejects a non-video body and an empty file', async () => {
		routes.set('/page.mp4', { body: Buffer.from('<!DOCTYPE html><html><body>login</body></html>'), headers: { 'content-type': 'video/mp4' } });
		await expect(openDownloadSource(makeCtx(), `${base}/page.mp4`, 0, sandbox)).rejects.toThrow(/HTML page/);
		routes.set('/empty.mp4', { body: Buffer.alloc(0), headers: { 'content-type': 'video/mp4' } });
		await expect(openDownloadSource(makeCtx(), `${base}/empty.mp4`, 0, sandbox)).rejects.toThrow(/empty/);
		routes.set('/pic.png', { body: bytesStartingWith(PNG_HEAD, 100), headers: { 'content-type': 'image/png' } });
		await expect(openDownloadSource(makeCtx(), `${base}/pic.png`, 0, sandbox)).rejects.toThrow(/not a video TikTok accepts/);
	});

	it('rejects private URLs and private redirect targets unless private networks are allowed', async () => {
		await expect(openDownloadSource(makeCtx(), `${base}/v/clip.mp4`, 0, { allowPrivateNetworks: false })).rejects.toThrow(/https/);
		const calls: string[] = [];
		const stub = async (opts: IHttpRequestOptions) => {
			calls.push(opts.url);
			expect(opts.disableFollowRedirect).toBe(true);
			return { statusCode: 302, headers: { location: 'https://169.254.169.254/latest/meta-data' }, body: Readable.from([]) };
		};
		await expect(
			openDownloadSource(makeCtx({}, stub), 'https://cdn.example.com/v.mp4', 0, { allowPrivateNetworks: false }),
		).rejects.toThrow(/link-local/);
		expect(calls).toEqual(['https://cdn.example.com/v.mp4']);
		const downgrade = async () => ({ statusCode: 302, headers: { location: 'http://cdn.example.com/v.mp4' }, body: null });
		await expect(
			openDownloadSource(makeCtx({}, downgrade), 'https://cdn.example.com/v.mp4', 0, { allowPrivateNetworks: false }),
		).rejects.toThrow(/uses http:\/\//);
	});

	it('rejects compressed responses', async () => {
		const stub = async () => ({
			statusCode: 200,
			headers: { 'content-length': '100', 'content-encoding': 'gzip', 'content-type': 'video/mp4' },
			body: Readable.from([Buffer.alloc(100)]),
		});
		await expect(openDownloadSource(makeCtx({}, stub), 'https://cdn.example.com/v.mp4', 0, { allowPrivateNetworks: false })).rejects.toThrow(
			/compressed \(gzip\)/,
		);
	});

	it('turns an aborted download into an AbortError', async () => {
		const controller = new AbortController();
		controller.abort();
		const error = await openDownloadSource(makeCtx(), `${base}/v/clip.mp4`, 0, { ...sandbox, signal: controller.signal }).catch((e: Error) => e);
		expect((error as Error).name).toBe('AbortError');
	});
});
