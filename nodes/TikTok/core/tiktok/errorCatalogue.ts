/**
 * What every TikTok error code and fail_reason means in the user's words: a summary (the error's
 * headline) and what to do (its description). Data only: errors.ts builds the errors from these
 * tables, and scripts/errors-table.js writes docs/errors.md's tables from them.
 */

export interface TikTokExplanation {
	summary: string;
	hint: string;
}

export const RETRY_LATER = 'Wait a while and run the workflow again.';
export const RECONNECT =
	'Open the TikTok credential in n8n and click "Connect my account" (reconnect) to sign in to TikTok again.';
/** RECONNECT after "then" in a sentence. */
export const RECONNECT_MID_SENTENCE = `${RECONNECT.charAt(0).toLowerCase()}${RECONNECT.slice(1)}`;
/** What to do when TikTok refused to connect the credential. */
export const CHECK_KEYS_AND_CONNECT =
	'Check the Client Key and Client Secret in the credential (copy them again from the TikTok developer portal, no spaces), save, and click "Connect my account" again.';
/** What happened when TikTok refused the refresh n8n made by itself and saved its answer (all n8n 1.x can do). */
export const REFRESH_REFUSED =
	"The access token had expired; n8n refreshed it by itself, with client_key only in the token URL's query string, and TikTok refused, so the request could not be made. On n8n 1.x that is the only way: n8n 1.x runs no credential step around its refresh, so client_key cannot go in the form body, where TikTok documents it.";
/** What happened when TikTok refused n8n's refresh with an HTTP error status (400, 401). */
export const REFRESH_REFUSED_WITH_HTTP_ERROR =
	"The access token had expired; n8n asked TikTok for a new one (client_key in the token URL's query string) and TikTok refused with an HTTP error status. n8n stops at such an answer, before the credential can ask again with client_key in the form body.";

/**
 * Every error code of docs/tiktok-api.md: §2 generic v2 codes, §3.1 creator_info "cannot post"
 * codes, §7 init codes, §5 status/cancel codes, §1.7 OAuth categories; plus a few codes this
 * package uses for failures that carry no TikTok code (network, unreadable answer).
 */
export const TIKTOK_ERROR_CODES: Readonly<Record<string, TikTokExplanation>> = {
	// docs/tiktok-api.md §0, §2: generic v2 codes
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
		hint: `The connected user did not approve a required scope (user.info.basic, video.upload for drafts, video.publish for direct posts), or the app does not have the product enabled. Enable Content Posting API (and Direct Post for direct posts) for your app in the TikTok developer portal, then ${RECONNECT_MID_SENTENCE} Approve every permission on TikTok's consent screen.`,
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
	// docs/tiktok-api.md §3.1: creator_info "cannot post now" codes (also returned by init)
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
	// docs/tiktok-api.md §7: init codes
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
	// docs/tiktok-api.md §5: status / cancel codes
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
	// docs/tiktok-api.md §1.7: OAuth categories
	access_denied: {
		summary: 'The TikTok user did not grant access',
		hint: `${RECONNECT} Approve the app on TikTok's consent screen.`,
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
		hint: `TikTok's token endpoint answered with an error instead of a token (with HTTP 200, so n8n showed "Account connected"), and nothing can be sent to TikTok with this credential. ${CHECK_KEYS_AND_CONNECT} TikTok's reason is in the message.`,
	},
	token_refresh_refused: {
		summary: 'TikTok refused to refresh the access token',
		hint: `The access token had expired and TikTok refused to give a new one, so the request could not be made. The message has TikTok's reason (on n8n 2.x, for the credential's second try with client_key in the form body, as TikTok documents it; n8n 1.x can send client_key only in the token URL's query string). Check the Client Key and Client Secret, then ${RECONNECT_MID_SENTENCE} If TikTok's reason names client_key, see the README ("Token refresh").`,
	},
	request_cancelled: {
		summary: 'The request to TikTok was cancelled',
		hint: 'The workflow execution was stopped. Run it again if this was not intended.',
	},
};

/** Every fail_reason of docs/tiktok-api.md §5. */
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

/**
 * Where a photo post needs other words (docs/tiktok-api.md G15): the general explanation speaks of videos or offers the
 * video nodes' download-and-upload way out, which photos do not have. Same codes, photo words.
 */
export const PHOTO_ERROR_CODES: Readonly<Record<string, TikTokExplanation>> = {
	url_ownership_unverified: {
		summary: 'TikTok cannot pull the photos: their URLs are not under a domain or URL prefix verified for this app',
		hint: 'TikTok pulls photos only from verified addresses, and photos have no download-and-upload alternative. In the TikTok developer portal open your app, URL properties, and add the photos\' domain (verified with a DNS TXT record; it covers the subdomains) or a URL prefix such as https://media.example.com/products/ (verified with a file TikTok gives you, placed under that prefix). Then run again.',
	},
	app_version_check_failed: {
		summary: 'The TikTok app on the phone is too old to receive photo drafts',
		hint: 'Photo drafts need the TikTok app 31.8 or later. Update the TikTok app on the phone and run again, or use Post Mode Direct Post.',
	},
};

export const PHOTO_FAIL_REASONS: Readonly<Record<string, TikTokExplanation>> = {
	file_format_check_failed: {
		summary: 'TikTok could not read one of the photos',
		hint: 'TikTok takes only JPEG or WebP photos. The node checked the first bytes of each photo before posting, so a photo probably changed since, or its server sends TikTok something else (a login page, another format). Check every photo URL and post again.',
	},
	picture_size_check_failed: {
		summary: 'One of the photos is too large for TikTok (more than 1080 px on its short side)',
		hint: 'TikTok fails the whole post for one photo over 1080 px on its short side, without saying which. The node refuses such photos before posting when it can read their size, so look first at the photos it could not check. Resize them to at most 1080 px on the short side and post again.',
	},
};
