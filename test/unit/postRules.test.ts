import { buildPostInfo, captionProblem, settingsProblems, type PostSettings } from '../../nodes/TikTok/core/video/videoSettings';
import { creatorProblems } from '../../nodes/TikTok/core/post/directPostRules';
import { durationProblem, exactSeconds } from '../../nodes/TikTok/core/video/videoChecks';
import type { CreatorOptions } from '../../nodes/TikTok/core/account/creatorInfo';

const base: PostSettings = {
	caption: 'New in the shop #handmade',
	privacyLevel: 'PUBLIC_TO_EVERYONE',
	allowComments: false,
	allowDuet: false,
	allowStitch: false,
	commercialContent: false,
	yourBrand: false,
	brandedContent: false,
	isAiGenerated: false,
};
const publicCreator: CreatorOptions = {
	privacyLevelOptions: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
	commentDisabled: false,
	duetDisabled: false,
	stitchDisabled: false,
	maxVideoPostDurationSec: 60,
};

describe('caption length in UTF-16 units', () => {
	it('accepts exactly 2200 units and refuses 2201, counting an emoji as 2', () => {
		const emoji = '🎬'; // a surrogate pair: 2 UTF-16 units, 1 code point
		expect(emoji.length).toBe(2);
		expect(captionProblem(emoji.repeat(1100))).toBeUndefined();
		const tooLong = emoji.repeat(1100) + 'a';
		expect(captionProblem(tooLong)).toMatch(/2201 characters.*limit is 2200.*by 1/);
		// 1101 code points would pass a code-point count, but TikTok counts units.
		expect([...tooLong].length).toBe(1101);
	});
	it('counts combining marks as separate units', () => {
		const eAcute = 'e\u0301';
		expect(captionProblem(eAcute.repeat(1100))).toBeUndefined();
		expect(captionProblem(eAcute.repeat(1100) + 'x')).toBeDefined();
	});
});

describe('settings checks', () => {
	it('requires Your Brand or Branded Content when commercial content is disclosed', () => {
		expect(settingsProblems({ ...base, commercialContent: true })[0]).toMatch(
			/promotes yourself, a third party, or both/,
		);
		expect(settingsProblems({ ...base, commercialContent: true, yourBrand: true })).toEqual([]);
	});
	it('refuses negative, fractional and huge cover timestamps', () => {
		for (const cover of [-1, 1.5, 2 ** 31, Number.NaN]) {
			expect(settingsProblems({ ...base, coverTimestampMs: cover })).toHaveLength(1);
		}
		expect(settingsProblems({ ...base, coverTimestampMs: 1500 })).toEqual([]);
	});
});

describe('checks against creator_info', () => {
	it('requires a privacy level, with no default, listing the options', () => {
		expect(creatorProblems({ ...base, privacyLevel: '' }, publicCreator)[0]).toMatch(
			/Choose a Privacy Level.*Everyone \(PUBLIC_TO_EVERYONE\)/,
		);
	});
	it('refuses a privacy level the creator does not offer', () => {
		expect(creatorProblems({ ...base, privacyLevel: 'FOLLOWER_OF_CREATOR' }, publicCreator)[0]).toMatch(
			/not one of this account's options/,
		);
	});
	it('explains the unaudited-app rule when only SELF_ONLY is offered', () => {
		const unaudited = { ...publicCreator, privacyLevelOptions: ['SELF_ONLY'] };
		expect(creatorProblems(base, unaudited)[0]).toMatch(/not audited.*SELF_ONLY.*account itself set to private/);
	});
	it('refuses interactions the creator has disabled, and only those', () => {
		const creator = { ...publicCreator, commentDisabled: true, duetDisabled: true, stitchDisabled: false };
		const problems = creatorProblems({ ...base, allowComments: true, allowDuet: true, allowStitch: true }, creator);
		expect(problems).toHaveLength(2);
		expect(problems[0]).toMatch(/Comments are turned off/);
		expect(problems[1]).toMatch(/Duet is turned off/);
	});
	it('refuses branded content with SELF_ONLY', () => {
		const problems = creatorProblems(
			{ ...base, privacyLevel: 'SELF_ONLY', commercialContent: true, brandedContent: true },
			publicCreator,
		);
		expect(problems).toEqual([expect.stringMatching(/Branded content visibility cannot be set to private/)]);
	});
	it('checks the duration against the creator maximum', () => {
		expect(durationProblem(61, publicCreator)).toMatch(/61 s.*at most 60 s/);
		expect(durationProblem(60.02, publicCreator)).toMatch(/^The video lasts 60\.02 s,/);
		// two decimals would read "60 s" over a 60 s limit: more decimals, as many as it takes
		expect(durationProblem(60.004, publicCreator)).toMatch(/^The video lasts 60\.004 s,/);
		expect(exactSeconds(90.123456)).toBe('90.12');
		expect(exactSeconds(61)).toBe('61');
		expect(durationProblem(60, publicCreator)).toBeUndefined();
		expect(durationProblem(undefined, publicCreator)).toBeUndefined();
	});
});

describe('post_info', () => {
	it('maps the settings to TikTok fields, interactions off unless allowed, brand flags always present', () => {
		expect(buildPostInfo({ ...base, allowComments: true, coverTimestampMs: 1200 })).toEqual({
			privacy_level: 'PUBLIC_TO_EVERYONE',
			title: 'New in the shop #handmade',
			disable_comment: false,
			disable_duet: true,
			disable_stitch: true,
			brand_content_toggle: false,
			brand_organic_toggle: false,
			is_aigc: false,
			video_cover_timestamp_ms: 1200,
		});
	});
	it('sends the brand flags only when commercial content is disclosed', () => {
		const info = buildPostInfo({ ...base, commercialContent: false, yourBrand: true, brandedContent: true });
		expect(info.brand_content_toggle).toBe(false);
		expect(info.brand_organic_toggle).toBe(false);
	});
});
