import fc from 'fast-check';
import type { INodeProperties } from 'n8n-workflow';

import {
	AUTO_SINGLE_REQUEST_MAX,
	MAX_CHUNK_COUNT,
	MAX_CHUNK_SIZE,
	MAX_LAST_CHUNK_SIZE,
	MAX_VIDEO_SIZE,
	MIN_CHUNK_SIZE,
	chunkSizeFromMegabytes,
	planChunks,
	singleRequestPlan,
	type ChunkPlan,
} from '../../nodes/TikTok/core/video/chunkPlan';
import { largestChunkLength } from '../../nodes/TikTok/core/media/videoSource';
import { TikTokPublishVideo } from '../../nodes/TikTokPublishVideo/TikTokPublishVideo.node';
import { TikTokUploadVideo } from '../../nodes/TikTokUploadVideo/TikTokUploadVideo.node';

/** Returns the invariant violations of a plan (plain checks: `expect` per chunk is too slow here). */
function violations(plan: ChunkPlan, size: number): string[] {
	const v: string[] = [];
	const check = (ok: boolean, what: string) => {
		if (!ok) v.push(`${what} (size ${size}, chunkSize ${plan.chunkSize})`);
	};
	check(plan.videoSize === size, 'videoSize');
	check(plan.chunks.length === plan.totalChunkCount, 'chunks.length == totalChunkCount');
	check(plan.totalChunkCount >= 1 && plan.totalChunkCount <= MAX_CHUNK_COUNT, '1..1000 chunks');
	let next = 0;
	plan.chunks.forEach((c, i) => {
		check(c.index === i, `index ${i}`);
		check(c.start === next, `chunk ${i} contiguous`);
		check(c.length === c.end - c.start + 1 && c.length > 0, `chunk ${i} length`);
		if (i < plan.chunks.length - 1) check(c.length === plan.chunkSize, `chunk ${i} == chunkSize`);
		next = c.end + 1;
	});
	check(next === size, 'chunks cover [0, size)');
	const last = plan.chunks[plan.chunks.length - 1];
	check(last.length <= MAX_LAST_CHUNK_SIZE, 'last chunk <= 128,000,000');
	if (plan.totalChunkCount === 1) {
		check(plan.chunkSize === size, 'single chunk: chunkSize == size');
		check(size <= MAX_CHUNK_SIZE, 'single chunk <= 64,000,000');
	} else {
		check(plan.totalChunkCount === Math.floor(size / plan.chunkSize), 'count == floor(size / chunkSize)');
		check(plan.chunkSize >= MIN_CHUNK_SIZE && plan.chunkSize <= MAX_CHUNK_SIZE, 'chunkSize in range');
		check(size >= MIN_CHUNK_SIZE, 'multi-chunk only from 5 MiB');
	}
	return v;
}

function checkInvariants(plan: ChunkPlan, size: number): void {
	expect(violations(plan, size)).toEqual([]);
}

describe('planChunks', () => {
	it('matches the TikTok doc example: 50,000,123 B / 10,000,000 -> 5 chunks', () => {
		const plan = planChunks(50_000_123, 10_000_000);
		expect(plan.chunkSize).toBe(10_000_000);
		expect(plan.totalChunkCount).toBe(5);
		expect(plan.chunks[4]).toEqual({ index: 4, start: 40_000_000, end: 50_000_122, length: 10_000_123 });
		checkInvariants(plan, 50_000_123);
	});

	it('25,000,000 with 10 MB -> 2 chunks, last 15,000,000', () => {
		const plan = planChunks(25_000_000, 10_000_000);
		expect(plan.totalChunkCount).toBe(2);
		expect(plan.chunks.map((c) => c.length)).toEqual([10_000_000, 15_000_000]);
		expect(plan.chunks[1]).toMatchObject({ start: 10_000_000, end: 24_999_999 });
	});

	it('Auto (no chunk size): one request up to 64,000,000 bytes', () => {
		for (const size of [1, 5_242_879, 25_000_000, 30_000_000, 63_999_999, 64_000_000]) {
			const plan = planChunks(size);
			expect({ size, count: plan.totalChunkCount, chunkSize: plan.chunkSize }).toEqual({ size, count: 1, chunkSize: size });
			checkInvariants(plan, size);
		}
	});

	it('Auto: chunks of 32,000,000 bytes above 64,000,000, so every request stays under 64,000,000', () => {
		expect(planChunks(64_000_001)).toEqual(planChunks(64_000_001, 32_000_000));
		expect(planChunks(64_000_001).chunks.map((c) => c.length)).toEqual([32_000_000, 32_000_001]);
		const gib = planChunks(1_073_741_824);
		expect(gib).toMatchObject({ chunkSize: 32_000_000, totalChunkCount: 33 });
		expect(largestChunkLength(gib)).toBe(49_741_824);
		expect(largestChunkLength(planChunks(4_000_000_000))).toBeLessThan(64_000_000);
		expect(largestChunkLength(planChunks(127_999_999))).toBeLessThan(64_000_000);
	});

	it.each([
		['TikTok Publish Video', new TikTokPublishVideo()],
		['TikTok Upload Video', new TikTokUploadVideo()],
	])('%s: the Chunk Size option, added with its default, sends 10,000,000-byte chunks', (_name, node) => {
		const options = node.description.properties.find((p) => p.name === 'options')!.options as INodeProperties[];
		const chunkSizeMb = options.find((o) => o.name === 'chunkSizeMb')!.default as number;
		const plan = planChunks(25_000_000, chunkSizeFromMegabytes(chunkSizeMb));
		expect(plan.chunks.map((c) => c.length)).toEqual([10_000_000, 15_000_000]);
	});

	it('a chosen chunk size still splits a video Auto would send in one request', () => {
		expect(planChunks(25_000_000, 10_000_000).totalChunkCount).toBe(2);
	});

	it('Auto plans follow every TikTok rule for any size (property)', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: MAX_VIDEO_SIZE }), (size) => {
				const plan = planChunks(size);
				return (
					violations(plan, size).length === 0 &&
					(plan.totalChunkCount === 1) === (size <= AUTO_SINGLE_REQUEST_MAX) &&
					largestChunkLength(plan) <= AUTO_SINGLE_REQUEST_MAX
				);
			}),
			{ numRuns: 300 },
		);
	});

	it('singleRequestPlan: the one-request plan of a video up to 64,000,000 bytes, else undefined', () => {
		expect(singleRequestPlan(30_000_000)).toEqual(planChunks(30_000_000));
		expect(singleRequestPlan(64_000_000)?.totalChunkCount).toBe(1);
		expect(singleRequestPlan(64_000_001)).toBeUndefined();
		expect(singleRequestPlan(0)).toBeUndefined();
	});

	it('sends a file under 5 MiB as one chunk', () => {
		const plan = planChunks(5_242_879);
		expect(plan).toEqual({
			videoSize: 5_242_879,
			chunkSize: 5_242_879,
			totalChunkCount: 1,
			chunks: [{ index: 0, start: 0, end: 5_242_878, length: 5_242_879 }],
		});
	});

	it('sends 1 byte as one chunk', () => {
		expect(planChunks(1)).toEqual({
			videoSize: 1,
			chunkSize: 1,
			totalChunkCount: 1,
			chunks: [{ index: 0, start: 0, end: 0, length: 1 }],
		});
	});

	it('sends exactly 64,000,000 bytes as one chunk when the preferred size is at least that', () => {
		const plan = planChunks(64_000_000, 64_000_000);
		expect(plan.totalChunkCount).toBe(1);
		expect(plan.chunkSize).toBe(64_000_000);
	});

	it('uses one chunk between chunkSize and 2*chunkSize when the size is at most 64,000,000', () => {
		const plan = planChunks(15_000_000, 10_000_000);
		expect(plan.totalChunkCount).toBe(1);
		expect(plan.chunkSize).toBe(15_000_000);
		const max = planChunks(64_000_000, 40_000_000);
		expect(max.totalChunkCount).toBe(1);
	});

	it('splits in two halves above 64,000,000 when floor(size/chunkSize) is 1', () => {
		const plan = planChunks(100_000_000, 64_000_000);
		expect(plan.totalChunkCount).toBe(2);
		expect(plan.chunkSize).toBe(50_000_000);
		expect(plan.chunks.map((c) => c.length)).toEqual([50_000_000, 50_000_000]);
		const odd = planChunks(64_000_001, 40_000_000);
		expect(odd.chunkSize).toBe(32_000_000);
		expect(odd.chunks.map((c) => c.length)).toEqual([32_000_000, 32_000_001]);
		checkInvariants(odd, 64_000_001);
	});

	it('handles the largest video with the smallest chunk (under 1000 chunks)', () => {
		const plan = planChunks(MAX_VIDEO_SIZE, MIN_CHUNK_SIZE);
		expect(plan.totalChunkCount).toBe(Math.floor(MAX_VIDEO_SIZE / MIN_CHUNK_SIZE));
		checkInvariants(plan, MAX_VIDEO_SIZE);
	});

	it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects video size %p', (size) => {
		expect(() => planChunks(size)).toThrow(/video size/);
	});

	it('rejects videos over 4 GB', () => {
		expect(() => planChunks(MAX_VIDEO_SIZE + 1)).toThrow(/4 GB/);
		expect(() => planChunks(5_000_000_000)).toThrow(/larger than TikTok's limit/);
	});

	it.each([MIN_CHUNK_SIZE - 1, MAX_CHUNK_SIZE + 1, 6_000_000.5, Number.NaN])(
		'rejects preferred chunk size %p',
		(chunk) => {
			expect(() => planChunks(50_000_000, chunk)).toThrow(/chunk size/);
		},
	);

	it('has an invariant checker that catches broken plans', () => {
		const plan = planChunks(25_000_000, 10_000_000);
		const gap = { ...plan, chunks: plan.chunks.map((c, i) => (i === 1 ? { ...c, start: c.start + 1, length: c.length - 1 } : c)) };
		expect(violations(gap, 25_000_000).join()).toMatch(/contiguous/);
		expect(violations({ ...plan, totalChunkCount: 3 }, 25_000_000).length).toBeGreaterThan(0);
		expect(violations(plan, 25_000_001).join()).toMatch(/cover/);
	});

	it('keeps its invariants over many sizes and chunk sizes (loop)', () => {
		const chunkSizes = [MIN_CHUNK_SIZE, 6_000_000, 10_000_000, 32_000_000, 33_000_000, 50_000_000, MAX_CHUNK_SIZE];
		const sizes: number[] = [];
		for (let s = 1; s < 300_000_000; s = Math.floor(s * 1.37) + 1) sizes.push(s);
		for (const edge of [MIN_CHUNK_SIZE - 1, MIN_CHUNK_SIZE, MIN_CHUNK_SIZE + 1, 63_999_999, 64_000_000, 64_000_001, 127_999_999, 128_000_000, 128_000_001, MAX_VIDEO_SIZE]) {
			sizes.push(edge);
		}
		const problems: string[] = [];
		let plans = 0;
		for (const chunk of chunkSizes) {
			for (const size of sizes) {
				const plan = planChunks(size, chunk);
				plans++;
				problems.push(...violations(plan, size));
				if (size <= chunk && plan.totalChunkCount !== 1) problems.push(`size ${size} <= ${chunk} not single`);
				if (largestChunkLength(plan) !== Math.max(...plan.chunks.map((c) => c.length))) problems.push('largestChunkLength');
			}
		}
		expect(problems).toEqual([]);
		expect(plans).toBeGreaterThan(300);
	});

	it('keeps its invariants for random sizes (fast-check)', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: MAX_VIDEO_SIZE }),
				fc.integer({ min: MIN_CHUNK_SIZE, max: MAX_CHUNK_SIZE }),
				(size, chunk) => violations(planChunks(size, chunk), size).length === 0,
			),
			{ numRuns: 2000 },
		);
	});
});

describe('chunkSizeFromMegabytes', () => {
	it('converts decimal megabytes', () => {
		expect(chunkSizeFromMegabytes(10)).toBe(10_000_000);
		expect(chunkSizeFromMegabytes(12.5)).toBe(12_500_000);
		expect(chunkSizeFromMegabytes(64)).toBe(64_000_000);
	});

	it('reads 5 MB as 5 MiB, TikTok\'s strict minimum', () => {
		expect(chunkSizeFromMegabytes(5)).toBe(5_242_880);
		expect(chunkSizeFromMegabytes(5.2)).toBe(5_242_880);
	});

	it.each([4.99, 1, 0, -3, 64.5, 1000])('refuses %p MB, outside 5 to 64', (mb) => {
		expect(() => chunkSizeFromMegabytes(mb)).toThrow(/from 5 to 64 MB/);
	});

	it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('rejects %p', (mb) => {
		expect(() => chunkSizeFromMegabytes(mb)).toThrow(/chunk size/);
	});

	it('rejects non-numbers', () => {
		expect(() => chunkSizeFromMegabytes('10' as unknown as number)).toThrow(/chunk size/);
	});
});
