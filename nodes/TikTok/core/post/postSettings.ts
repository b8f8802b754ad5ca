/**
 * Pure checks and body building for a Direct Post, run before any byte is sent.
 * Each check returns the problem as text for the user (or nothing), so the node decides how to throw.
 */

export const MAX_CAPTION_UTF16_UNITS = 2200;
export const MUSIC_USAGE_CONFIRMATION_URL =
	'https://www.tiktok.com/legal/page/global/music-usage-confirmation/en';
export const BRANDED_CONTENT_POLICY_URL = 'https://www.tiktok.com/legal/page/global/bc-policy/en';

export type PrivacyLevel =
	| 'PUBLIC_TO_EVERYONE'
	| 'MUTUAL_FOLLOW_FRIENDS'
	| 'FOLLOWER_OF_CREATOR'
	| 'SELF_ONLY';

export const PRIVACY_LEVEL_NAMES: Record<string, string> = {
	PUBLIC_TO_EVERYONE: 'Everyone',
	MUTUAL_FOLLOW_FRIENDS: 'Friends (Followers You Follow Back)',
	FOLLOWER_OF_CREATOR: 'Followers',
	SELF_ONLY: 'Only Me',
};

/** What creator_info/query tells about the creator; the profile fields are never kept. */
export interface CreatorOptions {
	privacyLevelOptions: string[];
	commentDisabled: boolean;
	duetDisabled: boolean;
	stitchDisabled: boolean;
	maxVideoPostDurationSec?: number;
}

export interface PostSettings {
	caption: string;
	privacyLevel: string;
	allowComments: boolean;
	allowDuet: boolean;
	allowStitch: boolean;
	commercialContent: boolean;
	yourBrand: boolean;
	brandedContent: boolean;
	isAiGenerated: boolean;
	coverTimestampMs?: number;
}

/** TikTok counts caption length in UTF-16 code units, which is what JavaScript's length gives. */
export function captionProblem(caption: string): string | undefined {
	if (caption.length <= MAX_CAPTION_UTF16_UNITS) return undefined;
	return `The caption is ${caption.length} characters long as TikTok counts them (UTF-16 units: most emoji count as 2); the limit is ${MAX_CAPTION_UTF16_UNITS}. Shorten it by ${caption.length - MAX_CAPTION_UTF16_UNITS}.`;
}

/** Checks that need no TikTok call: caption, commercial disclosure, cover frame. */
export function settingsProblems(settings: PostSettings): string[] {
	const problems: string[] = [];
	const caption = captionProblem(settings.caption);
	if (caption) problems.push(caption);
	if (settings.commercialContent && !settings.yourBrand && !settings.brandedContent) {
		problems.push(
			'You need to indicate if your content promotes yourself, a third party, or both: turn on Your Brand and/or Branded Content, or turn off Disclose Commercial Content.',
		);
	}
	const cover = settings.coverTimestampMs;
	if (cover !== undefined && (!Number.isInteger(cover) || cover < 0 || cover > 2147483647)) {
		problems.push(
			`Cover Frame (Ms) must be a whole number of milliseconds from 0 up to the video's length; got ${String(cover)}.`,
		);
	}
	return problems;
}

/** Checks against the creator's own options from creator_info. */
export function creatorProblems(settings: PostSettings, creator: CreatorOptions): string[] {
	const problems: string[] = [];
	const options = creator.privacyLevelOptions;
	const offered = options.map((option) => `${PRIVACY_LEVEL_NAMES[option] ?? option} (${option})`).join(', ');
	if (!settings.privacyLevel) {
		problems.push(`Choose a Privacy Level. This account offers: ${offered}.`);
	} else if (!options.includes(settings.privacyLevel)) {
		const unauditedHint =
			options.length === 1 && options[0] === 'SELF_ONLY'
				? ' Only "Only Me" is offered, which is what TikTok does for apps it has not audited yet: post as SELF_ONLY, with the TikTok account itself set to private, or get the app audited.'
				: '';
		problems.push(
			`Privacy level "${settings.privacyLevel}" is not one of this account's options: ${offered}.${unauditedHint}`,
		);
	}
	if (settings.allowComments && creator.commentDisabled) {
		problems.push(
			'Comments are turned off in this TikTok account\'s settings, so the post cannot allow them: turn off Allow Comments, or allow comments in the TikTok app first.',
		);
	}
	if (settings.allowDuet && creator.duetDisabled) {
		problems.push(
			'Duet is turned off for this TikTok account (always the case for private accounts): turn off Allow Duet, or allow Duet in the TikTok app first.',
		);
	}
	if (settings.allowStitch && creator.stitchDisabled) {
		problems.push(
			'Stitch is turned off for this TikTok account (always the case for private accounts): turn off Allow Stitch, or allow Stitch in the TikTok app first.',
		);
	}
	if (settings.commercialContent && settings.brandedContent && settings.privacyLevel === 'SELF_ONLY') {
		problems.push(
			'Branded content visibility cannot be set to private: choose another privacy level, or turn off Branded Content.',
		);
	}
	return problems;
}

export function durationProblem(durationSec: number | undefined, creator: CreatorOptions): string | undefined {
	const max = creator.maxVideoPostDurationSec;
	if (durationSec === undefined || !max || durationSec <= max) return undefined;
	return `The video lasts ${Math.round(durationSec)} s, but this TikTok account can post videos of at most ${max} s. Trim the video first.`;
}

/** The post_info object of a Direct Post init request. */
export function buildPostInfo(settings: PostSettings): Record<string, string | number | boolean> {
	const postInfo: Record<string, string | number | boolean> = {
		privacy_level: settings.privacyLevel,
		title: settings.caption,
		disable_comment: !settings.allowComments,
		disable_duet: !settings.allowDuet,
		disable_stitch: !settings.allowStitch,
		brand_content_toggle: settings.commercialContent && settings.brandedContent,
		brand_organic_toggle: settings.commercialContent && settings.yourBrand,
		is_aigc: settings.isAiGenerated,
	};
	if (settings.coverTimestampMs) postInfo.video_cover_timestamp_ms = settings.coverTimestampMs;
	return postInfo;
}
