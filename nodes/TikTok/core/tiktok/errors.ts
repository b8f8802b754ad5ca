/**
 * TikTok error codes and fail reasons -> plain-language summary + what to do, and the one builder of
 * NodeApiError for TikTok failures.
 *
 * `tikTokApiError()` builds the error from a clean object (code, message, log_id, HTTP status) and
 * never from a raw HTTP-library error, whose request config holds the Authorization header.
 * Error message: `<summary> [<code>]`; description: `<hint> (TikTok log_id: <id>)`.
 *
 * Longer than the other modules because most of it is two tables (every error code and fail reason
 * of tiktok-api.md, one line each); README's error tables are generated from them.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

export interface TikTokErrorInfo {
	code: string;
	message?: string;
	logId?: string;
	httpStatus?: number;
}

export interface TikTokExplanation {
	summary: string;
	hint: string;
}

const RETRY_LATER = 'Wait a while and run the workflow again.';
const RECONNECT =
	'Open the TikTok credential in n8n and click "Connect my account" (reconnect) to sign in to TikTok again.';

/**
 * Every error code of docs tiktok-api.md: §2 generic v2 codes, §3.1 creator_info "cannot post"
 * codes, §7 init codes, §5 status/cancel codes, §1.7 OAuth categories; plus a few codes this
 * package uses for failures that carry no TikTok code (network, unreadable answer).
 */
export const TIKTOK_ERROR_CODES: Readonly<Record<string, TikTokExplanation>> = {
	// §0/§2 generic v2 codes
	ok: {
		summary: 'TikTok reported success',
		hint: 'No action needed.',
	},
	access_token_invalid: {
		summary: 'TikTok rejected the access token (expired or revoked)',
		hint: `n8n already tried to refresh it once. ${RECONNECT} If the user removed the app's access in TikTok, they must approve it again.`,
	},
	scope_not_authorized: {
		summary: 'The TikTok account did not grant the permission this action needs',
		hint: `The connected user did not approve a required scope (user.info.basic, video.upload for drafts, video.publish for direct posts), or the app does not have the product enabled. Enable Content Posting API (and Direct Post for direct posts) for your app in the TikTok developer portal, then ${RECONNECT.charAt(0).toLowerCase()}${RECONNECT.slice(1)} Approve every permission on TikTok's consent screen.`,
	},
	scope_permission_missed: {
		summary: 'A requested field needs a permission that was not granted',
		hint: `The request asked TikTok for data whose scope the user did not grant. ${RECONNECT} Approve every permission on TikTok's consent screen.`,
	},
	invalid_params: {
		summary: 'TikTok rejected the request parameters',
		hint: 'Check the node parameters (privacy level, title length, chunk size, video size). If the message mentions the chunk size, try a single chunk (videos up to 64 MB) or another chunk size. Report the log_id to the package maintainers if the parameters look right.',
	},
	invalid_param: {
		summary: 'TikTok rejected a parameter of the post',
		hint: 'Check the node parameters: privacy level must be one the account offers, the title at most 2200 characters, the video size and chunk size must match the file. TikTok\'s message names the problem.',
	},
	invalid_file_upload: {
		summary: 'TikTok rejected the uploaded file',
		hint: 'Use an MP4 (H.264), MOV or WebM video of 23-60 FPS, 360-4096 px on each side and at most 4 GB, then run again.',
	},
	rate_limit_exceeded: {
		summary: 'Too many requests to TikTok for this account',
		hint: 'TikTok allows 6 post starts, 20 creator checks and 30 status checks per minute per account, shared by every workflow using it. The node already waited and retried; spread the posts out (for example with a Wait node) and run again.',
	},
	internal_error: {
		summary: 'TikTok had an internal error',
		hint: `This is on TikTok's side. ${RETRY_LATER} If it keeps happening, report the log_id to TikTok developer support.`,
	},
	// §3.1 creator_info "cannot post now" codes (also returned by init)
	spam_risk_too_many_posts: {
		summary: 'This TikTok account has reached its daily posting limit',
		hint: 'TikTok caps posts per account per 24 hours (about 15, shared by all apps). Wait until tomorrow and try again.',
	},
	spam_risk_user_banned_from_posting: {
		summary: 'This TikTok account is currently not allowed to post',
		hint: 'TikTok has restricted posting for this account. Check the account\'s notifications in the TikTok app; posting through the API works again once TikTok lifts the restriction.',
	},
	reached_active_user_cap: {
		summary: 'The TikTok app has reached its daily limit of posting users',
		hint: 'Your TikTok app may only be used by a limited number of accounts per 24 hours (5 for unaudited apps, the audited quota otherwise). Wait 24 hours, or get the app audited / ask TikTok for a higher quota in the developer portal.',
	},
	// §7 init codes
	app_version_check_failed: {
		summary: 'The TikTok app on the user\'s phone is too old for this kind of upload',
		hint: 'Update the TikTok app on the phone (version 31.8 or later) and run again.',
	},
	spam_risk_too_many_pending_share: {
		summary: 'Too many drafts are waiting in the TikTok inbox',
		hint: 'TikTok allows at most 5 pending drafts within 24 hours. Open the TikTok app, finish (post) or delete the waiting drafts, then run again.',
	},
	unaudited_client_can_only_post_to_private_accounts: {
		summary: 'This TikTok app is not audited yet, so it can only post to private accounts',
		hint: 'Set the TikTok account itself to private in the TikTok app (Settings and privacy > Privacy > Private account) AND post with privacy "Only me" (SELF_ONLY), or get the app audited by TikTok to post publicly.',
	},
	url_ownership_unverified: {
		summary: 'TikTok cannot pull the video: its URL is not verified for this app',
		hint: 'Verify the domain or URL prefix of the video URL in the TikTok developer portal (app > URL properties), or use the "Download and Upload" method so the node sends the file itself.',
	},
	privacy_level_option_mismatch: {
		summary: 'The chosen privacy level is not offered for this account',
		hint: 'Pick a privacy level the account offers right now (private accounts: Followers, Friends or Only me; unaudited apps: Only me). Run "creator info" or check the account type in the TikTok app.',
	},
	// §5 status / cancel codes
	invalid_publish_id: {
		summary: 'TikTok does not know this publish_id',
		hint: 'Check the publish_id passed to the node: it must come from an upload or post started with the same TikTok app.',
	},
	token_not_authorized_for_specified_publish_id: {
		summary: 'This publish_id belongs to another TikTok account',
		hint: 'Use the same TikTok credential (the same connected account) that started the upload or post.',
	},
	publish_not_cancellable: {
		summary: 'This post can no longer be cancelled',
		hint: 'Only downloads from a URL that are still in progress can be cancelled. The post already moved on; delete it in the TikTok app if needed.',
	},
	// §1.7 OAuth categories
	access_denied: {
		summary: 'The TikTok user did not grant access',
		hint: `${RECONNECT} and approve the app on TikTok's consent screen.`,
	},
	invalid_client: {
		summary: 'TikTok does not recognise the app\'s Client Key or Client Secret',
		hint: 'Copy the Client Key and Client Secret again from the TikTok developer portal into the credential (no spaces), save it and reconnect.',
	},
	invalid_grant: {
		summary: 'TikTok refused the authorization (code or refresh token expired or revoked)',
		hint: `${RECONNECT} Refresh tokens expire after months without use or when the user removes the app's access.`,
	},
	invalid_request: {
		summary: 'TikTok rejected the sign-in request',
		hint: 'Check that the redirect URL shown in the n8n credential is registered exactly (same scheme, host and path) in the TikTok developer portal (Login Kit), then reconnect.',
	},
	invalid_scope: {
		summary: 'TikTok rejected the requested permissions',
		hint: 'Add the products Login Kit and Content Posting API (with Direct Post for direct posts) to your app in the TikTok developer portal so it may request user.info.basic, video.upload and video.publish, then reconnect.',
	},
	unauthorized_client: {
		summary: 'This TikTok app is not allowed to use this sign-in method',
		hint: 'Check in the TikTok developer portal that the app is configured for Web (Login Kit) and is not disabled, then reconnect.',
	},
	unsupported_grant_type: {
		summary: 'TikTok does not support the sign-in method used',
		hint: `The token URL may not point to TikTok's token endpoint. Check the credential's environment and URLs, then reconnect.`,
	},
	unsupported_response_type: {
		summary: 'TikTok does not support the requested sign-in response type',
		hint: `Check the credential's authorization URL (TikTok: https://www.tiktok.com/v2/auth/authorize/) and reconnect.`,
	},
	// package-level codes (no TikTok code available)
	network_error: {
		summary: 'Could not reach TikTok',
		hint: 'Check the network connection of the n8n server (proxy, firewall, DNS) and, for the Custom environment, the API Base URL. Then run again.',
	},
	invalid_response: {
		summary: 'TikTok sent an answer the node could not read',
		hint: 'A proxy or gateway may have answered instead of TikTok. Check the API Base URL of the credential and run again.',
	},
	credential_not_connected: {
		summary: 'The TikTok credential is not connected to an account yet',
		hint: `${RECONNECT}`,
	},
	token_connect_refused: {
		summary: 'TikTok refused to connect this credential',
		hint: `TikTok's token endpoint answered with an error instead of a token (with HTTP 200, so n8n showed "Account connected"), and nothing can be sent to TikTok with this credential. Check the Client Key and Client Secret in the credential (copy them again from the TikTok developer portal, no spaces), save, and click "Connect my account" again. TikTok's reason is in the message.`,
	},
	token_refresh_refused: {
		summary: 'TikTok refused to refresh the access token',
		hint: `The access token had expired; n8n asked TikTok for a new one with the stored refresh token and TikTok refused, so the request could not be made. Check the Client Key and Client Secret, then ${RECONNECT.charAt(0).toLowerCase()}${RECONNECT.slice(1)} If TikTok's reason names client_key, see the README ("Token refresh"): n8n sends client_key on a refresh only in the token URL's query string.`,
	},
	request_cancelled: {
		summary: 'The request to TikTok was cancelled',
		hint: 'The workflow execution was stopped. Run it again if this was not intended.',
	},
};

/** Every fail_reason of tiktok-api.md §5. */
export const TIKTOK_FAIL_REASONS: Readonly<Record<string, TikTokExplanation>> = {
	file_format_check_failed: {
		summary: 'TikTok could not read the video format',
		hint: 'Use MP4 (recommended), MOV or WebM with H.264 (recommended), H.265, VP8 or VP9 video, then post again.',
	},
	duration_check_failed: {
		summary: 'The video is too long (or too short) for this account',
		hint: 'Trim the video to at most the account\'s maximum post duration (shown by creator info, often 60 s to 10 min) and post again.',
	},
	frame_rate_check_failed: {
		summary: 'The video frame rate is not accepted by TikTok',
		hint: 'Re-encode the video at 23 to 60 frames per second and post again.',
	},
	picture_size_check_failed: {
		summary: 'The video or photo dimensions are not accepted by TikTok',
		hint: 'Videos need 360 to 4096 pixels on each side; photos at most 1080p (1080 px on the short side). Resize and post again.',
	},
	internal: {
		summary: 'TikTok failed while processing the post',
		hint: `This is on TikTok's side and can be retried. ${RETRY_LATER}`,
	},
	video_pull_failed: {
		summary: 'TikTok could not download the video from its URL',
		hint: 'Make sure the URL is https, public, does not redirect, stays reachable until TikTok has downloaded it (up to 1 hour), and is under a verified domain or URL prefix. Then retry.',
	},
	photo_pull_failed: {
		summary: 'TikTok could not download a photo from its URL',
		hint: 'Make sure every photo URL is https, public, does not redirect and stays reachable, is JPEG or WebP and under a verified domain or URL prefix. Then retry.',
	},
	publish_cancelled: {
		summary: 'The post was cancelled',
		hint: 'The post was cancelled before it finished. Run the workflow again to post it.',
	},
	auth_removed: {
		summary: 'The TikTok user removed this app\'s access during the post',
		hint: `Do not retry with the same connection. ${RECONNECT}`,
	},
	spam_risk_too_many_posts: {
		summary: 'TikTok stopped the post: daily posting limit of the account reached',
		hint: 'Wait until tomorrow before posting again from this account. Do not retry now.',
	},
	spam_risk_user_banned_from_posting: {
		summary: 'TikTok stopped the post: the account is currently not allowed to post',
		hint: 'Check the account\'s notifications in the TikTok app. Do not retry until TikTok lifts the restriction.',
	},
	spam_risk_text: {
		summary: 'TikTok stopped the post because of its text',
		hint: 'TikTok flagged the caption (title) as spam risk. Change the caption (fewer hashtags, mentions or links) before posting again.',
	},
	spam_risk: {
		summary: 'TikTok stopped the post as a spam risk',
		hint: 'TikTok flagged this post. Do not retry the same content right away; post less often and check the account in the TikTok app.',
	},
};

const OWN = Object.prototype.hasOwnProperty;

/** Plain summary and what to do for a TikTok error code; unknown codes get a generic explanation. */
export function explainTikTokError(code: string): TikTokExplanation {
	if (OWN.call(TIKTOK_ERROR_CODES, code)) return TIKTOK_ERROR_CODES[code];
	return {
		summary: 'TikTok returned an error',
		hint: `TikTok answered with the error code "${code}", which this node does not know. ${RETRY_LATER} If it persists, check TikTok's developer documentation for this code and report it with the log_id.`,
	};
}

/** Plain summary and what to do for a status `fail_reason`; unknown reasons get a generic explanation. */
export function explainFailReason(reason: string): TikTokExplanation {
	if (OWN.call(TIKTOK_FAIL_REASONS, reason)) return TIKTOK_FAIL_REASONS[reason];
	return {
		summary: 'TikTok could not complete the post',
		hint: `TikTok reported the reason "${reason}", which this node does not know. Check the video and the account in the TikTok app, then try again.`,
	};
}

const SECRET_PATTERNS: RegExp[] = [
	/\b(?:act|rft|clt)\.[A-Za-z0-9._~+/=!*-]{6,}/g,
	/\bBearer\s+[A-Za-z0-9._~+/=!*-]+/gi,
	/((?:access_token|refresh_token|client_secret)["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi,
];

/** Removes anything that looks like a token or secret from a text taken from a response. */
export function scrubSecrets(text: string): string {
	let out = text;
	for (const pattern of SECRET_PATTERNS) {
		out = out.replace(pattern, (match: string, prefix?: unknown) =>
			typeof prefix === 'string' ? `${prefix}[redacted]` : '[redacted]',
		);
	}
	return out;
}

function clip(text: string, max = 500): string {
	return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Error message for a code: `<summary> [<code>]` (unknown codes use TikTok's own message when given). */
export function tikTokErrorMessage(info: TikTokErrorInfo): string {
	const known = OWN.call(TIKTOK_ERROR_CODES, info.code);
	const tiktokMessage = info.message ? clip(scrubSecrets(info.message).trim(), 300) : '';
	const summary =
		!known && tiktokMessage
			? `TikTok returned an error: ${tiktokMessage.replace(/[.\s]+$/, '')}`
			: explainTikTokError(info.code).summary;
	return `${summary} [${info.code}]`;
}

/** Codes this package sets itself: their message is a detail from n8n or the network, not TikTok's words. */
const PACKAGE_CODES = new Set(['network_error', 'invalid_response', 'credential_not_connected', 'request_cancelled']);

/** Error description for a code: `<hint> (TikTok log_id: <id>)`. */
export function tikTokErrorDescription(info: TikTokErrorInfo): string {
	const { hint } = explainTikTokError(info.code);
	const known = OWN.call(TIKTOK_ERROR_CODES, info.code);
	const tiktokMessage = info.message ? clip(scrubSecrets(info.message).trim(), 300) : '';
	const label = PACKAGE_CODES.has(info.code) ? 'Details' : 'TikTok said';
	const said = known && tiktokMessage ? ` ${label}: "${tiktokMessage.replace(/[.\s]+$/, '')}".` : '';
	const logId = info.logId ? ` (TikTok log_id: ${scrubSecrets(info.logId)})` : ' (TikTok log_id: none)';
	return `${hint}${said}${logId}`;
}

/**
 * The NodeApiError for a TikTok failure. Built from a clean object only, so no request data
 * (headers, tokens) can leak into it. Fields: message, description, httpCode (HTTP status as string),
 * context.tiktokCode / context.logId / context.httpStatus / context.itemIndex.
 */
export function tikTokApiError(node: INode, info: TikTokErrorInfo, itemIndex?: number): NodeApiError {
	const message = tikTokErrorMessage(info);
	const description = tikTokErrorDescription(info);
	const clean: JsonObject = {
		code: info.code,
		message: info.message ? clip(scrubSecrets(info.message)) : '',
		log_id: info.logId ?? null,
		httpStatus: info.httpStatus ?? null,
	};
	const error = new NodeApiError(node, clean, {
		message,
		description,
		httpCode: info.httpStatus !== undefined ? String(info.httpStatus) : undefined,
		itemIndex,
	});
	// NodeApiError may swap messages that look like network errors; keep ours exactly.
	error.message = message;
	error.description = description;
	error.httpCode = info.httpStatus !== undefined ? String(info.httpStatus) : null;
	error.context.tiktokCode = info.code;
	error.context.logId = info.logId ?? null;
	error.context.httpStatus = info.httpStatus ?? null;
	return error;
}

/** Error for a final status FAILED with a fail_reason (not an HTTP error). */
export function tikTokFailReasonError(
	node: INode,
	reason: string,
	details: { publishId?: string; itemIndex?: number } = {},
): NodeApiError {
	const { summary, hint } = explainFailReason(reason);
	const message = `${summary} [${reason}]`;
	const description = `${hint}${details.publishId ? ` (publish_id: ${details.publishId})` : ''}`;
	const error = new NodeApiError(
		node,
		{ code: reason, publish_id: details.publishId ?? null },
		{ message, description, itemIndex: details.itemIndex },
	);
	error.message = message;
	error.description = description;
	error.httpCode = null;
	error.context.tiktokFailReason = reason;
	error.context.publishId = details.publishId ?? null;
	return error;
}

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
	return `Check the Client Key and Client Secret in the credential, then ${RECONNECT.charAt(0).toLowerCase()}${RECONNECT.slice(1)}`;
}

/** What to do for a refused connect, by TikTok's OAuth error category. */
function connectAdvice(refusal: OAuthRefusal): string {
	const base = 'Check the Client Key and Client Secret in the credential (copy them again from the TikTok developer portal, no spaces), save, and click "Connect my account" again.';
	if (refusal.error && refusal.error !== 'invalid_client' && OWN.call(TIKTOK_ERROR_CODES, refusal.error)) {
		return `${TIKTOK_ERROR_CODES[refusal.error].hint} ${base}`;
	}
	return base;
}

/**
 * The error for a credential TikTok refused to connect (stored token data holds TikTok's error and no
 * access token) or whose refresh TikTok refused. TikTok's reason goes in the headline: it is what the
 * user needs; n8n's own wording ("Unable to sign without access token") never appears.
 */
export function tikTokTokenError(
	node: INode,
	kind: TokenRefusalKind,
	refusal: OAuthRefusal,
	itemIndex?: number,
): NodeApiError {
	const code = kind === 'connect' ? 'token_connect_refused' : 'token_refresh_refused';
	const clean = (text?: string) => (text ? clip(scrubSecrets(text).trim(), 300).replace(/[.\s]+$/, '') : '');
	const reason = [clean(refusal.error), clean(refusal.errorDescription)].filter(Boolean).join(': ');
	const summary = TIKTOK_ERROR_CODES[code].summary;
	const message = `${summary}${reason ? ` (${reason})` : ''} [${code}]`;
	const context =
		kind === 'connect'
			? 'TikTok answered the sign-in with an error instead of a token (with HTTP 200, so n8n showed "Account connected"), so nothing can be sent to TikTok with this credential.'
			: 'The access token had expired; n8n asked TikTok for a new one with the stored refresh token and TikTok refused, so the request could not be made.';
	const advice = kind === 'connect' ? connectAdvice(refusal) : refreshAdvice(refusal);
	const logId = refusal.logId ? scrubSecrets(refusal.logId) : undefined;
	const description = `${context} ${advice} (TikTok log_id: ${logId ?? 'none'})`;
	const error = new NodeApiError(
		node,
		{ code, error: refusal.error ?? null, log_id: logId ?? null },
		{ message, description, itemIndex },
	);
	error.message = message;
	error.description = description;
	error.httpCode = null;
	error.context.tiktokCode = code;
	error.context.tiktokOAuthError = refusal.error ?? null;
	error.context.logId = logId ?? null;
	error.context.httpStatus = null;
	return error;
}

/** True when `error` is a TikTok error built by this module with the given code. */
export function isTikTokErrorCode(error: unknown, code: string): boolean {
	return error instanceof NodeApiError && error.context?.tiktokCode === code;
}
