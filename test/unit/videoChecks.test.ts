import { readMp4Header } from '../../nodes/TikTok/core/media/mp4';
import type { CreatorOptions } from '../../nodes/TikTok/core/account/creatorInfo';
import { checkVideoHeader } from '../../nodes/TikTok/core/video/videoChecks';
import { makeMp4, type Mp4Options } from '../sandbox';

const creator: CreatorOptions = {
	privacyLevelOptions: ['PUBLIC_TO_EVERYONE', 'SELF_ONLY'],
	commentDisabled: false,
	duetDisabled: false,
	stitchDisabled: false,
	maxVideoPostDurationSec: 60,
};

/** What the node sees: the header read from the first bytes of a generated file. */
const check = (options: Mp4Options, who: CreatorOptions | null = creator, contentType = 'video/mp4') =>
	checkVideoHeader(readMp4Header(makeMp4(200_000, options).subarray(0, 1_048_576)), contentType, who ?? undefined);

describe('checkVideoHeader (TikTok limits before the upload)', () => {
	it('passes a video within every limit and reports what it read', () => {
		expect(check({ width: 1080, height: 1920, fps: 29.97, durationSec: 59.5 })).toEqual({
			problems: [],
			report: { checked: true, headerAt: 'start', durationSec: 59.5, width: 1080, height: 1920, frameRate: 29.97 },
		});
	});

	it.each([
		['360 x 4096 at 23.976 fps', { width: 360, height: 4096, fps: 23.976 }],
		['4096 x 360 at 59.94 fps', { width: 4096, height: 360, fps: 59.94 }],
		['exactly 23 and exactly 60 fps', { fps: 23 }],
		['60 fps', { fps: 60 }],
	])('accepts the edges: %s', (_name, options) => {
		expect(check(options).problems).toEqual([]);
	});

	it.each([
		['a width under 360', { width: 352, height: 640 }, /352 × 640 pixels: its width of 352 px is under 360\. TikTok accepts 360 to 4096.*picture_size_check_failed/],
		['a height over 4096', { width: 2160, height: 4100 }, /its height of 4100 px is over 4096/],
		['358 px wide, just under the edge', { width: 358, height: 640 }, /its width of 358 px is under 360\./],
		['4098 px high, just over the edge', { width: 1080, height: 4098 }, /its height of 4098 px is over 4096\./],
		['both sides out of range', { width: 5000, height: 320 }, /height of 320 px is under 360 and its width of 5000 px is over 4096/],
		['15 fps', { fps: 15 }, /has 15 frames per second\. TikTok accepts 23 to 60 fps.*frame_rate_check_failed.*Re-encode/],
		['120 fps', { fps: 120 }, /has 120 frames per second/],
		['22.5 fps', { fps: 22.5 }, /has 22\.5 frames per second/],
		['22.9 fps, just under the edge', { fps: 22.9 }, /has 22\.9 frames per second/],
		['60.1 fps, just over the edge', { fps: 60.1 }, /has 60\.1 frames per second/],
		['61 s for an account limited to 60 s', { durationSec: 61 }, /61 s.*at most 60 s/],
		['60.02 s, with its exact value', { durationSec: 60.02 }, /^The video lasts 60\.02 s, but this TikTok account can post videos of at most 60 s\./],
	])('refuses %s, naming the value and the limit', (_name, options, message) => {
		const { problems, report } = check(options);
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatch(message);
		expect(report.checked).toBe(true);
	});

	it('lists every problem, not only the first', () => {
		expect(check({ width: 200, height: 200, fps: 10, durationSec: 90 }).problems).toHaveLength(3);
	});

	it("drafts (no creator options): TikTok's API maximum of 600 s, with the exact value", () => {
		expect(check({ durationSec: 600 }, null).problems).toEqual([]);
		expect(check({ durationSec: 612.25 }, null)).toMatchObject({
			problems: ["The video lasts 612.25 s, but TikTok's API takes videos of at most 600 s (10 minutes) and would fail the upload (duration_check_failed). Trim the video first."],
			report: { checked: true, durationSec: 612.25 },
		});
	});

	it('goes on and says why when the moov box is at the end of the file and could not be read there', () => {
		const { problems, report } = checkVideoHeader({ status: 'moov_unreachable', reason: 'the server at "cdn.example" answered HTTP 200 to a Range request instead of the bytes asked for' }, 'video/mp4', creator);
		expect(problems).toEqual([]);
		expect(report.checked).toBe(false);
		expect(report.note).toMatch(/moov box\) is at the end of this file and could not be read before the upload \(the server at "cdn\.example" answered HTTP 200.*TikTok checks them itself after the upload.*fast start/);
	});

	it('goes on and says why for WebM and for an unreadable header', () => {
		expect(checkVideoHeader(undefined, 'video/webm', creator).report).toMatchObject({ checked: false, note: expect.stringMatching(/WebM.*TikTok checks them itself/) });
		expect(checkVideoHeader({ status: 'unreadable' }, 'video/mp4', creator).report).toMatchObject({ checked: false, note: expect.stringMatching(/could not be read/) });
	});

	it('says which values the header did not give', () => {
		const { problems, report } = checkVideoHeader({ status: 'read', durationSec: 12 }, 'video/mp4', creator);
		expect(problems).toEqual([]);
		expect(report).toMatchObject({ checked: true, durationSec: 12, note: expect.stringMatching(/did not give the picture size, frame rate.*not checked/) });
	});
});
