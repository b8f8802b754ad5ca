/**
 * Pure readers of one exchange with TikTok's JSON API, for the transport (transport.ts):
 * - `outcomeFromResponse`: what n8n's full response holds (status, body as text, Retry-After);
 * - `outcomeFromThrown`: what `httpRequestWithAuthentication` threw (an HTTP answer inside n8n's error,
 *   TikTok's refusal to connect or refresh, a cancel, n8n's own words about the stored token, a
 *   network failure);
 * - `interpretResponse`: an answer as TikTok's envelope (`error.code === 'ok'` is success) or as a flat
 *   OAuth error.
 * They copy only those fields, never the thrown error itself (its request config holds the
 * Authorization header). A module of their own so that the shapes of n8n's errors are read in one
 * place, and table-tested.
 */
import { responseHeader } from '../http/responses';
import { scrubSecrets, type TikTokErrorInfo } from './errors';
import { tryParseJsonPreservingBigIntegers } from './json';
import type { OAuthRefusal, TokenRefusalKind } from './tokenErrors';

/** What we learned from one HTTP exchange, success or failure. Holds no request data. */
export interface RawOutcome {
	status?: number;
	bodyText?: string;
	retryAfterSec?: number;
	/** set when the failure was not an HTTP answer (OAuth refresh failure, network, cancel) */
	info?: TikTokErrorInfo;
	/** set when TikTok's token endpoint refused (connect or refresh) */
	refused?: { kind: TokenRefusalKind; refusal: OAuthRefusal };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
	return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function bodyToText(data: unknown): string | undefined {
	if (data === undefined || data === null) return undefined;
	if (typeof data === 'string') return data;
	if (Buffer.isBuffer(data)) return data.toString('utf8');
	if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
	try {
		return JSON.stringify(data);
	} catch {
		return undefined;
	}
}

function retryAfterOf(headers: unknown): number | undefined {
	const v = responseHeader(headers, 'retry-after');
	if (v === undefined) return undefined;
	const n = Number(v);
	return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** What n8n's full response to a TikTok call holds (`returnFullResponse: true`, body as text). */
export function outcomeFromResponse(response: { body?: unknown; statusCode?: number; headers?: unknown }): RawOutcome {
	return {
		status: typeof response?.statusCode === 'number' ? response.statusCode : 200,
		bodyText: bodyToText(response?.body),
		retryAfterSec: retryAfterOf(response?.headers),
	};
}

/**
 * Reads status, body and headers out of what `httpRequestWithAuthentication` throws, in n8n 2.x's
 * shape and in n8n 1.x's (docs/compatibility.md):
 * - n8n 2.x: a `NodeApiError` whose `cause` is the axios error (`cause.response.status`,
 *   `cause.response.data`, `cause.response.headers`); after a refused refresh the cause is
 *   client-oauth2's AuthError (`cause.body = {error, error_description, log_id}`: HTTP >= 400 from
 *   the token endpoint), n8n's "needs to be reconnected" NodeOperationError, or what the credential's
 *   preAuthentication threw (`tikTokTokenProblem`, `tikTokRefreshRoute`, `body`);
 * - n8n 1.x: a `NodeApiError` without `cause` (its class field resets it): the status as a string in
 *   `httpCode` ('403'), the body in `context.data` only when it is an object (the transport asks for
 *   bytes, so it is a Buffer); a refresh refused with HTTP >= 400 leaves `httpCode: 'EAUTH'` and
 *   client-oauth2's words for TikTok's error code as the message.
 * Only those fields are copied.
 */
export function outcomeFromThrown(error: unknown, aborted = false): RawOutcome {
	const chain = causeChain(error);
	return httpAnswerIn(chain) ?? httpAnswerInV1(chain) ?? tokenRefusalIn(chain) ?? refreshRefusalInV1(chain) ?? failureWithoutAnswer(chain, aborted);
}

/** The error and its causes, outermost first (at most five, no loops). */
function causeChain(error: unknown): Array<Record<string, unknown>> {
	const chain: Array<Record<string, unknown>> = [];
	let current: unknown = error;
	for (let depth = 0; depth < 5; depth++) {
		const rec = asRecord(current);
		if (!rec || chain.includes(rec)) break;
		chain.push(rec);
		current = rec.cause;
	}
	return chain;
}

/** The HTTP answer inside the error (axios's `response`), if TikTok answered at all. */
function httpAnswerIn(chain: Array<Record<string, unknown>>): RawOutcome | undefined {
	for (const rec of chain) {
		const response = asRecord(rec.response);
		if (response && typeof response.status === 'number') {
			return {
				status: response.status,
				bodyText: bodyToText(response.data),
				retryAfterSec: retryAfterOf(response.headers),
			};
		}
	}
	return undefined;
}

/** n8n 1.x's NodeApiError: the HTTP status in `httpCode` (a string), the body in `context.data` (bytes). */
function httpAnswerInV1(chain: Array<Record<string, unknown>>): RawOutcome | undefined {
	for (const rec of chain) {
		if (typeof rec.httpCode !== 'string' || !/^\d{3}$/.test(rec.httpCode)) continue;
		return { status: Number(rec.httpCode), bodyText: bodyToText(asRecord(rec.context)?.data) };
	}
	return undefined;
}

/**
 * client-oauth2's words for each OAuth error code (its ERROR_RESPONSES, the same in n8n 1.123 and 2.41):
 * all n8n 1.x keeps of a refresh TikTok refused with HTTP >= 400.
 */
const CLIENT_OAUTH2_WORDS: ReadonlyArray<[string, string]> = [
	['invalid_request', 'The request is missing a required parameter'],
	['invalid_client', 'Client authentication failed'],
	['invalid_grant', 'The provided authorization grant'],
	['unauthorized_client', 'The client is not authorized to request an authorization'],
	['unsupported_grant_type', 'The authorization grant type is not supported'],
	['access_denied', 'The resource owner or authorization server denied the request'],
	['invalid_scope', 'The requested scope is invalid'],
];

/** n8n 1.x: a refresh refused with HTTP >= 400 (client-oauth2's AuthError, `httpCode: 'EAUTH'`). */
function refreshRefusalInV1(chain: Array<Record<string, unknown>>): RawOutcome | undefined {
	const auth = chain.find((rec) => rec.httpCode === 'EAUTH');
	if (!auth) return undefined;
	const message = typeof auth.message === 'string' ? auth.message : '';
	const error = CLIENT_OAUTH2_WORDS.find(([, words]) => message.startsWith(words))?.[0];
	const refusal: OAuthRefusal = error ? { error } : { errorDescription: scrubSecrets(message.slice(0, 300)) };
	return { refused: { kind: 'refresh', refusal: { ...refusal, route: 'query_http_error', onlyTheCode: true } } };
}

/** TikTok's token endpoint refused (client-oauth2's `body`, or the credential's preAuthentication mark). */
function tokenRefusalIn(chain: Array<Record<string, unknown>>): RawOutcome | undefined {
	for (const rec of chain) {
		const body = asRecord(rec.body);
		if (body && typeof body.error === 'string') {
			const refusal: OAuthRefusal = {
				error: body.error || undefined,
				errorDescription: typeof body.error_description === 'string' ? body.error_description : undefined,
				logId: typeof body.log_id === 'string' ? body.log_id : undefined,
			};
			const kind: TokenRefusalKind = rec.tikTokTokenProblem === 'connect_refused' ? 'connect' : 'refresh';
			// the credential's own error says how far the refresh got; client-oauth2's AuthError is n8n's refresh answered with HTTP >= 400
			if (kind === 'refresh') refusal.route = rec.tikTokRefreshRoute === 'query_then_body' ? 'query_then_body' : 'query_http_error';
			return { status: typeof rec.status === 'number' ? rec.status : undefined, refused: { kind, refusal } };
		}
	}
	return undefined;
}

/** No answer from TikTok: a cancel, n8n's words about the stored token, or a network failure. */
function failureWithoutAnswer(chain: Array<Record<string, unknown>>, aborted: boolean): RawOutcome {
	const messages = chain.map((rec) => (typeof rec.message === 'string' ? rec.message : ''));
	const names = chain.map((rec) => (typeof rec.name === 'string' ? rec.name : ''));
	// n8n 1.x keeps a network error's code (ECONNREFUSED) only as its NodeApiError's httpCode
	const codes = chain.map((rec) => (typeof rec.code === 'string' ? rec.code : typeof rec.httpCode === 'string' ? rec.httpCode : ''));
	if (aborted || names.includes('CanceledError') || names.includes('AbortError') || codes.includes('ERR_CANCELED')) {
		return { info: { code: 'request_cancelled' } };
	}
	if (messages.some((m) => /needs to be reconnected/i.test(m))) {
		// n8n-core's wording for an invalid_grant answered with HTTP >= 400 (TikTok's body is not kept)
		return { refused: { kind: 'refresh', refusal: { error: 'invalid_grant', route: 'query_http_error' } } };
	}
	// n8n's "OAuth credentials not connected" / client-oauth2's "Unable to sign without access token":
	// n8n's words about the stored token, not TikTok's, and no request was sent.
	if (messages.some((m) => /not connected|unable to sign without access token/i.test(m))) {
		return { info: { code: 'credential_not_connected' } };
	}
	if (messages.some((m) => /no refresh token/i.test(m))) {
		return { info: { code: 'invalid_grant', message: 'No refresh token is stored in the credential.' } };
	}
	const innermost = [...messages].reverse().find((m) => m.length > 0) ?? 'Unknown network error';
	const lowCode = codes.find((c) => c.length > 0);
	return {
		info: {
			code: 'network_error',
			message: scrubSecrets(lowCode ? `${innermost} (${lowCode})` : innermost),
		},
	};
}

export interface ParsedEnvelope {
	ok: boolean;
	data?: unknown;
	info: TikTokErrorInfo;
}

/** Interprets one HTTP answer (status + text body) as a TikTok envelope or OAuth error. */
export function interpretResponse(status: number | undefined, bodyText: string | undefined): ParsedEnvelope {
	const parsed = bodyText === undefined || bodyText === '' ? undefined : tryParseJsonPreservingBigIntegers(bodyText);
	const root = asRecord(parsed);
	const err = asRecord(root?.error);
	if (root && err && typeof err.code === 'string') {
		const info: TikTokErrorInfo = {
			code: err.code,
			message: typeof err.message === 'string' ? err.message : undefined,
			logId: typeof err.log_id === 'string' ? err.log_id : undefined,
			httpStatus: status,
		};
		return { ok: err.code === 'ok', data: root.data, info };
	}
	if (root && typeof root.error === 'string' && root.error.length > 0) {
		return {
			ok: false,
			info: {
				code: root.error,
				message: typeof root.error_description === 'string' ? root.error_description : undefined,
				logId: typeof root.log_id === 'string' ? root.log_id : undefined,
				httpStatus: status,
			},
		};
	}
	let code = 'invalid_response';
	if (status === 429) code = 'rate_limit_exceeded';
	else if (status === 401) code = 'access_token_invalid';
	else if (status !== undefined && status >= 500) code = 'internal_error';
	const snippet = bodyText ? scrubSecrets(bodyText.slice(0, 200)) : '';
	return {
		ok: false,
		info: {
			code,
			message: `HTTP ${status ?? 'unknown'}${snippet ? `: ${snippet}` : ' with an empty body'}`,
			httpStatus: status,
		},
	};
}
