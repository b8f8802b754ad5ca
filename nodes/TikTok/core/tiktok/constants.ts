/**
 * Shared constants: credential name, TikTok hosts and endpoints, TikTok limits, and the pure
 * function that builds the OAuth2 URLs the credential's hidden fields resolve to.
 */

/** Name of the credential type (credentials/TikTokOAuth2Api.credentials.ts). */
export const TIKTOK_CREDENTIAL_NAME = 'tikTokOAuth2Api';

export const TIKTOK_AUTHORIZE_URL = 'https://www.tiktok.com/v2/auth/authorize/';
export const TIKTOK_TOKEN_URL = 'https://open.tiktokapis.com/v2/oauth/token/';
export const TIKTOK_API_BASE_URL = 'https://open.tiktokapis.com/v2';

/** Scopes the credential asks for (comma-separated, as TikTok wants them), by its Posting Access. */
export const TIKTOK_SCOPES = ['user.info.basic', 'video.upload', 'video.publish'] as const;
export const TIKTOK_SCOPE_STRING = TIKTOK_SCOPES.join(',');
export const TIKTOK_DRAFT_SCOPES = ['user.info.basic', 'video.upload'] as const;
export const TIKTOK_DRAFT_SCOPE_STRING = TIKTOK_DRAFT_SCOPES.join(',');

export type TikTokEnvironment = 'tiktok' | 'custom';

/** Endpoints relative to the API base (`…/v2`). */
export const ENDPOINTS = {
	userInfo: '/user/info/',
	creatorInfo: '/post/publish/creator_info/query/',
	directVideoInit: '/post/publish/video/init/',
	inboxVideoInit: '/post/publish/inbox/video/init/',
	contentInit: '/post/publish/content/init/',
	statusFetch: '/post/publish/status/fetch/',
	cancel: '/post/publish/cancel/',
} as const;

/** TikTok rate limits per user token (requests per window). */
export const RATE_LIMITS = {
	windowMs: 60_000,
	init: 6,
	creatorInfo: 20,
	status: 30,
} as const;

/** Credential fields that decide which URLs are used. */
export interface TikTokCredentialUrlInput {
	clientId?: string;
	environment?: TikTokEnvironment | string;
	apiBaseUrl?: string;
	customAuthUrl?: string;
	customTokenUrl?: string;
}

/** What the credential's hidden fields resolve to (the values n8n's OAuth2 machinery reads). */
export interface TikTokOAuthUrls {
	/** Browser authorize URL (n8n adds client_id, redirect_uri, response_type, state, scope). */
	authUrl: string;
	/** Token URL used for code exchange AND refresh, with `?client_key=` (TikTok needs it on refresh). */
	accessTokenUrl: string;
	/** Extra authorize query parameters: `client_key=<encoded key>`. */
	authQueryParameters: string;
	/** JSON merged into the code-exchange body: `{"client_key": "<key>"}`. */
	additionalBodyProperties: string;
	/** API base without trailing slash, e.g. `https://open.tiktokapis.com/v2`. */
	apiBaseUrl: string;
}

function trimTrailingSlashes(url: string): string {
	return url.replace(/\/+$/, '');
}

/** Appends `client_key=<encoded key>` to a URL, respecting an existing query string. */
export function withClientKey(url: string, clientId: string): string {
	const separator = url.includes('?') ? '&' : '?';
	return `${url}${separator}client_key=${encodeURIComponent(clientId)}`;
}

/** API base URL for the credential's environment (no trailing slash). */
export function resolveApiBaseUrl(input: TikTokCredentialUrlInput): string {
	if (input.environment === 'custom' && input.apiBaseUrl) {
		return trimTrailingSlashes(String(input.apiBaseUrl).trim());
	}
	return TIKTOK_API_BASE_URL;
}

/**
 * Pure twin of the credential's hidden expression defaults. The credential test evaluates the
 * credential's real expressions with n8n-workflow and checks they equal this function's output.
 */
export function buildTikTokOAuthUrls(input: TikTokCredentialUrlInput): TikTokOAuthUrls {
	const clientId = String(input.clientId ?? '');
	const custom = input.environment === 'custom';
	const authUrl = custom ? String(input.customAuthUrl ?? '') : TIKTOK_AUTHORIZE_URL;
	const tokenUrl = custom ? String(input.customTokenUrl ?? '') : TIKTOK_TOKEN_URL;
	return {
		authUrl,
		accessTokenUrl: withClientKey(tokenUrl, clientId),
		authQueryParameters: `client_key=${encodeURIComponent(clientId)}`,
		additionalBodyProperties: JSON.stringify({ client_key: clientId }),
		apiBaseUrl: resolveApiBaseUrl(input),
	};
}
