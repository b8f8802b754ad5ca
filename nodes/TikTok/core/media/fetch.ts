/**
 * The one way the nodes fetch from servers that are not TikTok's API: the video download, the photo
 * heads, the MP4 header reads at the end of a file. Every request goes through n8n's
 * `helpers.httpRequest`, so n8n's own SSRF protection (n8n 2.x, when the admin turns it on) checks the
 * addresses each host resolves to; the package's URL rules (`checkUrl`) run on the URL and on every
 * redirect hop, which are followed by hand. Limits (fetchLimits.ts) are enforced by a FetchGuard.
 */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { errorCode, errorText } from '../http/failures';
import { discardBody, responseHeader, type FullResponse } from '../http/responses';
import { FetchError, FetchGuard, formatDuration, type FetchClock } from './fetchGuard';
import type { FetchLimits } from './fetchLimits';
import { redactUrl, tryParseUrl } from './urlSafety';

export interface FetchRequest {
	url: string;
	/** what is fetched, for messages: 'the video', 'photo 2 of 5' */
	what: string;
	/** the verb of a failure message: 'download' (the video) or 'read' */
	action: 'download' | 'read';
	limits: FetchLimits;
	/** the package's URL rules for the URL and every redirect hop (throws with its own message) */
	checkUrl: (url: string) => URL;
	headers?: Record<string, string>;
	/** the execution's cancel signal */
	signal?: AbortSignal;
	clock?: FetchClock;
}

export interface OpenFetch {
	status: number;
	headers: unknown;
	/** the URL that answered (after redirects) */
	finalUrl: URL;
	body: GuardedBody;
}

/** A response body read under the fetch's limits; closing it ends the fetch. */
export class GuardedBody {
	private readonly iterator?: AsyncIterator<unknown>;

	constructor(
		private readonly body: unknown,
		readonly guard: FetchGuard,
		private readonly maxBytes: number,
	) {
		const iterable = body as AsyncIterable<unknown> | null;
		if (iterable && typeof iterable[Symbol.asyncIterator] === 'function') this.iterator = iterable[Symbol.asyncIterator]();
	}

	/** The next piece, or undefined at the end. */
	async nextPiece(): Promise<Buffer | undefined> {
		if (!this.iterator) throw new Error(`The answer for ${this.guard.subject.what} was not a stream`);
		const result = await this.guard.read(async () => await this.iterator!.next());
		if (result.done) return undefined;
		const value = result.value;
		const piece = Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array);
		this.guard.bytesRead += piece.length;
		if (this.guard.bytesRead > this.maxBytes) {
			const { host, what } = this.guard.subject;
			throw new FetchError('too_big', `The server at "${host}" sent more than ${this.maxBytes.toLocaleString('en-US')} bytes for ${what}`, host);
		}
		return piece;
	}

	/** Async iteration (StreamVideoSource reads a download this way). */
	[Symbol.asyncIterator](): AsyncIterator<Buffer> {
		return {
			next: async () => {
				const value = await this.nextPiece();
				return value === undefined ? { done: true, value: undefined } : { done: false, value };
			},
			return: async () => {
				this.destroy();
				return { done: true, value: undefined };
			},
		};
	}

	/** Releases the body and ends the fetch. Safe to call more than once. */
	destroy(): void {
		discardBody(this.body);
		this.guard.close();
	}
}

/** The failure in words, without a URL's query string (it can hold a signature). */
function failureText(error: unknown): string {
	return errorText(error).replace(/\?[^\s'")]*/g, '');
}

/** n8n's SSRF refusal along the cause chain (thrown as is before connecting, wrapped by axios at connect time). */
function ssrfRefusal(error: unknown): { message: string; description?: string } | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const e = current as { name?: unknown; message?: unknown; description?: unknown; cause?: unknown };
		if (e.name === 'SsrfBlockedIpError' || e.name === 'SsrfBlockedHostnameError') {
			return { message: String(e.message), description: typeof e.description === 'string' ? e.description : undefined };
		}
		current = e.cause;
	}
	return undefined;
}

const SSRF_HINT =
	"n8n's SSRF protection is on for this n8n (N8N_SSRF_PROTECTION_ENABLED): it refuses addresses on private and local networks, whatever the TikTok credential allows. Ask the n8n administrator to allow this host (N8N_SSRF_ALLOWED_HOSTNAMES or N8N_SSRF_ALLOWED_IP_RANGES), or use a public URL.";

/** A request that got no HTTP answer, as the FetchError that says why. */
function requestFailure(error: unknown, guard: FetchGuard, url: URL, request: FetchRequest): FetchError {
	if (error instanceof FetchError) return error;
	const host = url.host;
	const ssrf = ssrfRefusal(error);
	if (ssrf) {
		const description = [ssrf.description, SSRF_HINT].filter(Boolean).join(' ');
		return new FetchError('ssrf', `n8n refused to ${request.action} ${request.what} from "${host}": ${ssrf.message}`, host, description);
	}
	const code = errorCode(error);
	if ((code === 'ECONNABORTED' || code === 'ETIMEDOUT') && /timeout/i.test(String((error as Error)?.message))) {
		const limit = formatDuration(request.limits.connectTimeoutMs);
		return new FetchError('headers_timeout', `The server at "${host}" did not answer within ${limit} (connecting and waiting for the response headers of ${request.what})`, host);
	}
	const detail = failureText(error);
	return new FetchError('network', `Could not ${request.action} ${request.what} from "${redactUrl(url)}" (${detail}). Check that the URL is reachable`, host, undefined, detail);
}

async function send(ctx: IExecuteFunctions, guard: FetchGuard, url: URL, request: FetchRequest): Promise<FullResponse> {
	const options: IHttpRequestOptions = {
		method: 'GET',
		url: url.href,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout: request.limits.connectTimeoutMs,
		headers: { 'accept-encoding': 'identity', ...request.headers },
		abortSignal: guard.signal,
	};
	try {
		return (await guard.request(async () => await ctx.helpers.httpRequest(options))) as FullResponse;
	} catch (error) {
		throw requestFailure(error, guard, url, request);
	}
}

/** Where a 3xx answer points, checked by the package's rules. */
function nextHop(response: FullResponse, current: URL, hop: number, request: FetchRequest): URL {
	const shown = redactUrl(current);
	const location = responseHeader(response.headers, 'location');
	if (!location) {
		throw new Error(`The server answered HTTP ${response.statusCode} for "${shown}" without saying where ${request.what} is. Use the final URL of the file`);
	}
	if (hop >= request.limits.maxRedirects) {
		throw new FetchError('too_many_redirects', `The URL "${redactUrl(request.url)}" of ${request.what} redirected more than ${request.limits.maxRedirects} times. Use the final URL of the file`, current.host);
	}
	const next = tryParseUrl(location, current);
	if (!next) throw new Error(`The server at "${shown}" redirected to an invalid address. Use the final URL of the file`);
	return request.checkUrl(next.href);
}

/**
 * GETs the URL under its limits, following up to `maxRedirects` redirects (each hop checked). Resolves
 * with the first answer that is not a redirect (with `maxRedirects` 0, any answer), its body unread.
 */
export async function openFetch(ctx: IExecuteFunctions, request: FetchRequest): Promise<OpenFetch> {
	let current = request.checkUrl(request.url);
	const guard = new FetchGuard({ host: current.host, what: request.what }, request.limits, request.signal, request.clock);
	let answered = false;
	try {
		for (let hop = 0; ; hop++) {
			guard.subject.host = current.host;
			const response = await send(ctx, guard, current, request);
			const status = response.statusCode;
			if (status < 300 || status >= 400 || request.limits.maxRedirects === 0) {
				answered = true;
				return { status, headers: response.headers, finalUrl: current, body: new GuardedBody(response.body, guard, request.limits.maxBytes) };
			}
			discardBody(response.body);
			current = nextHop(response, current, hop, request);
		}
	} finally {
		if (!answered) guard.close();
	}
}

/** `bytes a-b/total` of a 206 answer matches the range asked for. */
function rangeMatches(contentRange: string | undefined, start: number, end: number): boolean {
	const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec((contentRange ?? '').trim());
	return !!match && Number(match[1]) === start && Number(match[2]) === end;
}

/**
 * Bytes [start, end] of the URL by a ranged GET (no redirects: `url` is a download's final URL).
 * `unsupported` when the server does not answer 206 with exactly that range (it ignored Range).
 */
export async function fetchRange(
	ctx: IExecuteFunctions,
	request: Omit<FetchRequest, 'headers' | 'url'> & { url: URL; start: number; end: number },
): Promise<Buffer | { unsupported: string }> {
	const { url, start, end } = request;
	const opened = await openFetch(ctx, { ...request, url: url.href, headers: { range: `bytes=${start}-${end}` } });
	try {
		if (opened.status !== 206 || !rangeMatches(responseHeader(opened.headers, 'content-range'), start, end)) {
			return { unsupported: `the server at "${url.host}" answered HTTP ${opened.status} to a Range request instead of the bytes asked for` };
		}
		const pieces: Buffer[] = [];
		let length = 0;
		for (let piece = await opened.body.nextPiece(); piece; piece = await opened.body.nextPiece()) {
			pieces.push(piece);
			length += piece.length;
		}
		if (length !== end - start + 1) return { unsupported: `the server at "${url.host}" sent ${length} bytes for a range of ${end - start + 1}` };
		return Buffer.concat(pieces, length);
	} finally {
		opened.body.destroy();
	}
}
