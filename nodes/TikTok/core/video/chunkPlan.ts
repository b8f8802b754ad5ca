/**
 * Pure chunk planning for TikTok's FILE_UPLOAD (see docs/ARCHITECTURE.md "Chunk plan" and
 * docs/tiktok-api.md §4). "MB" in parameters means 1,000,000 bytes; chunk sizes stay within the range
 * that satisfies both the decimal and the binary reading of TikTok's "5 MB – 64 MB".
 */
import { formatBytes } from '../tiktok/wording';

/** 5 MiB: the smallest chunk TikTok accepts (and the threshold under which a file must be one chunk). */
export const MIN_CHUNK_SIZE = 5_242_880;
/** 64,000,000 bytes: the largest chunk (and the largest single-chunk upload). */
export const MAX_CHUNK_SIZE = 64_000_000;
/** The last chunk may absorb the remainder up to this many bytes. */
export const MAX_LAST_CHUNK_SIZE = 128_000_000;
/**
 * Auto plan: videos up to this size go in ONE request (TikTok allows a single chunk up to 64 MB, and
 * single-request uploads kept working while TikTok refused multi-chunk ones, docs/tiktok-api.md G14). The node then
 * holds up to this many bytes in memory for the request.
 */
export const AUTO_SINGLE_REQUEST_MAX = MAX_CHUNK_SIZE;
/**
 * Auto plan for larger videos: chunks of 32,000,000 bytes, so every request of the Auto plan, the last
 * one included (it takes the remainder, under twice the chunk size), stays under 64,000,000 bytes,
 * the same memory ceiling as a single request, with few requests.
 */
export const AUTO_CHUNK_SIZE = 32_000_000;
/** Largest video TikTok accepts: 4 GB. */
export const MAX_VIDEO_SIZE = 4_000_000_000;
/** TikTok accepts 1 to 1000 chunks. */
export const MAX_CHUNK_COUNT = 1000;

export interface PlannedChunk {
	index: number;
	start: number;
	/** inclusive */
	end: number;
	length: number;
}

export interface ChunkPlan {
	videoSize: number;
	chunkSize: number;
	totalChunkCount: number;
	chunks: PlannedChunk[];
}

/**
 * Converts a "MB" parameter (1 MB = 1,000,000 bytes) into a chunk size in bytes. The parameter must
 * be from 5 to 64; the result is then kept within TikTok's strict range [5,242,880, 64,000,000]
 * (5 MB reads as 5 MiB, TikTok's binary reading of its own minimum). Anything else is refused.
 */
export function chunkSizeFromMegabytes(mb: number): number {
	if (typeof mb !== 'number' || !Number.isFinite(mb)) {
		throw new Error(
			// Objects and arrays shown as JSON: "[object Object]" would not tell the user what they set.
			`The chunk size must be a number of megabytes (1 MB = 1,000,000 bytes), got ${typeof mb === 'object' && mb !== null ? JSON.stringify(mb) : `"${String(mb)}"`}`,
		);
	}
	if (mb < 5 || mb > 64) {
		throw new Error(
			`The chunk size must be from 5 to 64 MB (TikTok's limits for one upload request), got ${mb} MB`,
		);
	}
	const bytes = Math.round(mb * 1_000_000);
	return Math.min(MAX_CHUNK_SIZE, Math.max(MIN_CHUNK_SIZE, bytes));
}

/**
 * Plans the chunks TikTok expects for a video of `videoSize` bytes.
 *
 * - Auto (no `preferredChunkSize`): size <= 64,000,000 -> one request; larger -> chunks of 32,000,000
 *   (every request under 64,000,000 bytes).
 * - size <= preferred chunk size (or < 5 MiB): one chunk, chunkSize = size.
 * - otherwise count = floor(size / chunkSize) and the last chunk takes the remainder;
 *   if that gives one chunk: size <= 64,000,000 -> a single chunk, else two chunks of floor(size / 2).
 */
export function planChunks(videoSize: number, preferredChunkSize?: number): ChunkPlan {
	if (preferredChunkSize === undefined) {
		preferredChunkSize = videoSize <= AUTO_SINGLE_REQUEST_MAX ? MAX_CHUNK_SIZE : AUTO_CHUNK_SIZE;
	}
	if (typeof videoSize !== 'number' || !Number.isSafeInteger(videoSize) || videoSize <= 0) {
		throw new Error(
			`The video size must be a whole number of bytes greater than 0, got "${String(videoSize)}"`,
		);
	}
	if (videoSize > MAX_VIDEO_SIZE) {
		throw new Error(
			`The video is ${formatBytes(videoSize)}, larger than TikTok's limit of ${formatBytes(MAX_VIDEO_SIZE)} (4 GB). Use a smaller or shorter video`,
		);
	}
	if (
		typeof preferredChunkSize !== 'number' ||
		!Number.isSafeInteger(preferredChunkSize) ||
		preferredChunkSize < MIN_CHUNK_SIZE ||
		preferredChunkSize > MAX_CHUNK_SIZE
	) {
		throw new Error(
			`The chunk size must be a whole number of bytes between ${formatBytes(MIN_CHUNK_SIZE)} and ${formatBytes(MAX_CHUNK_SIZE)}, got "${String(preferredChunkSize)}"`,
		);
	}

	if (videoSize <= preferredChunkSize || videoSize < MIN_CHUNK_SIZE) {
		return single(videoSize);
	}

	let chunkSize = preferredChunkSize;
	let count = Math.floor(videoSize / chunkSize);
	if (count === 1) {
		if (videoSize <= MAX_CHUNK_SIZE) return single(videoSize);
		chunkSize = Math.floor(videoSize / 2);
		count = 2;
	}
	if (count > MAX_CHUNK_COUNT) {
		// Cannot happen with the limits above (4 GB / 5 MiB = 763), kept as a guard.
		throw new Error(
			`The video would need ${count} chunks, more than TikTok's limit of ${MAX_CHUNK_COUNT}. Use a larger chunk size`,
		);
	}

	const chunks: PlannedChunk[] = [];
	for (let index = 0; index < count; index++) {
		const start = index * chunkSize;
		const end = index === count - 1 ? videoSize - 1 : start + chunkSize - 1;
		chunks.push({ index, start, end, length: end - start + 1 });
	}
	const last = chunks[chunks.length - 1];
	if (last.length > MAX_LAST_CHUNK_SIZE) {
		// Cannot happen either (last < 2 * chunkSize <= 128,000,000), kept as a guard.
		throw new Error(
			`The last chunk would be ${formatBytes(last.length)}, more than TikTok's limit of ${formatBytes(MAX_LAST_CHUNK_SIZE)}`,
		);
	}
	return { videoSize, chunkSize, totalChunkCount: count, chunks };
}

/** The one-request plan of a video that fits in one request (<= 64,000,000 bytes); undefined when it does not. */
export function singleRequestPlan(videoSize: number): ChunkPlan | undefined {
	return videoSize > 0 && videoSize <= AUTO_SINGLE_REQUEST_MAX ? single(videoSize) : undefined;
}

function single(videoSize: number): ChunkPlan {
	return {
		videoSize,
		chunkSize: videoSize,
		totalChunkCount: 1,
		chunks: [{ index: 0, start: 0, end: videoSize - 1, length: videoSize }],
	};
}
