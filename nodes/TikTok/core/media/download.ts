/**
 * Downloads a video from a URL as a VideoSource (a stream: nothing is written to disk), through the
 * fetch module (fetch/fetch.ts): n8n's request helper, every redirect hop checked by the same URL rules
 * as the first, and the video download's limits (connect, idle, deadline, size). A source that reads
 * its header at the end of the file asks the same final URL for byte ranges.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { responseHeader } from '../http/responses';
import { openFetch, type OpenFetch } from './fetch';
import { fetchLimits } from './fetchLimits';
import { resolveVideoContentType, type VideoContentType } from './mediaType';
import { StreamVideoSource } from './streamSource';
import { assertDownloadableUrl, redactUrl } from './urlSafety';
import { rangedUrlReader } from './videoHeader';
import { checkHead, type VideoSource } from './videoSource';

export interface DownloadOptions {
	/** The credential's Allow Private Network Addresses switch: http and private or loopback hosts allowed. */
	allowPrivateNetworks: boolean;
	signal?: AbortSignal;
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

function httpFailureHint(status: number): string {
	if (status === 401 || status === 403) return 'The link needs a login or has expired; use a public or freshly signed link';
	if (status === 404 || status === 410) return 'The file is not there; check the URL';
	return 'Check that the URL is right and the server is up';
}

/** The declared size of a 200 answer, refused (with the body released) when it cannot be uploaded. */
function declaredSize(opened: OpenFetch, shown: string): number {
	const fail = (message: string): never => {
		opened.body.destroy();
		throw new Error(message);
	};
	if (opened.status !== 200) fail(`Downloading the video from "${shown}" failed with HTTP ${opened.status}. ${httpFailureHint(opened.status)}`);
	const encoding = responseHeader(opened.headers, 'content-encoding');
	if (encoding && encoding.toLowerCase() !== 'identity') {
		fail(`The server at "${shown}" sent the video compressed (${encoding}), so its size is not known. Use a URL that serves the file as-is`);
	}
	const text = responseHeader(opened.headers, 'content-length')?.trim();
	const size = text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
	if (size === undefined || !Number.isSafeInteger(size)) {
		fail(`The server at "${shown}" did not say how big the file is (no Content-Length), which TikTok's upload needs. Use a direct link to the file (for example a storage or CDN URL)`);
	}
	if (size === 0) fail(`The file at "${shown}" is empty (0 bytes). Check the URL`);
	const max = fetchLimits('videoDownload').maxBytes;
	if (size! > max) fail(`The file at "${shown}" is ${size!.toLocaleString('en-US')} bytes; TikTok takes videos of at most ${max.toLocaleString('en-US')} bytes (4 GB)`);
	return size!;
}

/**
 * Downloads the video from an https URL as a stream. The server must answer 200 with a Content-Length;
 * the content type comes from the response or the URL's extension and is checked against the first bytes.
 */
export async function openDownloadSource(ctx: IExecuteFunctions, url: string, options: DownloadOptions): Promise<VideoSource> {
	const checkUrl = (next: string) => assertDownloadableUrl(next, options);
	const opened = await openFetch(ctx, {
		url,
		what: 'the video',
		action: 'download',
		limits: fetchLimits('videoDownload'),
		checkUrl,
		signal: options.signal,
	});
	const shown = redactUrl(opened.finalUrl);
	const size = declaredSize(opened, shown);
	opened.body.guard.expectedBytes = size;
	const fileName = fileNameFromUrl(opened.finalUrl);
	let contentType: VideoContentType | undefined;
	try {
		contentType = resolveVideoContentType({ mimeType: responseHeader(opened.headers, 'content-type'), fileName });
	} finally {
		if (!contentType) opened.body.destroy();
	}
	const label = `The file at "${shown}"`;
	const readerAt = () => rangedUrlReader(ctx, opened.finalUrl, { checkUrl, signal: options.signal });
	const source = new StreamVideoSource({ size, contentType, fileName, origin: 'download', label, readerAt }, opened.body);
	await checkHead(source, contentType, label);
	return source;
}
