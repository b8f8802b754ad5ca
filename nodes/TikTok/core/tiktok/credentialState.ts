/**
 * What the stored credential says before (and after) a call, read from its data only:
 * - is there a usable access token, or did TikTok refuse the connection? TikTok answers token errors
 *   with HTTP 200 and n8n 2.41 stores such a body as the token data (`{error, error_description,
 *   log_id}`, merged over the old tokens on a refused refresh), so "connected" in n8n proves nothing;
 * - did the refresh n8n just attempted give a new access token?
 * - may this credential post directly, or is it set to (or granted) drafts only?
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { OAuthRefusal } from './tokenErrors';
import { NOTHING_SENT } from './wording';

export type TokenState =
	| { usable: true }
	| { usable: false; kind: 'not_connected' }
	| { usable: false; kind: 'connect_refused'; refusal: OAuthRefusal };

function asObject(value: unknown): IDataObject | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as IDataObject) : undefined;
}

const text = (value: unknown): string | undefined =>
	typeof value === 'string' && value.trim() !== '' ? value : undefined;

/** TikTok's error fields in stored token data, if any. */
export function refusalIn(tokenData: unknown): OAuthRefusal | undefined {
	const data = asObject(tokenData);
	const error = text(data?.error);
	if (!data || !error) return undefined;
	return { error, errorDescription: text(data.error_description), logId: text(data.log_id) };
}

/** The stored access token, or undefined when there is none. */
export function accessTokenIn(tokenData: unknown): string | undefined {
	return text(asObject(tokenData)?.access_token);
}

/**
 * Whether the stored token data can sign a request. Without an access token, TikTok's error fields
 * (when present) say why the connection was refused. Error fields next to an access token are not
 * trusted here: n8n keeps them after a later successful refresh.
 */
export function tokenState(credentials: ICredentialDataDecryptedObject): TokenState {
	if (accessTokenIn(credentials.oauthTokenData)) return { usable: true };
	const refusal = refusalIn(credentials.oauthTokenData);
	return refusal ? { usable: false, kind: 'connect_refused', refusal } : { usable: false, kind: 'not_connected' };
}

/**
 * After TikTok answered 401 to a request n8n-core signed: n8n-core has refreshed the token and retried.
 * When the stored access token is still the one used before, the refresh gave no new token, i.e. TikTok
 * refused it (with HTTP 200, merged into the token data). Returns what TikTok said, when it said
 * something new; an empty refusal when the fields did not change; undefined when a new token came.
 */
export function refreshRefusal(before: unknown, after: unknown): OAuthRefusal | undefined {
	const usedToken = accessTokenIn(before);
	if (!usedToken || accessTokenIn(after) !== usedToken) return undefined;
	const now = refusalIn(after);
	const earlier = refusalIn(before);
	if (!now) return {};
	const unchanged =
		earlier !== undefined &&
		earlier.error === now.error &&
		earlier.errorDescription === now.errorDescription &&
		earlier.logId === now.logId;
	return unchanged ? {} : now;
}

export type PostingAccess = 'draftsAndDirect' | 'draftsOnly';

/**
 * Why this credential cannot post directly, or undefined when it can: the user chose Drafts Only in the
 * credential, or the connected account did not grant video.publish (TikTok's `scope` in the token data).
 */
export function directPostBlocker(credentials: ICredentialDataDecryptedObject): string | undefined {
	if (credentials.postingAccess === 'draftsOnly') {
		return `This TikTok credential is set to Drafts Only (Posting Access), so it cannot post directly (Direct Post). ${NOTHING_SENT}`;
	}
	const granted = text(asObject(credentials.oauthTokenData)?.scope);
	if (granted && !granted.split(/[\s,]+/).includes('video.publish')) {
		return `The connected TikTok account did not grant video.publish (granted: ${granted}), so this credential cannot post directly (Direct Post). ${NOTHING_SENT}`;
	}
	return undefined;
}

/** What to do about a direct-post blocker. */
export const DIRECT_POST_BLOCKED_HINT =
	'Send it as a draft instead (TikTok Upload Video, or TikTok Post Photos with Post Mode "Send to Inbox as Draft"), or set Posting Access to "Drafts and Direct Posts" in the credential (your TikTok app needs Direct Post), save and click "Connect my account" again.';
