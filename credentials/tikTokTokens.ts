import type { IDataObject, IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

/*
 * What the TikTok credential's `preAuthentication` does with the token data n8n hands it (n8n 2.x).
 *
 * n8n-core 2.41 (`requestOAuth2` / `refreshOrFetchToken`, request-helpers/oauth.js) runs the hook twice
 * around a refresh, with the same credentials object:
 * 1. before every signed request: its result is used for signing, never saved;
 * 2. right after n8n's own refresh, inside n8n's refresh lease: its result signs the retry and is saved.
 * A refresh token may only be spent in call 2 (TikTok rotates refresh tokens: a refresh whose result is
 * not saved loses the credential). The calls are told apart by the data: call 1 writes the value of
 * `n8n_expires_at` it saw into `REQUEST_MARK` (in memory only); n8n's refresh recomputes `n8n_expires_at`
 * from `expires_in` (`addExpiresAt`) and carries the mark over (`{...token.data, ...newToken.data}`), so
 * in call 2 the mark is there and no longer matches. Stored data never keeps the mark: call 2 always
 * returns the data without it, and nothing is saved when it throws.
 *
 * Call 1 also drops TikTok error fields left in stored data (by n8n 1.x, or by an older version of this
 * package), so that error fields in call 2 can only come from the refresh n8n has just made.
 */

const REQUEST_MARK = 'tiktokExpiresAtBeforeRefresh';
const ERROR_FIELDS = ['error', 'error_description', 'log_id'];
/** What a successful TikTok token answer holds (docs/tiktok-api.md §1.3); nothing else is taken from it. */
const TOKEN_FIELDS = ['access_token', 'expires_in', 'open_id', 'refresh_token', 'refresh_expires_in', 'scope', 'token_type'];

export const TIKTOK_TOKEN_URL = 'https://open.tiktokapis.com/v2/oauth/token/';

export function asObject(value: unknown): IDataObject | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as IDataObject) : undefined;
}

export const text = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 300) : '');

function without(data: IDataObject, keys: string[]): IDataObject {
	const copy = { ...data };
	for (const key of keys) delete copy[key];
	return copy;
}

/** Call 1: the data to sign with, marked, without stale TikTok error fields. */
export function markedBeforeRequest(data: IDataObject): IDataObject {
	return { ...without(data, ERROR_FIELDS), [REQUEST_MARK]: String(data.n8n_expires_at ?? '') };
}

/** Call 2: n8n has just refreshed (the mark is there and n8n_expires_at was recomputed since). */
export function isAfterRefresh(data: IDataObject): boolean {
	return typeof data[REQUEST_MARK] === 'string' && data[REQUEST_MARK] !== String(data.n8n_expires_at ?? '');
}

/** The data n8n is about to save, without our mark. */
export function unmarked(data: IDataObject): IDataObject {
	return without(data, [REQUEST_MARK]);
}

/** TikTok's refusal in token data or in a token answer, if any. */
export function refusalOf(data: IDataObject | undefined): IDataObject | undefined {
	if (!data || text(data.error) === '') return undefined;
	return { error: text(data.error), error_description: text(data.error_description), log_id: text(data.log_id) };
}

/**
 * Clean token data after a refresh completed in the form body: the merged data n8n was about to save,
 * without TikTok's error fields and our mark, with the new tokens over it. `n8n_expires_at` is moved by
 * the difference in `expires_in`, as n8n computes it (`Date.now() + expires_in * 1000` a moment ago).
 */
export function completedTokenData(merged: IDataObject, answer: IDataObject): IDataObject {
	const fresh: IDataObject = {};
	for (const key of TOKEN_FIELDS) if (answer[key] !== undefined) fresh[key] = answer[key];
	const next = { ...without(merged, [...ERROR_FIELDS, REQUEST_MARK]), ...fresh };
	const shownAt = Number(merged.n8n_expires_at);
	const shift = Number(answer.expires_in) - Number(merged.expires_in);
	if (Number.isFinite(shownAt) && Number.isFinite(shift)) next.n8n_expires_at = String(shownAt + shift * 1000);
	return next;
}

/** The token URL without the `client_key` query the credential adds for n8n's own calls. */
export function documentedTokenUrl(credentials: IDataObject): string {
	return credentials.environment === 'custom' ? text(credentials.customTokenUrl) : TIKTOK_TOKEN_URL;
}

function parseAnswer(body: unknown): IDataObject | undefined {
	if (typeof body !== 'string') return asObject(body);
	try {
		return asObject(JSON.parse(body));
	} catch {
		return undefined;
	}
}

/** No answer from the token endpoint (a credential has no node for NodeApiError; the transport explains it). */
function unreachableError(code: string): Error {
	return new Error(`Could not reach TikTok's token endpoint to refresh the access token${code ? ` (${code})` : ''}.`);
}

/**
 * POST /v2/oauth/token/ the way TikTok documents a refresh (docs/tiktok-api.md §1.4): form body client_key,
 * client_secret, grant_type=refresh_token, refresh_token. Returns TikTok's flat answer (tokens or error
 * fields, whatever the HTTP status). A failure to get an answer throws an error that holds no request data.
 */
export async function refreshInFormBody(
	helper: IHttpRequestHelper,
	credentials: IDataObject,
	refreshToken: string,
): Promise<IDataObject> {
	const form = new URLSearchParams({
		client_key: String(credentials.clientId ?? ''),
		client_secret: String(credentials.clientSecret ?? ''),
		grant_type: 'refresh_token',
		refresh_token: refreshToken,
	});
	const request: IHttpRequestOptions = {
		method: 'POST',
		url: documentedTokenUrl(credentials),
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Cache-Control': 'no-cache' },
		body: form.toString(),
		json: false,
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	let response: { body?: unknown; statusCode?: number } | undefined;
	try {
		response = (await helper.helpers.httpRequest(request)) as typeof response;
	} catch (error) {
		// The thrown error's config holds the form body (secret, refresh token): keep only its code.
		throw unreachableError(text((error as { code?: unknown })?.code));
	}
	const answer = parseAnswer(response?.body);
	if (answer) return answer;
	return { error: 'invalid_response', error_description: `TikTok's token endpoint answered HTTP ${response?.statusCode ?? '?'} without a JSON body.` };
}

/** TikTok refused the connection (its error fields, no access token), or the credential holds no token. */
export function connectRefusedError(data: IDataObject): Error {
	const reason = [text(data.error), text(data.error_description)].filter(Boolean).join(': ');
	const logId = text(data.log_id);
	const what = reason
		? `TikTok refused to connect this credential (${reason})${logId ? `, TikTok log_id ${logId}` : ''}.`
		: 'This TikTok credential holds no access token.';
	const error = new Error(
		`${what} Check the Client Key and Client Secret in the credential (copy them again from the TikTok developer portal), save, and click "Connect my account" again.`,
	);
	// Read by the nodes' transport; the same fields an OAuth error body has.
	Object.assign(error, {
		tikTokTokenProblem: 'connect_refused',
		body: { error: text(data.error), error_description: text(data.error_description), log_id: logId },
	});
	return error;
}

/**
 * TikTok refused n8n's refresh (client_key in the token URL's query string) and then the refresh with
 * client_key in the form body: `refusal` is what it said the last time. Nothing is saved (n8n saves after
 * this hook returns), so the stored refresh token, which TikTok did not use up, stays.
 */
export function refreshRefusedError(refusal: IDataObject): Error {
	const reason = [text(refusal.error), text(refusal.error_description)].filter(Boolean).join(': ');
	const logId = text(refusal.log_id);
	const error = new Error(
		`TikTok refused to refresh the access token (${reason})${logId ? `, TikTok log_id ${logId}` : ''}. It refused n8n's refresh (client_key in the token URL's query string) and then the credential's refresh with client_key in the form body, as TikTok documents it. Check the Client Key and Client Secret, save, and click "Connect my account" again.`,
	);
	Object.assign(error, { tikTokTokenProblem: 'refresh_refused', tikTokRefreshRoute: 'query_then_body', body: refusal });
	return error;
}
