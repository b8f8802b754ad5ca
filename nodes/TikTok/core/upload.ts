/**
 * Sends the chunks of a FILE_UPLOAD to TikTok's pre-signed `upload_url` (tiktok-api.md §4): strictly
 * sequential PUTs with Content-Type, Content-Length and Content-Range, through the plain
 * `helpers.httpRequest` (the URL is pre-signed: no token is sent). 206 = next chunk, 201 = complete,
 * 5xx / dropped connection = retry the same chunk with exponential backoff, 416 = resume from the
 * server's Content-Range, 403 = URL expired. The upload URL's query (upload_token) never appears in
 * errors or logs.
 */
import { sleep, type IExecuteFunctions } from 'n8n-workflow';

import type { ChunkPlan } from './chunkPlan';
import { redactUrl } from './urlSafety';
import type { VideoSource } from './videoSource';

export interface UploadResult {
	bytesSent: number;
	chunksSent: number;
	retries: number;
}

export interface UploadArgs {
	uploadUrl: string;
	source: VideoSource;
	plan: ChunkPlan;
	itemIndex: number;
	signal?: AbortSignal;
	/** Retries of one chunk after a 5xx, 429 or dropped connection. Default 4. */
	maxRetriesPerChunk?: number;
	/** First retry delay; doubles for each further retry of the same chunk. Default 1000 ms. */
	retryBaseDelayMs?: number;
	/** Date.now() when init returned the upload URL (valid 1 hour). */
	uploadUrlIssuedAt: number;
	/**
	 * A PUT whose connection stays silent this long is treated as dropped and retried (socket idle
	 * timeout, not a limit on the whole transfer). Default 120,000 ms.
	 */
	idleTimeoutMs?: number;
}

/** The upload URL is valid for one hour; no chunk is started after this age. */
export const UPLOAD_URL_MAX_AGE_MS = 55 * 60 * 1000;
export const DEFAULT_MAX_RETRIES_PER_CHUNK = 4;
export const DEFAULT_RETRY_BASE_DELAY_MS = 1000;
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/**
 * The upload stopped. `bytesAccepted` = bytes TikTok confirmed; `chunkIndex` = the chunk being sent;
 * `retryable` = running the item again later (with a new init) may succeed (temporary server or
 * network trouble, expired URL), as opposed to a problem with the request or the file.
 */
export class UploadError extends Error {
	status?: number;
	bytesAccepted: number;
	chunkIndex: number;
	retryable: boolean;

	constructor(
		message: string,
		details: { status?: number; bytesAccepted: number; chunkIndex: number; retryable: boolean },
		options?: { cause?: unknown },
	) {
		super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
		this.name = 'UploadError';
		this.status = details.status;
		this.bytesAccepted = details.bytesAccepted;
		this.chunkIndex = details.chunkIndex;
		this.retryable = details.retryable;
	}
}

/** The execution was cancelled (abort signal) during the upload. */
export class UploadCancelledError extends Error {
	bytesAccepted: number;
	chunkIndex: number;

	constructor(details: { bytesAccepted: number; chunkIndex: number }) {
		super('The upload was cancelled');
		this.name = 'UploadCancelledError';
		this.bytesAccepted = details.bytesAccepted;
		this.chunkIndex = details.chunkIndex;
	}
}

const NETWORK_ERROR_CODES = new Set([
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'ECONNABORTED',
	'ECONNREFUSED',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENETDOWN',
	'EAI_AGAIN',
	'UND_ERR_SOCKET',
	'UND_ERR_BODY_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_CONNECT_TIMEOUT',
	'ERR_STREAM_PREMATURE_CLOSE',
]);

/** The error as a `cause`, unless it is an HTTP client error (those carry the request URL and headers). */
export function safeCause(error: unknown): unknown {
	if (error && typeof error === 'object' && ('config' in error || 'request' in error || 'response' in error)) {
		return undefined;
	}
	return error;
}

function errorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string') return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** A dropped or failed connection (worth retrying the same chunk), not an HTTP answer or an abort. */
export function isNetworkError(error: unknown): boolean {
	const code = errorCode(error);
	if (code && NETWORK_ERROR_CODES.has(code)) return true;
	const message = (error as { message?: unknown } | undefined)?.message;
	return typeof message === 'string' && /socket hang up|network socket disconnected|other side closed/i.test(message);
}

function isAbortError(error: unknown, signal?: AbortSignal): boolean {
	if (signal?.aborted) return true;
	const name = (error as { name?: unknown } | undefined)?.name;
	return name === 'AbortError' || name === 'CanceledError' || errorCode(error) === 'ERR_CANCELED';
}

interface FullResponse {
	statusCode: number;
	headers?: Record<string, unknown>;
	body?: unknown;
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const value = headers[name] ?? headers[name.toLowerCase()];
	if (value === undefined || value === null) return undefined;
	return Array.isArray(value) ? String(value[0]) : String(value);
}

/** Parses `bytes <first>-<last>/<total>` (or `bytes *\/<total>`: nothing stored yet -> last = -1). */
export function parseContentRange(value: string | undefined): { last: number; total?: number } | undefined {
	if (!value) return undefined;
	const m = /^\s*bytes\s+(?:(\d+)-(\d+)|\*)\s*\/\s*(\d+|\*)\s*$/i.exec(value);
	if (!m) return undefined;
	const total = m[3] === '*' ? undefined : Number(m[3]);
	if (m[2] === undefined) return { last: -1, total };
	return { last: Number(m[2]), total };
}

/** A short, safe description of the response body (TikTok's error message when there is one). */
function bodyMessage(body: unknown): string {
	let value: unknown = body;
	if (Buffer.isBuffer(value)) value = value.toString('utf8');
	if (typeof value === 'string') {
		const text = value.trim();
		if (!text) return '';
		try {
			value = JSON.parse(text);
		} catch {
			return text.length > 300 ? `${text.slice(0, 300)}…` : text;
		}
	}
	if (value && typeof value === 'object') {
		const o = value as { error?: { code?: unknown; message?: unknown }; message?: unknown };
		const parts = [o.error?.code, o.error?.message, o.message].filter(
			(p): p is string => typeof p === 'string' && p.length > 0,
		);
		if (parts.length) return parts.join(': ');
		const text = JSON.stringify(value);
		return text.length > 300 ? `${text.slice(0, 300)}…` : text;
	}
	return '';
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return redactUrl(url);
	}
}

function bytes(n: number): string {
	return `${n.toLocaleString('en-US')} bytes`;
}

/**
 * Uploads the plan's chunks in order. Resolves when TikTok answered 201 after the last chunk.
 * Throws UploadError (details in its fields) or UploadCancelledError.
 */
export async function uploadChunks(ctx: IExecuteFunctions, args: UploadArgs): Promise<UploadResult> {
	const { uploadUrl, source, plan, signal } = args;
	const maxRetries = args.maxRetriesPerChunk ?? DEFAULT_MAX_RETRIES_PER_CHUNK;
	const baseDelay = args.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
	const total = plan.videoSize;
	const lastIndex = plan.chunks.length - 1;
	const uploadHost = hostOf(uploadUrl);

	let bytesAccepted = 0;
	let chunksSent = 0;
	let retries = 0;
	let chunkIndex = 0;
	let nextIndex = 0;
	let completed = false;

	const fail = (message: string, extra: { status?: number; retryable: boolean }, cause?: unknown) =>
		new UploadError(message, { ...extra, bytesAccepted, chunkIndex }, { cause });
	const cancelled = () => new UploadCancelledError({ bytesAccepted, chunkIndex });

	if (signal?.aborted) throw cancelled();

	const chunks = source.chunks(plan);
	try {
		for (;;) {
			// The chunk being read next (for errors raised while the source produces it).
			chunkIndex = Math.min(nextIndex, lastIndex);
			let next: IteratorResult<{ index: number; start: number; end: number; data: Buffer }>;
			try {
				next = await chunks.next();
			} catch (error) {
				if (isAbortError(error, signal)) throw cancelled();
				throw fail(
					(error as Error)?.message ?? 'Reading the video failed',
					{ retryable: false },
					safeCause(error),
				);
			}
			if (next.done) break;
			const chunk = next.value;
			chunkIndex = chunk.index;
			if (chunk.data.length !== chunk.end - chunk.start + 1) {
				throw fail(`Chunk ${chunk.index + 1} has ${bytes(chunk.data.length)} instead of ${bytes(chunk.end - chunk.start + 1)}`, {
					retryable: false,
				});
			}

			let attempt = 0;
			// No `cause` here: HTTP client errors carry the request config, i.e. the upload URL with its token.
			const retryOrFail = async (message: string, status: number | undefined) => {
				if (attempt >= maxRetries) {
					throw fail(
						`${message}; gave up on chunk ${chunk.index + 1} of ${plan.totalChunkCount} after ${attempt + 1} attempts. TikTok or the network may be having trouble; try again later`,
						{ status, retryable: true },
					);
				}
				const delay = baseDelay * 2 ** attempt;
				attempt++;
				retries++;
				try {
					await sleep(delay, signal);
				} catch {
					throw cancelled();
				}
			};

			for (;;) {
				if (signal?.aborted) throw cancelled();
				if (Date.now() - args.uploadUrlIssuedAt > UPLOAD_URL_MAX_AGE_MS) {
					throw fail(
						`TikTok's upload URL is older than 55 minutes and is about to expire (it is valid for 1 hour), so chunk ${chunk.index + 1} of ${plan.totalChunkCount} was not sent. Run the item again to start a new upload; a faster connection or a bigger chunk size helps with large videos`,
						{ retryable: true },
					);
				}

				let response: FullResponse;
				try {
					response = (await ctx.helpers.httpRequest({
						method: 'PUT',
						url: uploadUrl,
						headers: {
							'Content-Type': source.contentType,
							'Content-Length': String(chunk.data.length),
							'Content-Range': `bytes ${chunk.start}-${chunk.end}/${total}`,
						},
						body: chunk.data,
						returnFullResponse: true,
						ignoreHttpStatusErrors: true,
						timeout: args.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
						...(signal ? { abortSignal: signal } : {}),
					})) as FullResponse;
				} catch (error) {
					if (isAbortError(error, signal)) throw cancelled();
					if (isNetworkError(error)) {
						await retryOrFail(`The connection to TikTok's upload server (${uploadHost}) dropped (${errorCode(error) ?? 'connection error'})`, undefined);
						continue;
					}
					throw fail(
						`Sending chunk ${chunk.index + 1} of ${plan.totalChunkCount} failed (${errorCode(error) ?? (error as Error)?.name ?? 'error'})`,
						{ retryable: false },
					);
				}

				const status = response.statusCode;
				const isLast = chunk.index === lastIndex;
				if (status === 206 || status === 201 || status === 200) {
					if (status === 201 && !isLast) {
						throw fail(
							`TikTok said the upload was complete (HTTP 201) after chunk ${chunk.index + 1} of ${plan.totalChunkCount}, before all bytes were sent. The chunk plan and TikTok disagree; run the item again`,
							{ status, retryable: false },
						);
					}
					if (status === 206 && isLast) {
						throw fail(
							`TikTok still expects more bytes (HTTP 206) after the last chunk (${bytes(total)} sent). The file size and the upload do not match; run the item again`,
							{ status, retryable: false },
						);
					}
					bytesAccepted = chunk.end + 1;
					chunksSent++;
					nextIndex = chunk.index + 1;
					if (isLast) completed = true;
					break;
				}
				if (status === 416) {
					const range = parseContentRange(header(response.headers, 'content-range'));
					if (range && range.last >= chunk.end) {
						// TikTok already stored this chunk (e.g. the connection dropped after it was accepted).
						bytesAccepted = Math.min(range.last + 1, total);
						chunksSent++;
						nextIndex = chunk.index + 1;
						if (isLast) completed = true;
						break;
					}
					if (range && range.last === chunk.start - 1) {
						await retryOrFail(`TikTok did not accept chunk ${chunk.index + 1} (HTTP 416, it has ${bytes(range.last + 1)})`, status);
						continue;
					}
					throw fail(
						`TikTok's upload server reports ${range ? `${bytes(range.last + 1)} received` : 'a different upload position'} (HTTP 416) while chunk ${chunk.index + 1} starts at byte ${chunk.start.toLocaleString('en-US')}. The upload cannot go back; run the item again`,
						{ status, retryable: false },
					);
				}
				if (status >= 500 || status === 429 || status === 408) {
					await retryOrFail(`TikTok's upload server answered HTTP ${status}`, status);
					continue;
				}
				const detail = bodyMessage(response.body);
				if (status === 403) {
					throw fail(
						`TikTok refused the upload URL (HTTP 403): it has expired or is not valid${detail ? ` (${detail})` : ''}. Run the item again to get a new upload URL`,
						{ status, retryable: true },
					);
				}
				if (status === 404) {
					throw fail(
						`TikTok has no upload task for this upload URL (HTTP 404${detail ? `: ${detail}` : ''}). Run the item again to start a new upload`,
						{ status, retryable: false },
					);
				}
				if (status === 400) {
					throw fail(
						`TikTok rejected chunk ${chunk.index + 1} of ${plan.totalChunkCount} (HTTP 400${detail ? `: ${detail}` : ''}). The chunk headers or size did not match what TikTok expected`,
						{ status, retryable: false },
					);
				}
				throw fail(
					`TikTok's upload server answered HTTP ${status} to chunk ${chunk.index + 1} of ${plan.totalChunkCount}${detail ? ` (${detail})` : ''}`,
					{ status, retryable: false },
				);
			}
		}
	} finally {
		if (!completed) {
			await chunks.return(undefined).catch(() => undefined);
		}
	}

	if (!completed) {
		throw fail(`The video ended before all ${plan.totalChunkCount} chunks were sent`, { retryable: false });
	}
	return { bytesSent: bytesAccepted, chunksSent, retries };
}
