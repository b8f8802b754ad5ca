/**
 * Sends the chunks of a FILE_UPLOAD to TikTok's pre-signed `upload_url` (tiktok-api.md §4): strictly
 * sequential PUTs with Content-Type, Content-Length and Content-Range, through the plain
 * `helpers.httpRequest` (the URL is pre-signed: no token is sent). What each answer means is decided
 * by chunkResponse.ts; this loop sends, waits between retries (exponential backoff) and counts. The
 * upload URL's query (upload_token) never appears in errors or logs.
 */
import { sleep, type IExecuteFunctions } from 'n8n-workflow';

import type { ChunkPlan } from './chunkPlan';
import { interpretChunkResponse, interpretSendError, type ChunkAttempt, type ChunkVerdict } from './chunkResponse';
import { formatBytes } from '../tiktok/wording';
import { isAbortError, safeCause } from '../http/failures';
import { responseHeader, type FullResponse } from '../http/responses';
import { redactUrl, tryParseUrl } from '../media/urlSafety';
import type { SourceChunk, VideoSource } from '../media/videoSource';

export interface UploadResult {
	bytesSent: number;
	chunksSent: number;
	retries: number;
}

export interface UploadArgs {
	uploadUrl: string;
	source: VideoSource;
	plan: ChunkPlan;
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
 * TikTok's answers are quoted in errors; should one quote the upload URL, its query values (the
 * upload token) are replaced, so the token never reaches an error, an output or a log.
 */
export function withoutUploadUrlSecrets(text: string, uploadUrl: string): string {
	let clean = text.split(uploadUrl).join(redactUrl(uploadUrl));
	const url = tryParseUrl(uploadUrl);
	for (const value of url ? [...url.searchParams.values()] : []) {
		if (value.length >= 6) clean = clean.split(value).join('[redacted]');
	}
	return clean;
}

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

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return redactUrl(url);
	}
}

/**
 * Uploads the plan's chunks in order. Resolves when TikTok answered 201 after the last chunk.
 * Throws UploadError (details in its fields) or UploadCancelledError.
 */
export async function uploadChunks(ctx: IExecuteFunctions, args: UploadArgs): Promise<UploadResult> {
	const { uploadUrl, source, plan, signal } = args;
	const maxRetries = args.maxRetriesPerChunk ?? DEFAULT_MAX_RETRIES_PER_CHUNK;
	const baseDelay = args.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
	const lastIndex = plan.chunks.length - 1;
	const uploadHost = hostOf(uploadUrl);

	let bytesAccepted = 0;
	let chunksSent = 0;
	let retries = 0;
	/** The chunk being read or sent (for errors). */
	let chunkIndex = 0;
	let completed = false;

	const fail = (message: string, extra: { status?: number; retryable: boolean }, cause?: unknown) =>
		new UploadError(message, { ...extra, bytesAccepted, chunkIndex }, { cause });
	const cancelled = () => new UploadCancelledError({ bytesAccepted, chunkIndex });

	/** One PUT of the chunk, and what its answer (or its failure) means. */
	const send = async (chunk: SourceChunk, at: ChunkAttempt): Promise<ChunkVerdict> => {
		let response: FullResponse;
		try {
			response = (await ctx.helpers.httpRequest({
				method: 'PUT',
				url: uploadUrl,
				headers: {
					'Content-Type': source.contentType,
					'Content-Length': String(chunk.data.length),
					'Content-Range': `bytes ${chunk.start}-${chunk.end}/${plan.videoSize}`,
				},
				body: chunk.data,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: args.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
				...(signal ? { abortSignal: signal } : {}),
			})) as FullResponse;
		} catch (error) {
			if (isAbortError(error, signal)) throw cancelled();
			return interpretSendError(error, uploadHost, at);
		}
		const answer = {
			status: response.statusCode,
			contentRange: responseHeader(response.headers, 'content-range'),
			body: response.body,
		};
		return interpretChunkResponse(answer, at);
	};

	/** Sends one chunk until TikTok holds it; throws when the upload must stop. */
	const sendUntilStored = async (chunk: SourceChunk): Promise<void> => {
		for (let attempt = 0; ; attempt++) {
			if (signal?.aborted) throw cancelled();
			if (Date.now() - args.uploadUrlIssuedAt > UPLOAD_URL_MAX_AGE_MS) {
				throw fail(
					`TikTok's upload URL is older than 55 minutes and is about to expire (it is valid for 1 hour), so chunk ${chunk.index + 1} of ${plan.totalChunkCount} was not sent. Run the item again to start a new upload; a faster connection or a bigger chunk size helps with large videos`,
					{ retryable: true },
				);
			}
			const verdict = await send(chunk, {
				chunk,
				isLast: chunk.index === lastIndex,
				totalChunks: plan.totalChunkCount,
				videoSize: plan.videoSize,
				attempt,
				maxRetries,
			});
			switch (verdict.kind) {
				case 'accepted':
					bytesAccepted = verdict.bytesAccepted;
					chunksSent++;
					return;
				case 'resume':
					bytesAccepted = verdict.from;
					chunksSent++;
					return;
				case 'fail':
					// No `cause`: HTTP client errors carry the request config, i.e. the upload URL with its token.
					throw fail(withoutUploadUrlSecrets(verdict.message, uploadUrl), { status: verdict.status, retryable: verdict.retryable });
				case 'retry':
					retries++;
					try {
						await sleep(baseDelay * 2 ** attempt, signal);
					} catch {
						throw cancelled();
					}
			}
		}
	};

	if (signal?.aborted) throw cancelled();

	const chunks = source.chunks(plan);
	try {
		for (let nextIndex = 0; ; nextIndex++) {
			chunkIndex = Math.min(nextIndex, lastIndex);
			let next: IteratorResult<SourceChunk>;
			try {
				next = await chunks.next();
			} catch (error) {
				if (isAbortError(error, signal)) throw cancelled();
				throw fail((error as Error)?.message ?? 'Reading the video failed', { retryable: false }, safeCause(error));
			}
			if (next.done) break;
			const chunk = next.value;
			chunkIndex = chunk.index;
			if (chunk.data.length !== chunk.end - chunk.start + 1) {
				throw fail(`Chunk ${chunk.index + 1} has ${formatBytes(chunk.data.length)} instead of ${formatBytes(chunk.end - chunk.start + 1)}`, {
					retryable: false,
				});
			}
			await sendUntilStored(chunk);
			if (chunk.index === lastIndex) completed = true;
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
