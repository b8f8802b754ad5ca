/**
 * Small helpers shared by the modules that make raw HTTP exchanges (the chunk PUTs, the video
 * download, the TikTok transport) and that report on bytes: reading a response header, classifying
 * a thrown request error, keeping request data (URL, headers) out of error causes, and the one way
 * byte counts are written in messages.
 */

/** What `helpers.httpRequest({ returnFullResponse: true })` resolves to. */
export interface FullResponse {
	statusCode: number;
	headers?: Record<string, unknown>;
	body?: unknown;
}

/** `12,345 bytes`: how every message writes a byte count. */
export function formatBytes(n: number): string {
	return `${n.toLocaleString('en-US')} bytes`;
}

/**
 * A response header's value, whatever the name's case: plain header objects (n8n's full response)
 * and header classes with a `get()` (axios). The first value of a repeated header.
 */
export function responseHeader(headers: unknown, name: string): string | undefined {
	if (typeof headers !== 'object' || headers === null) return undefined;
	const getter = (headers as { get?: unknown }).get;
	if (typeof getter === 'function') {
		const value = (getter as (n: string) => unknown).call(headers, name);
		if (typeof value === 'string') return value;
	}
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() !== wanted || value === undefined || value === null) continue;
		if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
		return String(value);
	}
	return undefined;
}

/** The error as a `cause`, unless it is an HTTP client error (those carry the request URL and headers). */
export function safeCause(error: unknown): unknown {
	if (error && typeof error === 'object' && ('config' in error || 'request' in error || 'response' in error)) {
		return undefined;
	}
	return error;
}

/** `CODE: message` of a thrown error, for a message in parentheses. */
export function errorText(error: unknown): string {
	if (error && typeof error === 'object') {
		const e = error as { code?: unknown; message?: unknown };
		const code = typeof e.code === 'string' ? e.code : '';
		const message = typeof e.message === 'string' ? e.message : '';
		return [code, message].filter(Boolean).join(': ') || 'unknown error';
	}
	return String(error);
}

/** The first string `code` along the error's cause chain (e.g. `ECONNRESET`). */
export function errorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string') return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
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

/** A dropped or failed connection (worth retrying the same request), not an HTTP answer or an abort. */
export function isNetworkError(error: unknown): boolean {
	const code = errorCode(error);
	if (code && NETWORK_ERROR_CODES.has(code)) return true;
	const message = (error as { message?: unknown } | undefined)?.message;
	return typeof message === 'string' && /socket hang up|network socket disconnected|other side closed/i.test(message);
}

/** The request stopped because the execution was cancelled. */
export function isAbortError(error: unknown, signal?: AbortSignal): boolean {
	if (signal?.aborted) return true;
	const name = (error as { name?: unknown } | undefined)?.name;
	return name === 'AbortError' || name === 'CanceledError' || errorCode(error) === 'ERR_CANCELED';
}

/** Releases a response body stream we will not read. */
export function discardBody(body: unknown): void {
	const b = body as { destroy?: () => void } | null;
	if (b && typeof b === 'object' && typeof b.destroy === 'function') {
		try {
			b.destroy();
		} catch {
			// already destroyed
		}
	}
}
