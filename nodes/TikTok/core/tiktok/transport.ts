/**
 * The one way to call TikTok's JSON endpoints.
 *
 * - Signs through `helpers.httpRequestWithAuthentication('tikTokOAuth2Api', …)`, so n8n-core adds the
 *   Bearer token and, on HTTP 401, refreshes the token once (saving the rotated refresh token) and
 *   retries. We never ignore HTTP status errors: that 401 path depends on the request throwing.
 * - Reads the body as bytes (n8n 1.x keeps an error's body only as an object) and parses it as UTF-8 with
 *   `parseJsonPreservingBigIntegers` (post ids stay exact).
 * - Success only when `error.code === 'ok'`, whatever the HTTP status; anything else becomes a
 *   NodeApiError from errors.ts, built from a clean object (never from the thrown HTTP error, whose
 *   config holds the Authorization header). What an answer or a thrown error means is read by
 *   apiOutcome.ts.
 * - Paces calls per credential (pacing.ts) and retries HTTP 429 / `rate_limit_exceeded` with a bounded
 *   backoff before throwing the explained error.
 * - Reads the stored token data first (credentialState.ts): a credential TikTok refused to connect
 *   fails before any call, and a 401 after a refused refresh says so, with TikTok's reason.
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
import { sleep } from 'n8n-workflow';

import { interpretResponse, outcomeFromResponse, outcomeFromThrown, type ParsedEnvelope, type RawOutcome } from './apiOutcome';
import { resolveApiBaseUrl, TIKTOK_CREDENTIAL_NAME } from './constants';
import { refreshRefusal, tokenState } from './credentialState';
import { tikTokApiError } from './errors';
import { acquirePacingSlot, holdAfterRateLimit, rateLimitBackoffMs } from './pacing';
import { tikTokTokenError, type OAuthRefusal } from './tokenErrors';

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

/** One call as the loop below sends it, again and again after a 429. */
interface PreparedCall {
	node: INode;
	credentials: ICredentialDataDecryptedObject;
	endpoint: string;
	request: IHttpRequestOptions;
	itemIndex?: number;
	rateLimit?: RateLimitedEndpoint;
	pacingKey: string;
	signal?: AbortSignal;
}

/** Pacing key: the node's credential id for tikTokOAuth2Api, else its name. */
export function pacingKeyForNode(node: INode): string {
	const ref = node.credentials?.[TIKTOK_CREDENTIAL_NAME];
	return ref?.id ?? ref?.name ?? 'tikTokOAuth2Api:default';
}

function getCancelSignal(ctx: TikTokContext): AbortSignal | undefined {
	const fn = (ctx as Partial<IExecuteFunctions>).getExecutionCancelSignal;
	return typeof fn === 'function' ? fn.call(ctx) : undefined;
}

function isRateLimited(status: number | undefined, parsed: ParsedEnvelope): boolean {
	return status === 429 || parsed.info.code === 'rate_limit_exceeded';
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
	const call = await prepareCall(this, method, endpoint, options);
	for (let attempt = 0; ; attempt++) {
		const outcome = await sendOnce(this, call);
		if (outcome.refused) {
			throw tikTokTokenError(call.node, outcome.refused.kind, outcome.refused.refusal, call.itemIndex);
		}
		if (outcome.info) throw tikTokApiError(call.node, outcome.info, call.itemIndex);
		const parsed = interpretResponse(outcome.status, outcome.bodyText);
		if (parsed.ok) return { data: (parsed.data ?? {}) as T, logId: parsed.info.logId ?? '' };
		if (isRateLimited(outcome.status, parsed) && attempt < MAX_RATE_LIMIT_RETRIES) {
			await waitAfterRateLimit(this, call, attempt, outcome, parsed);
			continue;
		}
		this.logger?.debug(
			`TikTok ${method} ${endpoint} failed: ${parsed.info.code} (HTTP ${parsed.info.httpStatus ?? '-'}, log_id ${parsed.info.logId ?? 'none'})`,
		);
		if (outcome.status === 401) {
			// n8n-core refreshed and retried before this 401 reached us: did the refresh give a new token?
			const refusal = await refusalOfLastRefresh(this, call.credentials, call.itemIndex);
			// n8n refreshed by itself and saved TikTok's refusal (n8n 1.x; on 2.x the credential throws instead)
			if (refusal) throw tikTokTokenError(call.node, 'refresh', { ...refusal, route: 'query' }, call.itemIndex);
		}
		throw tikTokApiError(call.node, parsed.info, call.itemIndex);
	}
}

/**
 * Reads the credential and builds the request. Nothing is sent with token data TikTok refused to
 * issue (n8n stores its HTTP-200 error body as the token data).
 */
async function prepareCall(
	ctx: TikTokContext,
	method: 'GET' | 'POST',
	endpoint: string,
	{ body, query, itemIndex, rateLimit }: TikTokRequestOptions,
): Promise<PreparedCall> {
	const node = ctx.getNode();
	const credentials = (await (ctx as IExecuteFunctions).getCredentials<ICredentialDataDecryptedObject>(
		TIKTOK_CREDENTIAL_NAME,
		itemIndex,
	)) as ICredentialDataDecryptedObject;
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
	const headers: IDataObject = { Accept: 'application/json' };
	const request: IHttpRequestOptions = {
		method: method as IHttpRequestMethods,
		url: `${baseUrl}${endpoint.startsWith('/') ? '' : '/'}${endpoint}`,
		headers,
		json: false,
		// bytes, not text: n8n 1.x keeps an error's body only when it is an object (a Buffer is one)
		encoding: 'arraybuffer',
		returnFullResponse: true,
	};
	if (query && Object.keys(query).length > 0) request.qs = query;
	if (method === 'POST' || body !== undefined) {
		// Always a JSON body on POST ('{}' when empty): n8n drops Content-Type from body-less requests.
		headers['Content-Type'] = 'application/json; charset=UTF-8';
		request.body = JSON.stringify(body ?? {});
	}
	const pacingKey = pacingKeyForNode(node);
	return { node, credentials, endpoint, request, itemIndex, rateLimit, pacingKey, signal: getCancelSignal(ctx) };
}

/**
 * One paced, signed request, and what came back (an answer or the reading of what was thrown). Each
 * send gets its own copy of the request: signing writes the Authorization header into it.
 */
async function sendOnce(ctx: TikTokContext, call: PreparedCall): Promise<RawOutcome> {
	const request: IHttpRequestOptions = { ...call.request, headers: { ...call.request.headers } };
	let ticket;
	try {
		ticket = await acquirePacingSlot(call.pacingKey, call.rateLimit, call.signal);
	} catch {
		throw tikTokApiError(call.node, { code: 'request_cancelled' }, call.itemIndex);
	}
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			TIKTOK_CREDENTIAL_NAME,
			request,
		)) as { body?: unknown; statusCode?: number; headers?: unknown };
		return outcomeFromResponse(response);
	} catch (error) {
		return outcomeFromThrown(error, call.signal?.aborted === true);
	} finally {
		ticket.done();
	}
}

/** Holds this kind of call for the credential, then sleeps the backoff (cancellable). */
async function waitAfterRateLimit(
	ctx: TikTokContext,
	call: PreparedCall,
	attempt: number,
	outcome: RawOutcome,
	parsed: ParsedEnvelope,
): Promise<void> {
	const wait = rateLimitBackoffMs(attempt, outcome.retryAfterSec);
	holdAfterRateLimit(call.pacingKey, call.rateLimit, wait);
	ctx.logger?.warn(
		`TikTok rate limit on ${call.endpoint} (log_id ${parsed.info.logId ?? 'none'}); retry ${attempt + 1}/${MAX_RATE_LIMIT_RETRIES} in ${wait} ms`,
	);
	try {
		await sleep(wait, call.signal);
	} catch {
		throw tikTokApiError(call.node, { code: 'request_cancelled' }, call.itemIndex);
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
