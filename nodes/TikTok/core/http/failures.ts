/**
 * What a thrown request error was, without its request data: a dropped connection (worth sending
 * again), a cancel, its code and message for a sentence. HTTP client errors carry the request URL and
 * headers, so they never become an error's `cause` (safeCause).
 */

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
