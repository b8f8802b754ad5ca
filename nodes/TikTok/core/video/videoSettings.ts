/**
 * A video's Direct Post settings: the caption and cover on top of the choices every Direct Post makes
 * (post/directPostRules.ts), the checks that need no call, and the `post_info` of the init request.
 * Each check returns the problem as text for the user (or nothing), so the caller decides how to throw.
 */
import { disclosureProblem, type DirectPostChoices } from '../post/directPostRules';

export const MAX_CAPTION_UTF16_UNITS = 2200;

export interface PostSettings extends DirectPostChoices {
	caption: string;
	allowDuet: boolean;
	allowStitch: boolean;
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
	const disclosure = disclosureProblem(settings);
	if (disclosure) problems.push(disclosure);
	const cover = settings.coverTimestampMs;
	if (cover !== undefined && (!Number.isInteger(cover) || cover < 0 || cover > 2147483647)) {
		problems.push(
			`Cover Frame (Ms) must be a whole number of milliseconds from 0 up to the video's length; got ${String(cover)}.`,
		);
	}
	return problems;
}

/** The post_info object of a video's Direct Post init request. */
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
