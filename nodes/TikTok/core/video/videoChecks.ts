/**
 * TikTok's media checks that the node can run before the upload (docs/tiktok-api.md §6): picture size
 * 360-4096 px on each side, 23-60 frames per second, and the creator's maximum duration, read from the
 * MP4/MOV header when it is at the start of the file (mp4.ts). TikTok runs the same checks after the
 * upload and fails the post (`picture_size_check_failed`, `frame_rate_check_failed`,
 * `duration_check_failed`); catching them here costs no upload and no daily post. Pure functions.
 *
 * `report` goes into the output item (`videoChecks`), so the operator sees what was checked and, when
 * something could not be, why and that TikTok checks it itself.
 */
import type { CreatorOptions } from '../account/creatorInfo';
import type { Mp4Header } from '../media/mp4';

export const VIDEO_LIMITS = {
	minSide: 360,
	maxSide: 4096,
	minFrameRate: 23,
	maxFrameRate: 60,
} as const;

/** Frame rates within this of a limit pass: 23.976 or 59.94 fps are fine, rounding of frame durations too. */
const FRAME_RATE_TOLERANCE = 0.01;

export interface VideoChecksReport {
	/** true when the header was read before the upload (each value below was found in it and passed) */
	checked: boolean;
	durationSec?: number;
	width?: number;
	height?: number;
	frameRate?: number;
	/** what was not checked before the upload, and why */
	note?: string;
}

export interface VideoChecksResult {
	/** sentences for the error, first one as the message; empty when the video may go */
	problems: string[];
	report: VideoChecksReport;
}

const TIKTOK_CHECKS_ITSELF =
	'TikTok checks them itself after the upload and fails the post if one is out of range (360-4096 px on each side, 23-60 fps, the account\'s maximum duration)';

/** Up to two decimals, without trailing zeros: 30, 29.97, 23.98. */
function formatNumber(n: number): string {
	return String(Math.round(n * 100) / 100);
}

function sideProblem(width: number, height: number): string | undefined {
	const { minSide, maxSide } = VIDEO_LIMITS;
	const sides: Array<[string, number]> = [
		['width', width],
		['height', height],
	];
	const small = sides.filter(([, n]) => n < minSide);
	const large = sides.filter(([, n]) => n > maxSide);
	if (!small.length && !large.length) return undefined;
	const which = [
		...small.map(([name, n]) => `its ${name} of ${n} px is under ${minSide}`),
		...large.map(([name, n]) => `its ${name} of ${n} px is over ${maxSide}`),
	].join(' and ');
	return `The video is ${width} × ${height} pixels: ${which}. TikTok accepts ${minSide} to ${maxSide} pixels on each side and would fail the post after the upload (picture_size_check_failed). Resize the video and run again.`;
}

function frameRateProblem(frameRate: number): string | undefined {
	const { minFrameRate, maxFrameRate } = VIDEO_LIMITS;
	if (frameRate >= minFrameRate - FRAME_RATE_TOLERANCE && frameRate <= maxFrameRate + FRAME_RATE_TOLERANCE) return undefined;
	return `The video has ${formatNumber(frameRate)} frames per second. TikTok accepts ${minFrameRate} to ${maxFrameRate} fps and would fail the post after the upload (frame_rate_check_failed). Re-encode the video at ${minFrameRate} to ${maxFrameRate} fps (for example 30) and run again.`;
}

/** The video is longer than the account may post (creator_info's maximum duration). */
export function durationProblem(durationSec: number | undefined, creator: CreatorOptions): string | undefined {
	const max = creator.maxVideoPostDurationSec;
	if (durationSec === undefined || !max || durationSec <= max) return undefined;
	return `The video lasts ${Math.round(durationSec)} s, but this TikTok account can post videos of at most ${max} s. Trim the video first.`;
}

/**
 * Checks what the header of a video gave. `header` is undefined when the node did not read the file's
 * header (a WebM file); `creator` is known for direct posts (its maximum duration).
 */
export function checkVideoHeader(
	header: Mp4Header | undefined,
	contentType: string,
	creator?: CreatorOptions,
): VideoChecksResult {
	if (!header || contentType === 'video/webm') {
		return {
			problems: [],
			report: {
				checked: false,
				note: `The node does not read WebM headers, so the duration, frame rate and picture size were not checked before the upload: ${TIKTOK_CHECKS_ITSELF}.`,
			},
		};
	}
	if (header.status === 'moov_not_at_start') {
		return {
			problems: [],
			report: {
				checked: false,
				note: `The MP4/MOV header (moov box) is at the end of this file, so the duration, frame rate and picture size could not be checked before the upload: ${TIKTOK_CHECKS_ITSELF}. Saving the video with "fast start" (moov first; ffmpeg -movflags +faststart) lets the node check them before sending anything.`,
			},
		};
	}
	if (header.status === 'unreadable') {
		return {
			problems: [],
			report: {
				checked: false,
				note: `The MP4/MOV header could not be read, so the duration, frame rate and picture size were not checked before the upload: ${TIKTOK_CHECKS_ITSELF}.`,
			},
		};
	}

	const report: VideoChecksReport = { checked: true };
	const problems: string[] = [];
	const missing: string[] = [];
	if (header.durationSec !== undefined) {
		report.durationSec = Math.round(header.durationSec * 1000) / 1000;
		const problem = creator ? durationProblem(header.durationSec, creator) : undefined;
		if (problem) problems.push(problem);
	} else missing.push('duration');
	if (header.width !== undefined && header.height !== undefined) {
		report.width = header.width;
		report.height = header.height;
		const problem = sideProblem(header.width, header.height);
		if (problem) problems.push(problem);
	} else missing.push('picture size');
	if (header.frameRate !== undefined) {
		report.frameRate = Math.round(header.frameRate * 1000) / 1000;
		const problem = frameRateProblem(header.frameRate);
		if (problem) problems.push(problem);
	} else missing.push('frame rate');
	if (missing.length) {
		report.note = `The MP4/MOV header did not give the ${missing.join(', ')} within the first bytes of the file, so ${missing.length > 1 ? 'they were' : 'it was'} not checked before the upload: TikTok checks ${missing.length > 1 ? 'them' : 'it'} itself.`;
	}
	return { problems, report };
}
