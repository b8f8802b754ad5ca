/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
import fc from 'fast-check';

import { openBinarySource } from '../../nodes/TikTok/core/media/binarySource';
import { planChunks } from '../../nodes/TikTok/core/video/chunkPlan';
import { readMp4DurationSeconds } from '../../nodes/TikTok/core/media/mp4';
import { HEAD_BYTES } from '../../nodes/TikTok/core/media/videoSource';
import { bytesStartingWith, collect, makeCtx, MP4_HEAD, piecesOf, PNG_HEAD, sha } from './sourceFixtures';

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
