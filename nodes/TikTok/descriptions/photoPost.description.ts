import type { INodeProperties } from 'n8n-workflow';

import { BRANDED_CONTENT_POLICY_URL, MUSIC_USAGE_CONFIRMATION_URL } from '../core/post/directPostRules';
import { expectedAccountProperty } from './videoSource.description';
import { skipAlreadyPostedOptions } from './skipAlreadyPosted.description';
import { postIdWaitOption, timeoutMinutesOption } from './wait.description';

/**
 * TikTok Post Photos: one node for both of TikTok's photo modes (the Post Mode switch), since the
 * photos and their text are given the same way in both; Direct Post adds the settings TikTok's
 * content sharing guidelines ask for (privacy from the account's options with no default,
 * interactions and disclosure off by default, one declaration always visible).
 */

const directOnly = { show: { postMode: ['direct'] } };

const MUSIC_DECLARATION = `By posting, you agree to TikTok's <a href="${MUSIC_USAGE_CONFIRMATION_URL}" target="_blank">Music Usage Confirmation</a>.`;

/**
 * Exactly one declaration shows in every combination of the toggles, including a Branded Content
 * value kept from before Disclose Commercial Content was turned off (n8n keeps hidden values) and
 * toggles missing from the node's parameters ("not true" instead of "false").
 */
export const photoDeclarationNotices: INodeProperties[] = [
	{
		displayName: MUSIC_DECLARATION,
		name: 'musicUsageNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { postMode: ['direct'], commercialContent: [{ _cnd: { not: true } }] } },
	},
	{
		displayName: MUSIC_DECLARATION,
		name: 'musicUsageNoticeCommercial',
		type: 'notice',
		default: '',
		displayOptions: { show: { postMode: ['direct'], commercialContent: [true], brandedContent: [{ _cnd: { not: true } }] } },
	},
	{
		displayName: `By posting, you agree to TikTok's <a href="${BRANDED_CONTENT_POLICY_URL}" target="_blank">Branded Content Policy</a> and <a href="${MUSIC_USAGE_CONFIRMATION_URL}" target="_blank">Music Usage Confirmation</a>.`,
		name: 'brandedContentNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { postMode: ['direct'], commercialContent: [true], brandedContent: [true] } },
	},
];

export const photoPostProperties: INodeProperties[] = [
	{
		displayName: 'Post Mode',
		name: 'postMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Direct Post',
				value: 'direct',
				description: 'Publish the photos on your TikTok profile now (needs Direct Post for your app)',
			},
			{
				name: 'Send to Inbox as Draft',
				value: 'inbox',
				description: 'Send the photos to your TikTok inbox; you finish and post them in the TikTok app',
			},
		],
		default: 'direct',
	},
	...photoDeclarationNotices,
	{
		displayName:
			'The photos go to your TikTok inbox as a draft: you choose privacy, music and the other settings and post it in the TikTok app (TikTok keeps only the title and description sent with a draft). Needs the TikTok app 31.8 or later; at most 5 pending drafts in 24 hours.',
		name: 'draftNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { postMode: ['inbox'] } },
	},
	{
		displayName:
			'TikTok downloads the photos itself, and only from a domain or URL prefix verified for your app (TikTok developer portal: your app, URL properties). There is no download-and-upload fallback for photos. JPEG or WebP only, at most 1080 px on the short side and 20 MB each.',
		name: 'photoUrlsNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Photo URLs',
		name: 'photoUrls',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'https://media.example.com/shirt-front.jpg\nhttps://media.example.com/shirt-back.jpg',
		description:
			'1 to 35 https addresses of the photos, in order: one per line, or an expression giving a list from the input item (URLs, or objects holding the address in "src", such as a shop\'s product images). The node reads the first bytes of each photo to check it before TikTok pulls it.',
	},
	{
		displayName: 'Cover Photo Index',
		name: 'coverIndex',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 34, numberPrecision: 0 },
		default: 0,
		description: 'Which photo is the cover, counted from 0: 0 is the first photo, 1 the second',
	},
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		description:
			'Short title shown with the photos, up to 90 characters (counted as TikTok does, in UTF-16 units: most emoji count as 2)',
	},
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description:
			'Text shown with the photos, up to 4000 characters (UTF-16 units). #hashtags and @mentions work when separated by spaces.',
	},
	{
		displayName: 'Privacy Level Name or ID',
		name: 'privacyLevel',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getPrivacyLevels' },
		default: '',
		required: true,
		displayOptions: directOnly,
		description:
			'Who can see the photos. The list comes from your TikTok account\'s own options; there is no default. Apps not yet audited by TikTok can only post as Only Me (SELF_ONLY), to a private account. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Allow Comments',
		name: 'allowComments',
		type: 'boolean',
		default: false,
		displayOptions: directOnly,
		description:
			'Whether viewers can comment. Refused before anything is sent if comments are turned off in your TikTok settings.',
	},
	{
		displayName: 'Auto-Add Music',
		name: 'autoAddMusic',
		type: 'boolean',
		default: false,
		displayOptions: directOnly,
		description: 'Whether TikTok adds recommended music to the photos',
	},
	{
		displayName: 'Disclose Commercial Content',
		name: 'commercialContent',
		type: 'boolean',
		default: false,
		displayOptions: directOnly,
		description:
			'Whether the photos promote yourself, a third party, or both. When on, tick Your Brand and/or Branded Content.',
	},
	{
		displayName: 'Your Brand',
		name: 'yourBrand',
		type: 'boolean',
		default: false,
		displayOptions: { show: { postMode: ['direct'], commercialContent: [true] } },
		description: "Whether the photos promote your own business. TikTok labels them 'Promotional content'.",
	},
	{
		displayName: 'Branded Content',
		name: 'brandedContent',
		type: 'boolean',
		default: false,
		displayOptions: { show: { postMode: ['direct'], commercialContent: [true] } },
		description:
			"Whether the photos promote a third party (paid partnership). TikTok labels them 'Paid partnership'. Branded content cannot be private (Only Me).",
	},
	{
		displayName: 'AI-Generated Content',
		name: 'isAiGenerated',
		type: 'boolean',
		default: false,
		displayOptions: directOnly,
		description:
			"Whether to label the post 'Creator labeled as AI-generated'. Sent as TikTok's is_aigc field at the top level of the request, where TikTok's reference lists it for photos (not confirmed by TikTok).",
	},
	expectedAccountProperty,
	{
		displayName: 'Wait for Result',
		name: 'waitForResult',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until TikTok reports the final result (published, sent to the inbox, or failed) and return it. Without waiting, the node returns as soon as TikTok has started pulling the photos.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			timeoutMinutesOption(
				'How long to wait for the final result. When it runs out, the item is returned with the last status and timedOut set to true: look the publish_id up later with the TikTok node, do not post again.',
				{ show: { '/waitForResult': [true] } },
			),
			{ ...postIdWaitOption, displayOptions: { show: { '/waitForResult': [true], '/postMode': ['direct'] } } },
			...skipAlreadyPostedOptions('the photo URLs, in order'),
		],
	},
];
