/**
 * The one way to call TikTok's JSON endpoints.
 *
 * - Signs through `helpers.httpRequestWithAuthentication('tikTokOAuth2Api', …)`, so n8n-core adds the
 *   Bearer token and, on HTTP 401, refreshes the token once (saving the rotated refresh token) and
 *   retries. We never ignore HTTP status errors: that 401 path depends on the request throwing.
 * - Reads the body as text and parses it with `parseJsonPreservingBigIntegers` (post ids stay exact).
 * - Success only when `error.code === 'ok'`, whatever the HTTP status; anything else becomes a
 *   NodeApiError from errors.ts, built from a clean object (never from the thrown HTTP error, whose
 *   config holds the Authorization header).
 * - Paces calls per credential (pacing.ts) and retries HTTP 429 / `rate_limit_exceeded` with a bounded
 *   backoff before throwing the explained error.
 * - Reads the stored token data first (credentialState.ts): a credential TikTok refused to connect
 *   fails before any call, and a 401 after a refused refresh says so, with TikTok's reason.
 *
 * About 350 lines: the request loop and the two pure readers it is built on (what a thrown request
 * error means, what a response envelope means) are one behaviour, and the readers are exported only
 * so their tables of cases can be unit-tested.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { resolveApiBaseUrl, TIKTOK_CREDENTIAL_NAME } from './constants';
import { refreshRefusal, tokenState } from './credentialState';
import {
	scrubSecrets,
	tikTokApiError,
	tikTokTokenError,
	type OAuthRefusal,
	type TikTokErrorInfo,
	type TokenRefusalKind,
} from './errors';
import { responseHeader } from './http';
import { tryParseJsonPreservingBigIntegers } from './json';
import { acquirePacingSlot, holdAfterRateLimit, rateLimitBackoffMs } from './pacing';

export type RateLimitedEndpoint = 'init' | 'creatorInfo' | 'status' | 'other';

export interface TikTokResponse<T> {
	data: T;
	logId: string;
}

export interface TikTokRequestOptions {
	body?: IDataObject;
	query?: IDataObject;
	itemIndex?: number;
	rateLimit?: RateLimitedEndpoint;
}

/**
 * How many times a 429 / rate_limit_exceeded answer is retried before the error is thrown. A refused
 * call created nothing, so waiting is safe; with the backoff (a quarter, a half, then whole windows)
 * this covers about five minutes, long enough for another n8n process posting for the same account
 * (queue mode: its pacing cannot see ours) to use up a backlog of some 30 inits.
 */
export const MAX_RATE_LIMIT_RETRIES = 6;

type TikTokContext = IExecuteFunctions | ILoadOptionsFunctions;

/** Pacing key: the node's credential id for tikTokOAuth2Api, else its name. */
export function pacingKeyForNode(node: INode): string {
	const ref = node.credentials?.[TIKTOK_CREDENTIAL_NAME];
	return ref?.id ?? ref?.name ?? 'tikTokOAuth2Api:default';
}

function getCancelSignal(ctx: TikTokContext): AbortSignal | undefined {
	const fn = (ctx as Partial<IExecuteFunctions>).getExecutionCancelSignal;
	return typeof fn === 'function' ? fn.call(ctx) : undefined;
}

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

/**
 * Reads status, body and headers out of what `httpRequestWithAuthentication` throws. n8n-core
 * throws `NodeApiError` whose `cause` is the axios error (`cause.response.status`,
 * `cause.response.data` — a string because we request text — and `cause.response.headers`); after a
 * failed refresh the cause is client-oauth2's AuthError (`cause.body = {error, error_description,
 * log_id}`, HTTP >= 400 from the token endpoint, so a refused refresh) or n8n's "needs to be
 * reconnected" NodeOperationError; the credential's own preAuthentication marks a refused connect with
 * `tikTokTokenProblem`. Only those fields are copied.
 */
export function outcomeFromThrown(error: unknown, aborted = false): RawOutcome {
	const chain: Array<Record<string, unknown>> = [];
	let current: unknown = error;
	for (let depth = 0; depth < 5; depth++) {
		const rec = asRecord(current);
		if (!rec || chain.includes(rec)) break;
		chain.push(rec);
		current = rec.cause;
	}
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
	for (const rec of chain) {
		const body = asRecord(rec.body);
		if (body && typeof body.error === 'string') {
			const refusal: OAuthRefusal = {
				error: body.error || undefined,
				errorDescription: typeof body.error_description === 'string' ? body.error_description : undefined,
				logId: typeof body.log_id === 'string' ? body.log_id : undefined,
			};
			const kind: TokenRefusalKind = rec.tikTokTokenProblem === 'connect_refused' ? 'connect' : 'refresh';
			return { status: typeof rec.status === 'number' ? rec.status : undefined, refused: { kind, refusal } };
		}
	}
	const messages = chain.map((rec) => (typeof rec.message === 'string' ? rec.message : ''));
	const names = chain.map((rec) => (typeof rec.name === 'string' ? rec.name : ''));
	const codes = chain.map((rec) => (typeof rec.code === 'string' ? rec.code : ''));
	if (aborted || names.includes('CanceledError') || names.includes('AbortError') || codes.includes('ERR_CANCELED')) {
		return { info: { code: 'request_cancelled' } };
	}
	if (messages.some((m) => /needs to be reconnected/i.test(m))) {
		// n8n-core's wording for an invalid_grant answered with HTTP >= 400 (TikTok's body is not kept)
		return { refused: { kind: 'refresh', refusal: { error: 'invalid_grant' } } };
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

interface ParsedEnvelope {
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

function isRateLimited(status: number | undefined, info: TikTokErrorInfo): boolean {
	return status === 429 || info.code === 'rate_limit_exceeded';
}

/**
 * Calls a TikTok v2 JSON endpoint (relative to the credential's API base) and returns `data` and
 * `log_id`; throws the explained NodeApiError otherwise.
 */
export async function tikTokApiRequest<T = IDataObject>(
	this: TikTokContext,
	method: 'GET' | 'POST',
	endpoint: string,
	options: TikTokRequestOptions = {},
): Promise<TikTokResponse<T>> {
	const { body, query, itemIndex, rateLimit } = options;
	const node = this.getNode();
	const credentials = (await (this as IExecuteFunctions).getCredentials<ICredentialDataDecryptedObject>(
		TIKTOK_CREDENTIAL_NAME,
		itemIndex,
	)) as ICredentialDataDecryptedObject;
	// Nothing is sent with token data TikTok refused to issue (n8n stores its HTTP-200 error body).
	const state = tokenState(credentials);
	if (!state.usable) {
		throw state.kind === 'connect_refused'
			? tikTokTokenError(node, 'connect', state.refusal, itemIndex)
			: tikTokApiError(node, { code: 'credential_not_connected' }, itemIndex);
	}
	const baseUrl = resolveApiBaseUrl({
		environment: credentials.environment as string | undefined,
		apiBaseUrl: credentials.apiBaseUrl as string | undefined,
	});
	const url = `${baseUrl}${endpoint.startsWith('/') ? '' : '/'}${endpoint}`;
	const signal = getCancelSignal(this);
	const key = pacingKeyForNode(node);

	for (let attempt = 0; ; attempt++) {
		let ticket;
		try {
			ticket = await acquirePacingSlot(key, rateLimit, signal);
		} catch {
			throw tikTokApiError(node, { code: 'request_cancelled' }, itemIndex);
		}
		const headers: IDataObject = { Accept: 'application/json' };
		const requestOptions: IHttpRequestOptions = {
			method: method as IHttpRequestMethods,
			url,
			headers,
			json: false,
			encoding: 'text',
			returnFullResponse: true,
		};
		if (query && Object.keys(query).length > 0) requestOptions.qs = query;
		if (method === 'POST' || body !== undefined) {
			// Always a JSON body on POST ('{}' when empty): n8n drops Content-Type from body-less requests.
			headers['Content-Type'] = 'application/json; charset=UTF-8';
			requestOptions.body = JSON.stringify(body ?? {});
		}

		let outcome: RawOutcome;
		try {
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				TIKTOK_CREDENTIAL_NAME,
				requestOptions,
			)) as { body?: unknown; statusCode?: number; headers?: unknown };
			outcome = {
				status: typeof response?.statusCode === 'number' ? response.statusCode : 200,
				bodyText: bodyToText(response?.body),
				retryAfterSec: retryAfterOf(response?.headers),
			};
		} catch (error) {
			outcome = outcomeFromThrown(error, signal?.aborted === true);
		} finally {
			ticket.done();
		}

		if (outcome.refused) {
			throw tikTokTokenError(node, outcome.refused.kind, outcome.refused.refusal, itemIndex);
		}
		if (outcome.info) {
			throw tikTokApiError(node, outcome.info, itemIndex);
		}
		const parsed = interpretResponse(outcome.status, outcome.bodyText);
		if (parsed.ok) {
			return { data: (parsed.data ?? {}) as T, logId: parsed.info.logId ?? '' };
		}
		if (isRateLimited(outcome.status, parsed.info) && attempt < MAX_RATE_LIMIT_RETRIES) {
			const wait = rateLimitBackoffMs(attempt, outcome.retryAfterSec);
			holdAfterRateLimit(key, rateLimit, wait);
			this.logger?.warn(
				`TikTok rate limit on ${endpoint} (log_id ${parsed.info.logId ?? 'none'}); retry ${attempt + 1}/${MAX_RATE_LIMIT_RETRIES} in ${wait} ms`,
			);
			try {
				await sleep(wait, signal);
			} catch {
				throw tikTokApiError(node, { code: 'request_cancelled' }, itemIndex);
			}
			continue;
		}
		this.logger?.debug(
			`TikTok ${method} ${endpoint} failed: ${parsed.info.code} (HTTP ${parsed.info.httpStatus ?? '-'}, log_id ${parsed.info.logId ?? 'none'})`,
		);
		if (outcome.status === 401) {
			// n8n-core refreshed and retried before this 401 reached us: did the refresh give a new token?
			const refusal = await refusalOfLastRefresh(this, credentials, itemIndex);
			if (refusal) throw tikTokTokenError(node, 'refresh', refusal, itemIndex);
		}
		throw tikTokApiError(node, parsed.info, itemIndex);
	}
}

/** What TikTok said when it refused the refresh n8n-core just attempted, or undefined if a new token came. */
async function refusalOfLastRefresh(
	ctx: TikTokContext,
	used: ICredentialDataDecryptedObject,
	itemIndex?: number,
): Promise<OAuthRefusal | undefined> {
	try {
		const now = await (ctx as IExecuteFunctions).getCredentials(TIKTOK_CREDENTIAL_NAME, itemIndex);
		return refreshRefusal(used.oauthTokenData, now.oauthTokenData);
	} catch {
		return undefined;
	}
}

/** True when `error` is a TikTok error built by errors.ts with the given code. */
export function isTikTokErrorCode(error: unknown, code: string): boolean {
	return error instanceof NodeApiError && error.context?.tiktokCode === code;
}
