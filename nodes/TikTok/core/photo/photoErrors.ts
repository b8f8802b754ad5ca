/**
 * What a TikTok error or fail reason means for a photo post, where the general explanation speaks
 * of videos or offers the video nodes' download-and-upload way out, which photos do not have (G15).
 */
import type { NodeApiError } from 'n8n-workflow';

import type { TikTokExplanation } from '../tiktok/errors';

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

/** For a photo post, replaces the general explanation of a TikTok error by the photo one (same code and log_id). */
export function explainForPhotos(error: NodeApiError): NodeApiError {
	const code = error.context?.tiktokCode;
	if (typeof code !== 'string' || !Object.prototype.hasOwnProperty.call(PHOTO_ERROR_CODES, code)) return error;
	const { summary, hint } = PHOTO_ERROR_CODES[code];
	const logId = typeof error.context.logId === 'string' ? error.context.logId : 'none';
	error.message = `${summary} [${code}]`;
	error.description = `${hint} (TikTok log_id: ${logId})`;
	return error;
}
