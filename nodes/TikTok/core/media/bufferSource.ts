/** A video source over a Buffer in memory (n8n's in-memory binary mode): chunks are views, no copy. */
import { bufferReader, type ForwardReader } from './moovAtEnd';
import { assertPlanFits, HEAD_BYTES, type ChunkLayout, type SourceChunk, type SourceMeta, type VideoSource, type VideoSourceStats } from './videoSource';

export class BufferVideoSource implements VideoSource {
	readonly size: number;
	contentType: string;
	readonly fileName?: string;
	readonly origin = 'binary' as const;
	readonly stats: VideoSourceStats = { largestAllocation: 0, allocations: 0 };
	private started = false;

	constructor(
		meta: Pick<SourceMeta, 'contentType' | 'fileName'>,
		private buffer: Buffer,
	) {
		this.size = buffer.length;
		this.contentType = meta.contentType;
		this.fileName = meta.fileName;
	}

	async head(): Promise<Buffer> {
		return this.buffer.subarray(0, Math.min(HEAD_BYTES, this.size));
	}

	async *chunks(plan: ChunkLayout): AsyncGenerator<SourceChunk> {
		assertPlanFits(plan, this.size);
		if (this.started) throw new Error('The video can only be read once');
		this.started = true;
		for (const c of plan.chunks) {
			yield { index: c.index, start: c.start, end: c.end, data: this.buffer.subarray(c.start, c.end + 1) };
		}
	}

	readerAt(): ForwardReader {
		return bufferReader(this.buffer);
	}

	close(): void {
		this.buffer = Buffer.alloc(0);
	}
}
