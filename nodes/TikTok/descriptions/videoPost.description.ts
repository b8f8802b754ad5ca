import type { INodeProperties } from 'n8n-workflow';

import { BRANDED_CONTENT_POLICY_URL, MUSIC_USAGE_CONFIRMATION_URL } from '../core/post/directPostRules';

/**
 * TikTok Publish Video's Direct Post settings, laid out as TikTok's content sharing guidelines ask:
 * privacy from the creator's own options with no default, interactions off by default, commercial
 * disclosure off by default, and the declaration always visible.
 */
const MUSIC_USAGE_DECLARATION = `By posting, you agree to TikTok's <a href="${MUSIC_USAGE_CONFIRMATION_URL}" target="_blank">Music Usage Confirmation</a>.`;
const BRANDED_CONTENT_DECLARATION = `By posting, you agree to TikTok's <a href="${BRANDED_CONTENT_POLICY_URL}" target="_blank">Branded Content Policy</a> and <a href="${MUSIC_USAGE_CONFIRMATION_URL}" target="_blank">Music Usage Confirmation</a>.`;

/** Matches any value but `true`: unset, false, or an expression. */
const NOT_TRUE = [{ _cnd: { not: true } }];

/**
 * TikTok's declaration: exactly one of these three notices shows, whatever the toggles. displayOptions
 * have no OR, hence two music notices for the two halves of "not (commercial and branded)". Every
 * rule is a `hide`: n8n's editor keeps a hidden toggle's last value for display (Branded Content stays
 * true after Disclose Commercial Content is turned off), and a `show` on an expression always shows.
 */
export const declarationNotices: INodeProperties[] = [
	{
		displayName: MUSIC_USAGE_DECLARATION,
		name: 'musicUsageNotice',
		type: 'notice',
		default: '',
		displayOptions: { hide: { commercialContent: [true] } },
	},
	{
		displayName: MUSIC_USAGE_DECLARATION,
		name: 'musicUsageNoticeCommercial',
		type: 'notice',
		default: '',
		displayOptions: { hide: { commercialContent: NOT_TRUE, brandedContent: [true] } },
	},
	{
		displayName: BRANDED_CONTENT_DECLARATION,
		name: 'brandedContentNotice',
		type: 'notice',
		default: '',
		displayOptions: { hide: { commercialContent: NOT_TRUE, brandedContent: NOT_TRUE } },
	},
];

export const postSettingsProperties: INodeProperties[] = [
	...declarationNotices,
	{
		displayName: 'Caption',
		name: 'caption',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description:
			'Text shown with the video, up to 2200 characters (counted as TikTok does, in UTF-16 units: most emoji count as 2). #hashtags and @mentions work when separated by spaces.',
	},
	{
		displayName: 'Privacy Level Name or ID',
		name: 'privacyLevel',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getPrivacyLevels' },
		default: '',
		required: true,
		description:
			'Who can watch the video. The list comes from your TikTok account\'s own options; there is no default. Apps not yet audited by TikTok can only post as Only Me (SELF_ONLY), to a private account. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Allow Comments',
		name: 'allowComments',
		type: 'boolean',
		default: false,
		description:
			'Whether viewers can comment. Refused before upload if comments are turned off in your TikTok settings.',
	},
	{
		displayName: 'Allow Duet',
		name: 'allowDuet',
		type: 'boolean',
		default: false,
		description:
			'Whether viewers can make a Duet with the video. Refused before upload if Duet is turned off for your account (private accounts cannot allow it).',
	},
	{
		displayName: 'Allow Stitch',
		name: 'allowStitch',
		type: 'boolean',
		default: false,
		description:
			'Whether viewers can Stitch the video. Refused before upload if Stitch is turned off for your account (private accounts cannot allow it).',
	},
	{
		displayName: 'Disclose Commercial Content',
		name: 'commercialContent',
		type: 'boolean',
		default: false,
		description:
			'Whether the video promotes yourself, a third party, or both. When on, tick Your Brand and/or Branded Content.',
	},
	{
		displayName: 'Your Brand',
		name: 'yourBrand',
		type: 'boolean',
		default: false,
		description:
			"Whether the video promotes your own business. TikTok labels it 'Promotional content'.",
		displayOptions: { show: { commercialContent: [true] } },
	},
	{
		displayName: 'Branded Content',
		name: 'brandedContent',
		type: 'boolean',
		default: false,
		description:
			"Whether the video promotes a third party (paid partnership). TikTok labels it 'Paid partnership'. Branded content cannot be private (Only Me).",
		displayOptions: { show: { commercialContent: [true] } },
	},
	{
		displayName: 'AI-Generated Content',
		name: 'isAiGenerated',
		type: 'boolean',
		default: false,
		description: "Whether to label the video 'Creator labeled as AI-generated'",
	},
];

export const coverTimestampOption: INodeProperties = {
	displayName: 'Cover Frame (Ms)',
	name: 'coverTimestampMs',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 0,
	description:
		'Which frame to use as the cover, in milliseconds from the start. 0 or an invalid time uses the first frame.',
};
