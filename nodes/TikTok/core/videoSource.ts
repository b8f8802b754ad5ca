/**
 * Sized, forward-only sources of video bytes: an n8n binary (streamed when it has an id, else the
 * in-memory buffer) or an https download. The bytes are cut into exactly the chunks of a ChunkPlan:
 * one Buffer of the largest chunk's length is allocated once and reused for every chunk, the incoming
 * pieces are copied into it (a piece spanning two chunks is split with subarray, no copy), so memory
 * stays at about one chunk plus one piece. A stream that ends early or gives more bytes than declared is an error.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { largestChunkLength, type ChunkPlan } from './chunkPlan';
import { checkVideoBytes, resolveVideoContentType, type VideoContentType } from './mediaType';
import { assertDownloadableUrl, redactUrl, tryParseUrl } from './urlSafety';

/** How many bytes `head()` returns at most (for MP4 duration and file type sniffing). */
export const HEAD_BYTES = 1_048_576;
/** Read hint passed to getBinaryStream (n8n may use it as the read buffer size). */
export const BINARY_READ_HINT = 1_048_576;
/** Redirects followed by a download (each hop is checked again). */
export const MAX_DOWNLOAD_REDIRECTS = 5;

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
	chunks(plan: ChunkPlan): AsyncGenerator<SourceChunk>;
	/** The first up to 1 MiB of the file; buffered and replayed, so the stream is read once. */
	head(): Promise<Buffer>;
	/** Releases the underlying stream. Safe to call more than once. */
	close(): void;
	readonly stats?: VideoSourceStats;
}

/** Anything a Readable offers that we use; typed structurally (runtime code may not import `stream`). */
interface ByteStream {
	[Symbol.asyncIterator](): AsyncIterator<unknown>;
	destroy?: (error?: Error) => unknown;
}

function toBuffer(value: unknown): Buffer {
	if (Buffer.isBuffer(value)) return value;
	if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
	if (typeof value === 'string') return Buffer.from(value);
	throw new Error('The video stream produced something other than bytes');
}

function bytes(n: number): string {
	return `${n.toLocaleString('en-US')} bytes`;
}

function checkPlan(plan: ChunkPlan, size: number): void {
	if (plan.videoSize !== size) {
		throw new Error(
			`The chunk plan is for ${bytes(plan.videoSize)} but the video is ${bytes(size)}`,
		);
	}
}

/** The error as a `cause`, unless it is an HTTP client error (those carry the request URL and headers). */
function safeCause(error: unknown): unknown {
	if (error && typeof error === 'object' && ('config' in error || 'request' in error || 'response' in error)) {
		return undefined;
	}
	return error;
}

function errorText(error: unknown): string {
	if (error && typeof error === 'object') {
		const e = error as { code?: unknown; message?: unknown };
		const code = typeof e.code === 'string' ? e.code : '';
		const message = typeof e.message === 'string' ? e.message : '';
		return [code, message].filter(Boolean).join(': ') || 'unknown error';
	}
	return String(error);
}

interface SourceMeta {
	size: number;
	contentType: VideoContentType;
	fileName?: string;
	origin: 'binary' | 'download';
	/** e.g. 'The binary field "data"' — used at the start of error messages. */
	label: string;
}

/** A source backed by a forward-only stream of pieces. */
class StreamVideoSource implements VideoSource {
	readonly size: number;
	contentType: string;
	readonly fileName?: string;
	readonly origin: 'binary' | 'download';
	readonly stats: VideoSourceStats = { largestAllocation: 0, allocations: 0 };

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
		if (!result) {
			throw new Error(
				`Reading ${this.label.replace(/^The /, 'the ')} failed after ${bytes(this.bytesRead)} of ${bytes(this.size)} (${errorText(failure)})`,
				{ cause: safeCause(failure) },
			);
		}
		if (result.done) {
			this.streamEnded = true;
			return undefined;
		}
		const piece = toBuffer(result.value);
		this.bytesRead += piece.length;
		if (this.bytesRead > this.size) {
			throw new Error(
				`${this.label} has more bytes than its declared size of ${bytes(this.size)}. The file changed or its size is wrong; use the file again from its source`,
			);
		}
		return piece;
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

	async *chunks(plan: ChunkPlan): AsyncGenerator<SourceChunk> {
		checkPlan(plan, this.size);
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
							`${this.label} ended after ${bytes(chunk.start + filled)}, but its size was given as ${bytes(this.size)}. The file is incomplete or its size is wrong`,
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
		if (extra > 0) {
			throw new Error(
				`${this.label} has more bytes than its declared size of ${bytes(this.size)}. The file changed or its size is wrong; use the file again from its source`,
			);
		}
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

/** A source backed by a Buffer in memory (n8n's in-memory binary mode). */
class BufferVideoSource implements VideoSource {
	readonly size: number;
	contentType: string;
	readonly fileName?: string;
	readonly origin = 'binary' as const;
	readonly stats: VideoSourceStats = { largestAllocation: 0, allocations: 0 };
	private started = false;

	constructor(
		meta: SourceMeta,
		private buffer: Buffer,
	) {
		this.size = buffer.length;
		this.contentType = meta.contentType;
		this.fileName = meta.fileName;
	}

	async head(): Promise<Buffer> {
		return this.buffer.subarray(0, Math.min(HEAD_BYTES, this.size));
	}

	async *chunks(plan: ChunkPlan): AsyncGenerator<SourceChunk> {
		checkPlan(plan, this.size);
		if (this.started) throw new Error('The video can only be read once');
		this.started = true;
		for (const c of plan.chunks) {
			yield { index: c.index, start: c.start, end: c.end, data: this.buffer.subarray(c.start, c.end + 1) };
		}
	}

	close(): void {
		this.buffer = Buffer.alloc(0);
	}
}

/** Checks the first bytes; closes the source when they are not a video. */
async function checkHead(source: VideoSource, declared: VideoContentType, label: string): Promise<void> {
	let ok = false;
	try {
		source.contentType = checkVideoBytes(await source.head(), declared, label);
		ok = true;
	} finally {
		if (!ok) source.close();
	}
}

function cancelledDownload(cause: unknown): Error {
	const error = new Error('The download of the video was cancelled', { cause: safeCause(cause) });
	error.name = 'AbortError';
	return error;
}

function validSize(n: unknown): n is number {
	return typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
}

/**
 * Opens the video held in the item's binary field `binaryPropertyName`. Streams it when it is stored
 * outside the item (binary has an id: filesystem/database/S3 mode), else uses the in-memory buffer.
 * Throws (before anything is sent) when the field is missing or empty, its size is unknown, or it is
 * not an MP4/MOV/WebM video (by MIME type/extension and by its first bytes).
 */
export async function openBinarySource(
	ctx: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
): Promise<VideoSource> {
	const name = (binaryPropertyName ?? '').trim();
	if (!name) {
		throw new Error('No input binary field name is set. Enter the name of the binary field that holds the video, e.g. "data"');
	}
	const binary: IBinaryData = ctx.helpers.assertBinaryData(itemIndex, name);
	const label = `The binary field "${name}"`;
	const fileName = binary.fileName;

	if (binary.id) {
		const meta = await ctx.helpers.getBinaryMetadata(binary.id);
		const size = validSize(meta.fileSize) ? meta.fileSize : binary.bytes;
		if (size === 0 || meta.fileSize === 0) {
			throw new Error(`${label} is empty (0 bytes). Check the node that produced the video`);
		}
		if (!validSize(size)) {
			throw new Error(`${label} has an unknown size, so the upload cannot be planned. Check the node that produced the video`);
		}
		const contentType = resolveVideoContentType({
			mimeType: meta.mimeType ?? binary.mimeType,
			fileName: meta.fileName ?? fileName,
			fileExtension: binary.fileExtension,
		});
		const stream = (await ctx.helpers.getBinaryStream(binary.id, BINARY_READ_HINT)) as unknown as ByteStream;
		const source = new StreamVideoSource(
			{ size, contentType, fileName: meta.fileName ?? fileName, origin: 'binary', label },
			stream,
		);
		await checkHead(source, contentType, label);
		return source;
	}

	const contentType = resolveVideoContentType({
		mimeType: binary.mimeType,
		fileName,
		fileExtension: binary.fileExtension,
	});
	const buffer = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
	if (!buffer || buffer.length === 0) {
		throw new Error(`${label} is empty (0 bytes). Check the node that produced the video`);
	}
	const source = new BufferVideoSource({ size: buffer.length, contentType, fileName, origin: 'binary', label }, buffer);
	source.contentType = checkVideoBytes(await source.head(), contentType, label);
	return source;
}

interface FullResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const value = headers[name] ?? headers[name.toLowerCase()];
	if (value === undefined || value === null) return undefined;
	if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
	return String(value);
}

function discard(body: unknown): void {
	const b = body as { destroy?: () => void } | null;
	if (b && typeof b === 'object' && typeof b.destroy === 'function') {
		try {
			b.destroy();
		} catch {
			// ignore
		}
	}
}

function fileNameFromUrl(u: URL): string | undefined {
	const last = u.pathname.split('/').filter(Boolean).pop();
	if (!last) return undefined;
	try {
		return decodeURIComponent(last);
	} catch {
		return last;
	}
}

/**
 * Downloads the video from an https URL as a stream (nothing is written to disk). The URL and every
 * redirect hop are checked with assertDownloadableUrl (redirects are followed by hand, at most 5).
 * The server must answer 200 with a Content-Length; the content type comes from the response or the
 * URL's extension and is checked against the first bytes.
 */
export async function openDownloadSource(
	ctx: IExecuteFunctions,
	url: string,
	itemIndex: number,
	options: { allowPrivateNetworks: boolean; signal?: AbortSignal },
): Promise<VideoSource> {
	void itemIndex;
	let current = assertDownloadableUrl(url, options);
	let response: FullResponse | undefined;
	for (let hop = 0; ; hop++) {
		const shown = redactUrl(current);
		let failure: unknown;
		response = undefined;
		try {
			response = (await ctx.helpers.httpRequest({
				method: 'GET',
				url: current.href,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				headers: { 'accept-encoding': 'identity' },
				...(options.signal ? { abortSignal: options.signal } : {}),
			})) as FullResponse;
		} catch (error) {
			failure = error ?? new Error('unknown error');
		}
		if (failure !== undefined || !response) {
			if (options.signal?.aborted) throw cancelledDownload(failure);
			throw new Error(`Could not download the video from "${shown}" (${errorText(failure)}). Check that the URL is reachable`, {
				cause: safeCause(failure),
			});
		}
		const status = response.statusCode;
		if (status >= 300 && status < 400) {
			discard(response.body);
			const location = header(response.headers, 'location');
			if (!location) {
				throw new Error(`The server answered HTTP ${status} for "${shown}" without saying where the file is. Use the final URL of the file`);
			}
			if (hop >= MAX_DOWNLOAD_REDIRECTS) {
				throw new Error(`The video URL "${redactUrl(url)}" redirected more than ${MAX_DOWNLOAD_REDIRECTS} times. Use the final URL of the file`);
			}
			const next = tryParseUrl(location, current);
			if (!next) {
				throw new Error(`The server at "${shown}" redirected to an invalid address. Use the final URL of the file`);
			}
			current = assertDownloadableUrl(next.href, options);
			continue;
		}
		if (status !== 200) {
			discard(response.body);
			const hint =
				status === 401 || status === 403
					? 'The link needs a login or has expired; use a public or freshly signed link'
					: status === 404 || status === 410
						? 'The file is not there; check the URL'
						: 'Check that the URL is right and the server is up';
			throw new Error(`Downloading the video from "${shown}" failed with HTTP ${status}. ${hint}`);
		}
		break;
	}

	const shown = redactUrl(current);
	const encoding = header(response.headers, 'content-encoding');
	if (encoding && encoding.toLowerCase() !== 'identity') {
		discard(response.body);
		throw new Error(`The server at "${shown}" sent the video compressed (${encoding}), so its size is not known. Use a URL that serves the file as-is`);
	}
	const lengthText = header(response.headers, 'content-length');
	const size = lengthText !== undefined && /^\d+$/.test(lengthText.trim()) ? Number(lengthText.trim()) : undefined;
	if (size === undefined || !Number.isSafeInteger(size)) {
		discard(response.body);
		throw new Error(`The server at "${shown}" did not say how big the file is (no Content-Length), which TikTok's upload needs. Use a direct link to the file (for example a storage or CDN URL)`);
	}
	if (size === 0) {
		discard(response.body);
		throw new Error(`The file at "${shown}" is empty (0 bytes). Check the URL`);
	}
	const fileName = fileNameFromUrl(current);
	let contentType: VideoContentType | undefined;
	try {
		contentType = resolveVideoContentType({ mimeType: header(response.headers, 'content-type'), fileName });
	} finally {
		if (!contentType) discard(response.body);
	}
	const body = response.body as ByteStream | null;
	if (!body || typeof body[Symbol.asyncIterator] !== 'function') {
		throw new Error(`The download from "${shown}" did not return a stream`);
	}
	const label = `The file at "${shown}"`;
	const source = new StreamVideoSource({ size, contentType, fileName, origin: 'download', label }, body);
	await checkHead(source, contentType, label);
	return source;
}
