/**
 * The contract every video source meets: a sized, forward-only source of video bytes, cut into
 * exactly the chunks it is given (a ChunkLayout; video/chunkPlan.ts's plans are ones).
 * Implementations: streamSource.ts (a stream of pieces: n8n's binary stream or a download) and
 * bufferSource.ts (n8n's in-memory binary). Opened by binarySource.ts (an item's binary field) and
 * download.ts (a URL).
 */
import { formatBytes } from '../tiktok/wording';
import { checkVideoBytes, type VideoContentType } from './mediaType';
import type { ForwardReader } from './moovAtEnd';

/** How many bytes `head()` returns at most (for MP4 duration and file type sniffing). */
export const HEAD_BYTES = 1_048_576;

/**
 * Where each chunk starts and ends, in order: what a source needs to cut the video. The chunk plan
 * (video/chunkPlan.ts) says where; the sources only follow it, so they need not know TikTok's rules.
 */
export interface ChunkLayout {
	videoSize: number;
	chunks: ReadonlyArray<{ index: number; start: number; end: number; length: number }>;
}

export interface SourceChunk {
	index: number;
	start: number;
	end: number;
	data: Buffer;
}

export interface VideoSourceStats {
	/** Size in bytes of the largest Buffer this source allocated (not counting subarray views). */
	largestAllocation: number;
	/** Number of Buffers this source allocated. */
	allocations: number;
}

export interface VideoSource {
	size: number;
	contentType: string;
	fileName?: string;
	origin: 'binary' | 'download';
	/**
	 * Yields the plan's chunks in order. Can be iterated once (forward-only). A chunk's `data` may be
	 * overwritten by the next chunk: use it (send it, retry it) before asking for the next one.
	 */
	chunks(plan: ChunkLayout): AsyncGenerator<SourceChunk>;
	/** The first up to 1 MiB of the file; buffered and replayed, so the stream is read once. */
	head(): Promise<Buffer>;
	/** Releases the underlying stream. Safe to call more than once. */
	close(): void;
	/**
	 * A second, forward-only reader of the same file at any offset (to read a header at its end
	 * before the upload), or why there is none. Undefined: none.
	 */
	readerAt?(): ForwardReader | string;
	readonly stats?: VideoSourceStats;
}

/** What the opener knows about the video before reading it. */
export interface SourceMeta {
	size: number;
	contentType: VideoContentType;
	fileName?: string;
	origin: 'binary' | 'download';
	/** e.g. 'The binary field "data"' — used at the start of error messages. */
	label: string;
	/** see VideoSource.readerAt */
	readerAt?: () => ForwardReader | string;
}

/** A plan made for another size would cut the video wrong. */
export function assertPlanFits(plan: ChunkLayout, size: number): void {
	if (plan.videoSize !== size) {
		throw new Error(
			`The chunk plan is for ${formatBytes(plan.videoSize)} but the video is ${formatBytes(size)}`,
		);
	}
}

/** The length of the largest chunk of a layout (a plan's last chunk absorbs the remainder). */
export function largestChunkLength(plan: ChunkLayout): number {
	let max = 0;
	for (const c of plan.chunks) if (c.length > max) max = c.length;
	return max;
}

/** Checks the first bytes against the declared type (and keeps the sniffed type); closes the source when they are not a video. */
export async function checkHead(source: VideoSource, declared: VideoContentType, label: string): Promise<void> {
	let ok = false;
	try {
		source.contentType = checkVideoBytes(await source.head(), declared, label);
		ok = true;
	} finally {
		if (!ok) source.close();
	}
}
