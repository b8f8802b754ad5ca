/**
 * Reads the first bytes of each photo (one ranged GET per photo, a few at a time) so the photo node
 * can refuse, before TikTok is called, what TikTok would fail after pulling the photos. The verdict
 * itself is pure (photoVerdict.ts judgePhoto); this module only asks the photos' servers, through the
 * fetch module (media/fetch.ts: n8n's request helper and its SSRF protection; the photo head limits).
 *
 * - `Range: bytes=0-65535` and `Accept-Encoding: identity`: the head as stored, never the whole
 *   photo. A server that ignores Range (200) is read up to the same limit, then the request is closed.
 * - Redirects are not followed: TikTok does not follow them either (docs/tiktok-api.md §6).
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { responseHeader } from '../http/responses';
import { openFetch, type OpenFetch } from '../media/fetch';
import { FetchError } from '../media/fetchGuard';
import { fetchLimits } from '../media/fetchLimits';
import { tryParseUrl } from '../media/urlSafety';
import { NOTHING_SENT } from '../tiktok/wording';
import { judgePhoto, PHOTO_HEAD_BYTES, statedTotalBytes, type PhotoHeadFetch, type PhotoVerdict } from './photoVerdict';

/** Photos read at the same time: quick for 35 photos, gentle on a small shop's server. */
const PARALLEL_READS = 4;

/** Collects at most `limit` bytes of the body, then closes the request. */
async function readAtMost(opened: OpenFetch, limit: number): Promise<Buffer> {
	const pieces: Buffer[] = [];
	let length = 0;
	try {
		for (let piece = await opened.body.nextPiece(); piece; piece = await opened.body.nextPiece()) {
			pieces.push(piece);
			length += piece.length;
			if (length >= limit) break; // the rest is never downloaded
		}
	} finally {
		opened.body.destroy();
	}
	return Buffer.concat(pieces, length).subarray(0, limit);
}

function cancelled(ctx: IExecuteFunctions): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), 'The execution was cancelled while the photos were being checked.', {
		description: NOTHING_SENT,
	});
}

/** A fetch failure as what the verdict needs; a cancel is the item's error. */
function failed(ctx: IExecuteFunctions, error: unknown): PhotoHeadFetch {
	if (error instanceof FetchError && error.kind === 'cancelled') throw cancelled(ctx);
	if (error instanceof FetchError && error.kind === 'ssrf') return { kind: 'refused_by_n8n', message: error.message };
	if (error instanceof FetchError) return { kind: 'network_error', message: error.detail ?? error.message };
	return { kind: 'network_error', message: (error as Error)?.message ?? String(error) };
}

/** Asks one photo's server for its first bytes. Never throws for what the server answers. */
export async function fetchPhotoHead(ctx: IExecuteFunctions, url: string, signal?: AbortSignal): Promise<PhotoHeadFetch> {
	let opened: OpenFetch;
	try {
		opened = await openFetch(ctx, {
			url,
			what: 'the photo',
			action: 'read',
			limits: { ...fetchLimits('photoHead'), maxBytes: Number.MAX_SAFE_INTEGER },
			// photoUrlProblems already checked the URL's text; redirects are answers here
			checkUrl: (next) => tryParseUrl(next) ?? new URL(next),
			headers: { range: `bytes=0-${PHOTO_HEAD_BYTES - 1}` },
			signal,
		});
	} catch (error) {
		return failed(ctx, error);
	}
	const status = opened.status;
	if (status !== 200 && status !== 206) {
		opened.body.destroy();
		return { kind: 'http_error', status, location: responseHeader(opened.headers, 'location') };
	}
	const totalBytes = statedTotalBytes(status, {
		contentRange: responseHeader(opened.headers, 'content-range'),
		contentLength: responseHeader(opened.headers, 'content-length'),
		contentEncoding: responseHeader(opened.headers, 'content-encoding'),
	});
	try {
		return { kind: 'answer', status, head: await readAtMost(opened, PHOTO_HEAD_BYTES), totalBytes };
	} catch (error) {
		return failed(ctx, error);
	}
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
