/**
 * Reads the first bytes of each photo (one ranged GET per photo, a few at a time) so the photo node
 * can refuse, before TikTok is called, what TikTok would fail after pulling the photos. The verdict
 * itself is pure (photoVerdict.ts judgePhoto); this module only asks the photos' servers.
 *
 * - `Range: bytes=0-65535` and `Accept-Encoding: identity`: the head as stored, never the whole
 *   photo. A server that ignores Range (200) is read up to the same limit, then the stream is closed.
 * - Redirects are not followed: TikTok does not follow them either (docs/tiktok-api.md §6).
 */
import { NodeOperationError, type IExecuteFunctions, type IHttpRequestOptions } from 'n8n-workflow';

import { errorText, isAbortError } from '../http/failures';
import { discardBody, responseHeader, type FullResponse } from '../http/responses';
import { NOTHING_SENT } from '../tiktok/wording';
import { judgePhoto, PHOTO_HEAD_BYTES, statedTotalBytes, type PhotoHeadFetch, type PhotoVerdict } from './photoVerdict';

/** Photos read at the same time: quick for 35 photos, gentle on a small shop's server. */
const PARALLEL_READS = 4;
/** A photo server that does not answer within this time is reported, not waited for. */
const READ_TIMEOUT_MS = 30_000;

/** Collects at most `limit` bytes from a response body, then closes it. */
async function readAtMost(body: unknown, limit: number): Promise<Buffer> {
	if (Buffer.isBuffer(body)) return body.subarray(0, limit);
	const stream = body as AsyncIterable<unknown> | null;
	if (!stream || typeof stream[Symbol.asyncIterator] !== 'function') return Buffer.alloc(0);
	const pieces: Buffer[] = [];
	let length = 0;
	try {
		for await (const piece of stream) {
			const buffer = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
			pieces.push(buffer);
			length += buffer.length;
			if (length >= limit) break; // leaving the loop closes the stream: the rest is never downloaded
		}
	} finally {
		discardBody(body);
	}
	return Buffer.concat(pieces, length).subarray(0, limit);
}

/** The network failure in words, without a URL's query string (it can hold a signature). */
function messageOf(error: unknown): string {
	return errorText(error).replace(/\?[^\s'")]*/g, '');
}

function cancelled(ctx: IExecuteFunctions): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), 'The execution was cancelled while the photos were being checked.', {
		description: NOTHING_SENT,
	});
}

/** Asks one photo's server for its first bytes. Never throws for what the server answers. */
export async function fetchPhotoHead(ctx: IExecuteFunctions, url: string, signal?: AbortSignal): Promise<PhotoHeadFetch> {
	const options: IHttpRequestOptions = {
		method: 'GET',
		url,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout: READ_TIMEOUT_MS,
		headers: { Range: `bytes=0-${PHOTO_HEAD_BYTES - 1}`, 'Accept-Encoding': 'identity' },
		...(signal ? { abortSignal: signal } : {}),
	};
	let response: FullResponse;
	try {
		response = (await ctx.helpers.httpRequest(options)) as FullResponse;
	} catch (error) {
		if (isAbortError(error, signal)) throw cancelled(ctx);
		return { kind: 'network_error', message: messageOf(error) };
	}
	const status = response.statusCode;
	if (status !== 200 && status !== 206) {
		discardBody(response.body);
		return { kind: 'http_error', status, location: responseHeader(response.headers, 'location') };
	}
	const totalBytes = statedTotalBytes(status, {
		contentRange: responseHeader(response.headers, 'content-range'),
		contentLength: responseHeader(response.headers, 'content-length'),
		contentEncoding: responseHeader(response.headers, 'content-encoding'),
	});
	let head: Buffer;
	try {
		head = await readAtMost(response.body, PHOTO_HEAD_BYTES);
	} catch (error) {
		if (isAbortError(error, signal)) throw cancelled(ctx);
		return { kind: 'network_error', message: messageOf(error) };
	}
	return { kind: 'answer', status, head, totalBytes };
}

/** Reads and judges every photo, in order, a few at a time. */
export async function checkPhotoHeads(ctx: IExecuteFunctions, urls: string[], signal?: AbortSignal): Promise<PhotoVerdict[]> {
	const verdicts: PhotoVerdict[] = new Array<PhotoVerdict>(urls.length);
	let next = 0;
	const worker = async () => {
		while (next < urls.length) {
			const index = next++;
			const fetched = await fetchPhotoHead(ctx, urls[index], signal);
			verdicts[index] = judgePhoto(index + 1, urls.length, urls[index], fetched);
		}
	};
	await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, urls.length) }, worker));
	return verdicts;
}
