/**
 * Pure rules of a photo post (docs/tiktok-api.md §3.4, §6, G15), checked before anything is sent: the list
 * of photo URLs, title, description, cover, commercial disclosure, and the content/init body. The
 * verdict on each photo's head is in photoVerdict.ts.
 */
import type { IDataObject } from 'n8n-workflow';

import { pullUrlProblem, redactUrl, tryParseUrl, type PullUrlProblem } from '../media/urlSafety';
import { disclosureProblem, type DirectPostChoices } from '../post/directPostRules';

export const MAX_PHOTOS = 35;
export const MAX_PHOTO_TITLE_UTF16_UNITS = 90;
export const MAX_PHOTO_DESCRIPTION_UTF16_UNITS = 4000;

export type PhotoPostMode = 'direct' | 'inbox';

/** Direct Post settings of a photo post; drafts carry only title and description (docs/tiktok-api.md G9). */
export interface PhotoDirectSettings extends DirectPostChoices {
	autoAddMusic: boolean;
}

export interface PhotoPost {
	mode: PhotoPostMode;
	imageUrls: string[];
	/** 0-based, as TikTok takes it */
	coverIndex: number;
	title: string;
	description: string;
	direct?: PhotoDirectSettings;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * "Photo 2 of 5 (https://host/path)": how messages name a photo, always as a sentence's subject. The
 * query is left out (signatures).
 */
export function photoLabel(position: number, total: number, url: string): string {
	return `Photo ${position} of ${total} (${redactUrl(url)})`;
}

function parseJsonOrUndefined(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/**
 * The photo URLs from the Photo URLs parameter: one URL per line, a JSON array in text, or an array
 * from the item (strings, or objects with `src` or `url` such as a shop's product images).
 * Throws an Error whose message tells the user what to fix.
 */
export function photoUrlsFrom(value: unknown): string[] {
	let list: unknown[];
	if (Array.isArray(value)) {
		list = value;
	} else if (typeof value === 'string') {
		const text = value.trim();
		if (text.startsWith('[')) {
			const parsed = parseJsonOrUndefined(text);
			if (!Array.isArray(parsed)) {
				throw new Error('Photo URLs starts with "[" but is not a valid JSON array. Give one URL per line, or a list from the input item');
			}
			list = parsed;
		} else {
			list = text.split(/\r?\n/);
		}
	} else if (value === undefined || value === null) {
		list = [];
	} else {
		throw new Error(`Photo URLs must be text (one URL per line) or a list, got ${typeof value}`);
	}

	const urls: string[] = [];
	list.forEach((entry, index) => {
		let url: unknown = entry;
		if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
			const record = entry as Record<string, unknown>;
			url = typeof record.src === 'string' ? record.src : record.url;
			if (typeof url !== 'string') {
				throw new Error(`Entry ${index + 1} of the photo list is an object without a "src" or "url" text field. Map the list of image URLs, or objects such as {"src": "https://…"}`);
			}
		}
		if (typeof url !== 'string') {
			throw new Error(`Entry ${index + 1} of the photo list is not a URL (got ${url === null ? 'null' : typeof url})`);
		}
		const trimmed = url.trim();
		if (trimmed) urls.push(trimmed);
	});
	return urls;
}

/**
 * Problems with the URL list itself: how many photos, and each URL as TikTok will pull it (the rule
 * for every pulled URL: media/urlSafety.ts pullUrlProblem).
 */
export function photoUrlProblems(urls: string[], options: { allowPrivateNetworks: boolean }): string[] {
	if (urls.length === 0) {
		return ['No photo URLs given. Enter the https addresses of 1 to 35 JPEG or WebP photos, one per line, or map a list from the input item.'];
	}
	if (urls.length > MAX_PHOTOS) {
		return [`${plural(urls.length, 'photo URL')} given; TikTok takes at most ${MAX_PHOTOS} photos in one post. Split them into several posts.`];
	}
	const problems: string[] = [];
	urls.forEach((url, index) => {
		const label = photoLabel(index + 1, urls.length, url);
		const parsed = tryParseUrl(url);
		if (!parsed || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
			problems.push(`${label} is not a full URL. Enter an address starting with https://.`);
			return;
		}
		const problem = pullUrlProblem(parsed, options);
		if (problem) problems.push(PHOTO_PULL_URL_MESSAGES[problem](label));
	});
	return problems;
}

/** What each problem of a photo URL (media/urlSafety.ts pullUrlProblem) means, after the photo's label. */
const PHOTO_PULL_URL_MESSAGES: Record<PullUrlProblem, (label: string) => string> = {
	not_https: (label) =>
		`${label} does not start with https://. TikTok only pulls photos over https, from a domain or URL prefix verified for your app.`,
	credentials: (label) =>
		`${label} contains a user name or password (user:password@host), which TikTok cannot use. Give a public URL on your verified domain.`,
	ip_address: (label) =>
		`${label} uses an IP address as its host. TikTok pulls photos only from a verified domain or URL prefix, which cannot be an IP address; use the domain name.`,
	localhost: (label) =>
		`${label} points to localhost, which TikTok cannot reach. Use a public https URL on your verified domain.`,
};

/** Title, description, cover and commercial disclosure: checks that need no call. */
export function photoPostProblems(post: PhotoPost): string[] {
	const problems: string[] = [];
	if (post.title.length > MAX_PHOTO_TITLE_UTF16_UNITS) {
		problems.push(
			`The title is ${post.title.length} characters long as TikTok counts them (UTF-16 units: most emoji count as 2); the limit for photo posts is ${MAX_PHOTO_TITLE_UTF16_UNITS}. Shorten it by ${post.title.length - MAX_PHOTO_TITLE_UTF16_UNITS}, or put the rest in the description.`,
		);
	}
	if (post.description.length > MAX_PHOTO_DESCRIPTION_UTF16_UNITS) {
		problems.push(
			`The description is ${post.description.length} characters long as TikTok counts them (UTF-16 units); the limit is ${MAX_PHOTO_DESCRIPTION_UTF16_UNITS}. Shorten it by ${post.description.length - MAX_PHOTO_DESCRIPTION_UTF16_UNITS}.`,
		);
	}
	const count = post.imageUrls.length;
	if (!Number.isInteger(post.coverIndex) || post.coverIndex < 0 || (count > 0 && post.coverIndex >= count)) {
		problems.push(
			`Cover Photo Index must be a whole number from 0 (the first photo) to ${Math.max(0, count - 1)} (the last of ${plural(count, 'photo')}); got ${String(post.coverIndex)}.`,
		);
	}
	const disclosure = post.direct ? disclosureProblem(post.direct) : undefined;
	if (disclosure) problems.push(disclosure);
	return problems;
}

/** The content/init body (docs/tiktok-api.md §3.4). `is_aigc` is sent at the top level, as the doc table lists it. */
export function buildPhotoInitBody(post: PhotoPost): IDataObject {
	const postInfo: IDataObject = {};
	if (post.title) postInfo.title = post.title;
	if (post.description) postInfo.description = post.description;
	const body: IDataObject = {
		media_type: 'PHOTO',
		post_mode: post.mode === 'direct' ? 'DIRECT_POST' : 'MEDIA_UPLOAD',
		post_info: postInfo,
		source_info: { source: 'PULL_FROM_URL', photo_images: [...post.imageUrls], photo_cover_index: post.coverIndex },
	};
	const direct = post.direct;
	if (post.mode === 'direct' && direct) {
		Object.assign(postInfo, {
			privacy_level: direct.privacyLevel,
			disable_comment: !direct.allowComments,
			auto_add_music: direct.autoAddMusic,
			brand_content_toggle: direct.commercialContent && direct.brandedContent,
			brand_organic_toggle: direct.commercialContent && direct.yourBrand,
		});
		if (direct.isAiGenerated) body.is_aigc = true;
	}
	return body;
}
