/**
 * Downloads a video from a URL as a VideoSource (a stream: nothing is written to disk). Redirects
 * are followed by hand so that every hop passes the same URL checks (urlSafety.ts) as the first.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { errorText, safeCause } from '../http/failures';
import { discardBody, responseHeader, type FullResponse } from '../http/responses';
import { resolveVideoContentType, type VideoContentType } from './mediaType';
import { StreamVideoSource, type ByteStream } from './streamSource';
import { assertDownloadableUrl, redactUrl, tryParseUrl } from './urlSafety';
import { checkHead, type VideoSource } from './videoSource';

/** Redirects followed by a download (each hop is checked again). */
export const MAX_DOWNLOAD_REDIRECTS = 5;

export interface DownloadOptions {
	/** Private and loopback hosts are allowed (the credential's Custom environment). */
	allowPrivateNetworks: boolean;
	signal?: AbortSignal;
}

function cancelledDownload(cause: unknown): Error {
	const error = new Error('The download of the video was cancelled', { cause: safeCause(cause) });
	error.name = 'AbortError';
	return error;
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
 * Downloads the video from an https URL as a stream. The URL and every redirect hop are checked
 * with assertDownloadableUrl (redirects are followed by hand, at most 5). The server must answer
 * 200 with a Content-Length; the content type comes from the response or the URL's extension and
 * is checked against the first bytes.
 */
export async function openDownloadSource(
	ctx: IExecuteFunctions,
	url: string,
	options: DownloadOptions,
): Promise<VideoSource> {
	const { response, finalUrl } = await followRedirects(ctx, url, options);
	const shown = redactUrl(finalUrl);
	const encoding = responseHeader(response.headers, 'content-encoding');
	if (encoding && encoding.toLowerCase() !== 'identity') {
		discardBody(response.body);
		throw new Error(`The server at "${shown}" sent the video compressed (${encoding}), so its size is not known. Use a URL that serves the file as-is`);
	}
	const lengthText = responseHeader(response.headers, 'content-length');
	const size = lengthText !== undefined && /^\d+$/.test(lengthText.trim()) ? Number(lengthText.trim()) : undefined;
	if (size === undefined || !Number.isSafeInteger(size)) {
		discardBody(response.body);
		throw new Error(`The server at "${shown}" did not say how big the file is (no Content-Length), which TikTok's upload needs. Use a direct link to the file (for example a storage or CDN URL)`);
	}
	if (size === 0) {
		discardBody(response.body);
		throw new Error(`The file at "${shown}" is empty (0 bytes). Check the URL`);
	}
	const fileName = fileNameFromUrl(finalUrl);
	let contentType: VideoContentType | undefined;
	try {
		contentType = resolveVideoContentType({ mimeType: responseHeader(response.headers, 'content-type'), fileName });
	} finally {
		if (!contentType) discardBody(response.body);
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

/** GETs the URL, following up to 5 redirects (each hop checked); resolves with the 200 answer. */
async function followRedirects(
	ctx: IExecuteFunctions,
	url: string,
	options: DownloadOptions,
): Promise<{ response: FullResponse; finalUrl: URL }> {
	let current = assertDownloadableUrl(url, options);
	for (let hop = 0; ; hop++) {
		const shown = redactUrl(current);
		let response: FullResponse | undefined;
		let failure: unknown;
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
			discardBody(response.body);
			const location = responseHeader(response.headers, 'location');
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
			discardBody(response.body);
			throw new Error(`Downloading the video from "${shown}" failed with HTTP ${status}. ${httpFailureHint(status)}`);
		}
		return { response, finalUrl: current };
	}
}

function httpFailureHint(status: number): string {
	if (status === 401 || status === 403) return 'The link needs a login or has expired; use a public or freshly signed link';
	if (status === 404 || status === 410) return 'The file is not there; check the URL';
	return 'Check that the URL is right and the server is up';
}
