/**
 * The errors for a credential TikTok refused: to connect (the stored token data holds TikTok's error
 * and no access token) or to refresh. TikTok answers both with HTTP 200 and an OAuth error body, so
 * n8n showed "Account connected" or went on with the old token; these errors say what happened.
 */
import type { INode, NodeApiError } from 'n8n-workflow';

import { CHECK_KEYS_AND_CONNECT, RECONNECT, RECONNECT_MID_SENTENCE, REFRESH_REFUSED, TIKTOK_ERROR_CODES } from './errorCatalogue';
import { codeHeadline, explainedApiError, logIdNote, scrubSecrets, tikTokWords } from './errors';

/** What TikTok's token endpoint said when it refused (the flat OAuth error body). */
export interface OAuthRefusal {
	error?: string;
	errorDescription?: string;
	logId?: string;
}

export type TokenRefusalKind = 'connect' | 'refresh';

/** What to do for a refused refresh, by TikTok's OAuth error category. */
function refreshAdvice(refusal: OAuthRefusal): string {
	const said = `${refusal.error ?? ''} ${refusal.errorDescription ?? ''}`;
	if (/client_key/i.test(said)) {
		return 'n8n 2.x can send client_key on a refresh only in the token URL\'s query string, and TikTok did not accept it there. Until n8n sends it in the body, click "Connect my account" again whenever the access token has expired, or set the Custom environment\'s Access Token URL to a proxy that copies client_key into the body (README, "Token refresh").';
	}
	if (refusal.error === 'invalid_client') return TIKTOK_ERROR_CODES.invalid_client.hint;
	if (refusal.error === 'invalid_grant') {
		return `The refresh token expired or was revoked. ${RECONNECT}`;
	}
	return `Check the Client Key and Client Secret in the credential, then ${RECONNECT_MID_SENTENCE}`;
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
			: REFRESH_REFUSED;
	const advice = kind === 'connect' ? connectAdvice(refusal) : refreshAdvice(refusal);
	const logId = refusal.logId ? scrubSecrets(refusal.logId) : undefined;
	return explainedApiError(
		node,
		{ code, error: refusal.error ?? null, log_id: logId ?? null },
		{ message: codeHeadline(summary, code), description: `${context} ${advice}${logIdNote(logId)}`, itemIndex },
		{ tiktokCode: code, tiktokOAuthError: refusal.error ?? null, logId: logId ?? null, httpStatus: null },
	);
}
