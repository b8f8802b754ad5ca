/**
 * Sends the chunks of a FILE_UPLOAD to TikTok's pre-signed `upload_url` (docs/tiktok-api.md §4): strictly
 * sequential PUTs with Content-Type, Content-Length and Content-Range, through the plain
 * `helpers.httpRequest` (the URL is pre-signed: no token is sent). What each answer means is decided
 * by chunkResponse.ts; this loop sends, waits between retries (exponential backoff) and counts. The
 * upload URL's query (upload_token) never appears in errors or logs.
 */
import { sleep, type IExecuteFunctions } from 'n8n-workflow';

import { isAbortError, safeCause } from '../http/failures';
import { responseHeader, type FullResponse } from '../http/responses';
import { redactUrl, tryParseUrl } from '../media/urlSafety';
import type { SourceChunk, VideoSource } from '../media/videoSource';
import { formatBytes } from '../tiktok/wording';
import type { ChunkPlan } from './chunkPlan';
import { interpretChunkResponse, interpretSendError, type ChunkAttempt, type ChunkVerdict } from './chunkResponse';

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
	/**
	 * Runs once, just before the last chunk is first sent: after that request TikTok has the whole video
	 * and posts it. What it throws stops the upload as it is (Skip Already Posted: another execution was first).
	 */
	beforeLastChunk?: () => Promise<void>;
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
	const upload = new ChunkUpload(ctx, args);
	if (args.signal?.aborted) throw upload.cancelled();
	await upload.sendAll();
	return { bytesSent: upload.bytesAccepted, chunksSent: upload.chunksSent, retries: upload.retries };
}

/** One upload under way: what TikTok holds so far, and the chunk being read or sent (for errors). */
class ChunkUpload {
	bytesAccepted = 0;
	chunksSent = 0;
	retries = 0;
	private chunkIndex = 0;
	private readonly lastIndex: number;
	private readonly uploadHost: string;
	private readonly maxRetries: number;
	private readonly baseDelay: number;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly args: UploadArgs,
	) {
		this.lastIndex = args.plan.chunks.length - 1;
		this.uploadHost = hostOf(args.uploadUrl);
		this.maxRetries = args.maxRetriesPerChunk ?? DEFAULT_MAX_RETRIES_PER_CHUNK;
		this.baseDelay = args.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
	}

	fail(message: string, extra: { status?: number; retryable: boolean }, cause?: unknown): UploadError {
		return new UploadError(message, { ...extra, bytesAccepted: this.bytesAccepted, chunkIndex: this.chunkIndex }, { cause });
	}

	cancelled(): UploadCancelledError {
		return new UploadCancelledError({ bytesAccepted: this.bytesAccepted, chunkIndex: this.chunkIndex });
	}

	/** Reads the source chunk by chunk and sends each until TikTok holds it; the stream is released early on failure. */
	async sendAll(): Promise<void> {
		const { plan, source, signal } = this.args;
		const chunks = source.chunks(plan);
		let completed = false;
		try {
			for (let nextIndex = 0; ; nextIndex++) {
				this.chunkIndex = Math.min(nextIndex, this.lastIndex);
				let next: IteratorResult<SourceChunk>;
				try {
					next = await chunks.next();
				} catch (error) {
					if (isAbortError(error, signal)) throw this.cancelled();
					throw this.fail((error as Error)?.message ?? 'Reading the video failed', { retryable: false }, safeCause(error));
				}
				if (next.done) break;
				const chunk = next.value;
				this.chunkIndex = chunk.index;
				if (chunk.data.length !== chunk.end - chunk.start + 1) {
					throw this.fail(`Chunk ${chunk.index + 1} has ${formatBytes(chunk.data.length)} instead of ${formatBytes(chunk.end - chunk.start + 1)}`, {
						retryable: false,
					});
				}
				if (chunk.index === this.lastIndex) {
					if (signal?.aborted) throw this.cancelled();
					await this.args.beforeLastChunk?.();
				}
				await this.sendUntilStored(chunk);
				if (chunk.index === this.lastIndex) completed = true;
			}
		} finally {
			if (!completed) await chunks.return(undefined).catch(() => undefined);
		}
		if (!completed) {
			throw this.fail(`The video ended before all ${plan.totalChunkCount} chunks were sent`, { retryable: false });
		}
	}

	/** Sends one chunk until TikTok holds it; throws when the upload must stop. */
	private async sendUntilStored(chunk: SourceChunk): Promise<void> {
		const { plan, signal, uploadUrl } = this.args;
		for (let attempt = 0; ; attempt++) {
			if (signal?.aborted) throw this.cancelled();
			if (Date.now() - this.args.uploadUrlIssuedAt > UPLOAD_URL_MAX_AGE_MS) {
				throw this.fail(
					`TikTok's upload URL is older than 55 minutes and is about to expire (it is valid for 1 hour), so chunk ${chunk.index + 1} of ${plan.totalChunkCount} was not sent. Run the item again to start a new upload; a faster connection or a bigger chunk size helps with large videos`,
					{ retryable: true },
				);
			}
			const verdict = await this.send(chunk, {
				chunk,
				isLast: chunk.index === this.lastIndex,
				totalChunks: plan.totalChunkCount,
				videoSize: plan.videoSize,
				attempt,
				maxRetries: this.maxRetries,
			});
			if (verdict.kind === 'accepted' || verdict.kind === 'resume') {
				this.bytesAccepted = verdict.kind === 'accepted' ? verdict.bytesAccepted : verdict.from;
				this.chunksSent++;
				return;
			}
			if (verdict.kind === 'fail') {
				// No `cause`: HTTP client errors carry the request config, i.e. the upload URL with its token.
				throw this.fail(withoutUploadUrlSecrets(verdict.message, uploadUrl), { status: verdict.status, retryable: verdict.retryable });
			}
			this.retries++;
			try {
				await sleep(this.baseDelay * 2 ** attempt, signal);
			} catch {
				throw this.cancelled();
			}
		}
	}

	/** One PUT of the chunk, and what its answer (or its failure) means. */
	private async send(chunk: SourceChunk, at: ChunkAttempt): Promise<ChunkVerdict> {
		const { uploadUrl, source, plan, signal } = this.args;
		let response: FullResponse;
		try {
			response = (await this.ctx.helpers.httpRequest({
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
				timeout: this.args.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
				...(signal ? { abortSignal: signal } : {}),
			})) as FullResponse;
		} catch (error) {
			if (isAbortError(error, signal)) throw this.cancelled();
			return interpretSendError(error, this.uploadHost, at);
		}
		const answer = {
			status: response.statusCode,
			contentRange: responseHeader(response.headers, 'content-range'),
			body: response.body,
		};
		return interpretChunkResponse(answer, at);
	}
}
