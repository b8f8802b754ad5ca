/**
 * TikTok's media checks that the node can run before the upload (docs/tiktok-api.md §6): picture size
 * 360-4096 px on each side, 23-60 frames per second, and the creator's maximum duration (drafts: the
 * API's 600 s), read from the MP4/MOV header wherever it is in the file (media/mp4.ts, media/moovAtEnd.ts). TikTok runs the same checks after the
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
	/** TikTok's API takes videos of at most 10 minutes (docs/tiktok-api.md §6); drafts are held to it */
	apiMaxDurationSec: 600,
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
	/** where the header was read: at the start of the file, or at its end (a second read) */
	headerAt?: 'start' | 'end';
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

/**
 * Seconds as the header gives them, to two decimals, with more when two would hide that the value is
 * over `limit` (60.004 s over 60 s): "60.02", "61", "60.004".
 */
export function exactSeconds(seconds: number, limit?: number): string {
	for (let decimals = 2; decimals < 6; decimals++) {
		const shown = Number(seconds.toFixed(decimals));
		if (shown !== limit) return String(shown);
	}
	return String(Number(seconds.toFixed(6)));
}

/** The video is longer than the account may post (creator_info's maximum duration). */
export function durationProblem(durationSec: number | undefined, creator: CreatorOptions): string | undefined {
	const max = creator.maxVideoPostDurationSec;
	if (durationSec === undefined || !max || durationSec <= max) return undefined;
	return `The video lasts ${exactSeconds(durationSec, max)} s, but this TikTok account can post videos of at most ${max} s. Trim the video first.`;
}

/** Drafts (no creator_info): TikTok's API maximum. */
function apiDurationProblem(durationSec: number): string | undefined {
	const max = VIDEO_LIMITS.apiMaxDurationSec;
	if (durationSec <= max) return undefined;
	return `The video lasts ${exactSeconds(durationSec, max)} s, but TikTok's API takes videos of at most ${max} s (10 minutes) and would fail the upload (duration_check_failed). Trim the video first.`;
}

const FAST_START =
	'Saving the video with "fast start" (moov first; ffmpeg -movflags +faststart) lets the node check them before sending anything.';

/** Why the header's values were not checked before the upload, or undefined when they can be. */
function uncheckedNote(header: Mp4Header | undefined, contentType: string): string | undefined {
	if (!header || contentType === 'video/webm') {
		return `The node does not read WebM headers, so the duration, frame rate and picture size were not checked before the upload: ${TIKTOK_CHECKS_ITSELF}.`;
	}
	if (header.status === 'moov_not_at_start') {
		return `The MP4/MOV header (moov box) is at the end of this file, so the duration, frame rate and picture size could not be checked before the upload: ${TIKTOK_CHECKS_ITSELF}. ${FAST_START}`;
	}
	if (header.status === 'moov_unreachable') {
		return `The MP4/MOV header (moov box) is at the end of this file and could not be read before the upload (${header.reason ?? 'no second read of this source'}), so the duration, frame rate and picture size were not checked: ${TIKTOK_CHECKS_ITSELF}. ${FAST_START}`;
	}
	if (header.status === 'unreadable') {
		return `The MP4/MOV header could not be read, so the duration, frame rate and picture size were not checked before the upload: ${TIKTOK_CHECKS_ITSELF}.`;
	}
	return undefined;
}

/**
 * Checks what the header of a video gave. `header` is undefined when the node did not read the file's
 * header (a WebM file); `creator` is known for direct posts (its maximum duration); drafts are held to
 * TikTok's API maximum (600 s).
 */
export function checkVideoHeader(
	header: Mp4Header | undefined,
	contentType: string,
	creator?: CreatorOptions,
): VideoChecksResult {
	const note = uncheckedNote(header, contentType);
	if (note || !header) return { problems: [], report: { checked: false, note } };

	const report: VideoChecksReport = { checked: true, ...(header.headerAt ? { headerAt: header.headerAt } : {}) };
	const problems: string[] = [];
	const missing: string[] = [];
	if (header.durationSec !== undefined) {
		report.durationSec = Math.round(header.durationSec * 1000) / 1000;
		const problem = creator ? durationProblem(header.durationSec, creator) : apiDurationProblem(header.durationSec);
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
