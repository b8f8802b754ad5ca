/**
 * A video source over a forward-only stream of pieces (n8n's binary stream, or a download's body).
 * The pieces are cut into exactly the chunks of a ChunkLayout: one Buffer of the largest chunk's
 * length is allocated once and reused for every chunk, the incoming pieces are copied into it (a
 * piece spanning two chunks is split with subarray, no copy), so memory stays at about one chunk
 * plus one piece. A stream that ends early or gives more bytes than declared is an error.
 */
import { errorText, safeCause } from '../http/failures';
import { formatBytes } from '../tiktok/wording';
import { FetchError } from './fetchGuard';
import type { ForwardReader } from './moovAtEnd';
import { assertPlanFits, HEAD_BYTES, largestChunkLength, type ChunkLayout, type SourceChunk, type SourceMeta, type VideoSource, type VideoSourceStats } from './videoSource';

/** Anything a Readable offers that we use; typed structurally (runtime code may not import `stream`). */
export interface ByteStream {
	[Symbol.asyncIterator](): AsyncIterator<unknown>;
	destroy?: (error?: Error) => unknown;
}

function toBuffer(value: unknown): Buffer {
	if (Buffer.isBuffer(value)) return value;
	if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
	if (typeof value === 'string') return Buffer.from(value);
	throw new Error('The video stream produced something other than bytes');
}

export class StreamVideoSource implements VideoSource {
	readonly size: number;
	contentType: string;
	readonly fileName?: string;
	readonly origin: 'binary' | 'download';
	readonly stats: VideoSourceStats = { largestAllocation: 0, allocations: 0 };
	readonly readerAt?: () => ForwardReader | string;

	private readonly label: string;
	private readonly iterator: AsyncIterator<unknown>;
	/** Pieces read for head(), replayed by chunks(). */
	private replay: Buffer[] = [];
	private headBuffer?: Buffer;
	private bytesRead = 0;
	private streamEnded = false;
	private started = false;
	private closed = false;

	constructor(
		meta: SourceMeta,
		private readonly stream: ByteStream,
	) {
		this.size = meta.size;
		this.contentType = meta.contentType;
		this.fileName = meta.fileName;
		this.origin = meta.origin;
		this.label = meta.label;
		this.readerAt = meta.readerAt;
		this.iterator = stream[Symbol.asyncIterator]();
	}

	private alloc(length: number): Buffer {
		this.stats.allocations++;
		if (length > this.stats.largestAllocation) this.stats.largestAllocation = length;
		return Buffer.allocUnsafe(length);
	}

	/** Next piece from the stream (not the replay queue); undefined at the end. */
	private async readPiece(): Promise<Buffer | undefined> {
		if (this.streamEnded) return undefined;
		if (this.closed) throw new Error(`${this.label} was closed before it was read to the end`);
		let result: IteratorResult<unknown> | undefined;
		let failure: unknown;
		try {
			result = await this.iterator.next();
		} catch (error) {
			failure = error ?? new Error('unknown error');
		}
		// a download's limits (stall, deadline, cancel) already say where and how far
		if (failure instanceof FetchError) throw failure;
		if (!result) {
			throw new Error(
				`Reading ${this.label.replace(/^The /, 'the ')} failed after ${formatBytes(this.bytesRead)} of ${formatBytes(this.size)} (${errorText(failure)})`,
				{ cause: safeCause(failure) },
			);
		}
		if (result.done) {
			this.streamEnded = true;
			return undefined;
		}
		const piece = toBuffer(result.value);
		this.bytesRead += piece.length;
		if (this.bytesRead > this.size) throw this.tooLong();
		return piece;
	}

	private tooLong(): Error {
		return new Error(
			`${this.label} has more bytes than its declared size of ${formatBytes(this.size)}. The file changed or its size is wrong; use the file again from its source`,
		);
	}

	private async nextPiece(): Promise<Buffer | undefined> {
		const queued = this.replay.shift();
		if (queued) return queued;
		return await this.readPiece();
	}

	async head(): Promise<Buffer> {
		if (this.headBuffer) return this.headBuffer;
		if (this.started) throw new Error('head() must be called before chunks()');
		const wanted = Math.min(HEAD_BYTES, this.size);
		let have = 0;
		while (have < wanted) {
			const piece = await this.readPiece();
			if (!piece) break;
			if (piece.length) this.replay.push(piece);
			have += piece.length;
		}
		const length = Math.min(have, wanted);
		const head = this.alloc(length);
		let offset = 0;
		for (const piece of this.replay) {
			if (offset >= length) break;
			offset += piece.copy(head, offset, 0, Math.min(piece.length, length - offset));
		}
		this.headBuffer = head;
		return head;
	}

	async *chunks(plan: ChunkLayout): AsyncGenerator<SourceChunk> {
		assertPlanFits(plan, this.size);
		if (this.started) throw new Error(`${this.label} can only be read once`);
		this.started = true;
		let pending: Buffer | undefined;
		// ONE buffer, sized for the largest chunk, is reused for every chunk that needs copying: a fresh
		// buffer per chunk is garbage V8 frees late (it doubled peak RSS in the benchmark). The consumer
		// (upload.ts) finishes with a chunk, retries included, before asking for the next one, so
		// `SourceChunk.data` only needs to stay valid until then.
		let reusable: Buffer | undefined;
		for (const chunk of plan.chunks) {
			let data: Buffer | undefined;
			let filled = 0;
			while (filled < chunk.length) {
				if (!pending || pending.length === 0) {
					pending = await this.nextPiece();
					if (!pending) {
						throw new Error(
							`${this.label} ended after ${formatBytes(chunk.start + filled)}, but its size was given as ${formatBytes(this.size)}. The file is incomplete or its size is wrong`,
						);
					}
					continue;
				}
				if (!data && pending.length >= chunk.length) {
					// The whole chunk is inside one piece: use a view, no copy.
					data = pending.subarray(0, chunk.length);
					pending = pending.subarray(chunk.length);
					filled = chunk.length;
					break;
				}
				reusable ??= this.alloc(largestChunkLength(plan));
				data ??= reusable.subarray(0, chunk.length);
				const take = Math.min(chunk.length - filled, pending.length);
				pending.copy(data, filled, 0, take);
				filled += take;
				pending = take === pending.length ? undefined : pending.subarray(take);
			}
			if (chunk.index === plan.chunks[plan.chunks.length - 1].index) {
				// The stream must be at its end BEFORE the last chunk goes out: after TikTok's 201 the video
				// is complete and will be posted, too late to refuse a source longer than declared.
				await this.assertAtEnd(pending);
			}
			yield { index: chunk.index, start: chunk.start, end: chunk.end, data: data ?? this.alloc(0) };
		}
		this.close();
	}

	/** Everything planned has been read: the stream must be at its end. */
	private async assertAtEnd(pending: Buffer | undefined): Promise<void> {
		while (pending?.length === 0) pending = undefined;
		let extra = pending?.length ?? 0;
		while (extra === 0) {
			const piece = await this.nextPiece();
			if (!piece) break;
			extra += piece.length;
		}
		if (extra > 0) throw this.tooLong();
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		this.replay = [];
		try {
			this.stream.destroy?.();
		} catch {
			// already destroyed
		}
		const done = this.iterator.return?.();
		if (done && typeof (done as Promise<unknown>).catch === 'function') {
			(done as Promise<unknown>).catch(() => undefined);
		}
	}
}
