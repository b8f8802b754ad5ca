/**
 * The errors for a credential TikTok refused: to connect (the stored token data holds TikTok's error
 * and no access token) or to refresh. TikTok answers both with HTTP 200 and an OAuth error body, so
 * n8n showed "Account connected" or went on with the old token; these errors say what happened.
 */
import type { INode, NodeApiError } from 'n8n-workflow';

import {
	CHECK_KEYS_AND_CONNECT,
	RECONNECT,
	RECONNECT_MID_SENTENCE,
	REFRESH_REFUSED,
	REFRESH_REFUSED_WITH_HTTP_ERROR,
	TIKTOK_ERROR_CODES,
} from './errorCatalogue';
import { codeHeadline, explainedApiError, logIdNote, scrubSecrets, tikTokWords } from './errors';

/**
 * How far a refresh got before TikTok's refusal reached the node (docs/compatibility.md):
 * - `query_then_body`: n8n 2.x; TikTok refused n8n's refresh (client_key in the token URL's query
 *   string), then the credential's, with client_key in the form body (credentials/tikTokTokens.ts);
 * - `query`: n8n refreshed by itself and saved TikTok's HTTP-200 refusal (n8n 1.x: no credential step);
 * - `query_http_error`: TikTok refused n8n's refresh with an HTTP error status, at which n8n stops.
 */
export type RefreshRoute = 'query_then_body' | 'query' | 'query_http_error';

/** What TikTok's token endpoint said when it refused (the flat OAuth error body). */
export interface OAuthRefusal {
	error?: string;
	errorDescription?: string;
	logId?: string;
	/** for a refresh: how far it got */
	route?: RefreshRoute;
	/** n8n 1.x kept only TikTok's error code (client-oauth2's text for it), not its description nor log_id */
	onlyTheCode?: boolean;
}

export type TokenRefusalKind = 'connect' | 'refresh';

const PROXY = 'or set the Custom environment\'s Access Token URL to a proxy that copies client_key into the form body (README, "Token refresh")';
const RECONNECT_EACH_EXPIRY = 'click "Connect my account" again whenever the access token has expired';

/** What happened, by how far the refresh got. */
function refreshContext(refusal: OAuthRefusal): string {
	if (refusal.route === 'query_then_body') {
		return "The access token had expired. TikTok refused n8n's refresh (client_key in the token URL's query string) and then the credential's, with client_key in the form body as TikTok documents it; the reason is TikTok's answer to the last one. Nothing was saved: the stored refresh token is unchanged.";
	}
	if (refusal.route === 'query_http_error') {
		const dropped = refusal.onlyTheCode ? " n8n 1.x passes on only TikTok's error code, not its description or log_id." : '';
		return `${REFRESH_REFUSED_WITH_HTTP_ERROR}${dropped}`;
	}
	return REFRESH_REFUSED;
}

/** What to do for a refused refresh, by TikTok's OAuth error category and how far the refresh got. */
function refreshAdvice(refusal: OAuthRefusal): string {
	const said = `${refusal.error ?? ''} ${refusal.errorDescription ?? ''}`;
	if (/client_key/i.test(said) && refusal.route === 'query_then_body') {
		return `TikTok did not take client_key from the form body either: ${CHECK_KEYS_AND_CONNECT.charAt(0).toLowerCase()}${CHECK_KEYS_AND_CONNECT.slice(1)}`;
	}
	if (/client_key/i.test(said) && refusal.route === 'query_http_error') {
		return `n8n lets no credential act on an HTTP error from the token endpoint: ${RECONNECT_EACH_EXPIRY}, ${PROXY}.`;
	}
	if (/client_key/i.test(said)) {
		return `Update n8n to 2.x, where the credential completes the refresh with client_key in the form body. On n8n 1.x, ${RECONNECT_EACH_EXPIRY}, ${PROXY}.`;
	}
	if (refusal.error === 'invalid_client') return TIKTOK_ERROR_CODES.invalid_client.hint;
	if (refusal.error === 'invalid_grant') {
		return `The refresh token expired or was revoked. ${RECONNECT}`;
	}
	const generic = `Check the Client Key and Client Secret in the credential, then ${RECONNECT_MID_SENTENCE}`;
	if (refusal.onlyTheCode && refusal.error === 'invalid_request') {
		return `${generic} If it happens at every expiry, TikTok wants client_key in the form body, which n8n 1.x cannot send: update n8n to 2.x, or ${RECONNECT_EACH_EXPIRY}, ${PROXY}.`;
	}
	return generic;
}

/** What to do for a refused connect, by TikTok's OAuth error category. */
function connectAdvice(refusal: OAuthRefusal): string {
	if (refusal.error && refusal.error !== 'invalid_client' && Object.prototype.hasOwnProperty.call(TIKTOK_ERROR_CODES, refusal.error)) {
		return `${TIKTOK_ERROR_CODES[refusal.error].hint} ${CHECK_KEYS_AND_CONNECT}`;
	}
	return CHECK_KEYS_AND_CONNECT;
}

/**
 * The error for a credential TikTok refused to connect or to refresh. TikTok's reason goes in the
 * headline: it is what the user needs; n8n's own wording ("Unable to sign without access token")
 * never appears.
 */
export function tikTokTokenError(
	node: INode,
	kind: TokenRefusalKind,
	refusal: OAuthRefusal,
	itemIndex?: number,
): NodeApiError {
	const code = kind === 'connect' ? 'token_connect_refused' : 'token_refresh_refused';
	const reason = [tikTokWords(refusal.error), tikTokWords(refusal.errorDescription)].filter(Boolean).join(': ');
	const summary = `${TIKTOK_ERROR_CODES[code].summary}${reason ? ` (${reason})` : ''}`;
	const context =
		kind === 'connect'
			? 'TikTok answered the sign-in with an error instead of a token (with HTTP 200, so n8n showed "Account connected"), so nothing can be sent to TikTok with this credential.'
			: refreshContext(refusal);
	const advice = kind === 'connect' ? connectAdvice(refusal) : refreshAdvice(refusal);
	const logId = refusal.logId ? scrubSecrets(refusal.logId) : undefined;
	return explainedApiError(
		node,
		{ code, error: refusal.error ?? null, log_id: logId ?? null },
		{ message: codeHeadline(summary, code), description: `${context} ${advice}${logIdNote(logId)}`, itemIndex },
		{ tiktokCode: code, tiktokOAuthError: refusal.error ?? null, logId: logId ?? null, httpStatus: null },
	);
}
