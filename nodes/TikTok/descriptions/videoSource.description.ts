import type { INodeProperties } from 'n8n-workflow';

import { skipAlreadyPostedOptions } from './skipAlreadyPosted.description';
import { timeoutMinutesOption } from './wait.description';

/** Where the video comes from: the item's binary data, or a URL. Shared by both nodes. */
export const videoSourceProperties: INodeProperties[] = [
	{
		displayName: 'Video Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Binary Data',
				value: 'binary',
				description: 'Upload the video held in the input item, in chunks, streamed from n8n',
			},
			{
				name: 'URL',
				value: 'url',
				description: 'Take the video from a web address',
			},
		],
		default: 'binary',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing the video (MP4, MOV or WebM)',
		displayOptions: { show: { source: ['binary'] } },
	},
	{
		displayName: 'Video URL',
		name: 'videoUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://res.cloudinary.com/demo/video/upload/product.mp4',
		description: 'The https address of the video file',
		displayOptions: { show: { source: ['url'] } },
	},
	{
		displayName: 'Upload Method',
		name: 'uploadMethod',
		type: 'options',
		options: [
			{
				name: 'Auto',
				value: 'auto',
				description: 'TikTok pulls the URL, or this node downloads and sends it if the domain is not verified',
			},
			{
				name: 'Download and Upload',
				value: 'download',
				description: 'This node downloads the video and sends it: any https URL (Cloudinary, S3…)',
			},
			{
				name: 'TikTok Pulls the URL',
				value: 'pull',
				description:
					'TikTok downloads the video itself. The domain or URL prefix must be verified in your TikTok app.',
			},
		],
		default: 'auto',
		displayOptions: { show: { source: ['url'] } },
	},
];

/** Optional check that the credential belongs to the account the workflow expects. */
export const expectedAccountProperty: INodeProperties = {
	displayName: 'Expected Account',
	name: 'expectedAccount',
	type: 'string',
	default: '',
	placeholder: 'e.g. My Shop',
	description:
		"Optional. The TikTok account's open_id or display name. When set, the node checks the connected account before sending anything, and stops if it is another account. Nothing from the profile is kept.",
};

export const waitForResultProperty: INodeProperties = {
	displayName: 'Wait for Result',
	name: 'waitForResult',
	type: 'boolean',
	default: true,
	description:
		'Whether to wait until TikTok reports the final result (published, sent to the inbox, or failed) and return it. Without waiting, the node returns as soon as the video is handed to TikTok.',
};

/** Options both nodes share. */
export function sharedOptions(extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			...extra,
			{
				displayName: 'Chunk Size (MB)',
				name: 'chunkSizeMb',
				type: 'number',
				typeOptions: { minValue: 5, maxValue: 64 },
				default: 10,
				description:
					'Without this option (Auto), videos up to 64 MB go in one request and larger ones in 32 MB chunks (every request under 64 MB). With it, the video is sent in chunks of this size, 5 to 64 MB (1 MB = 1,000,000 bytes; 5 means 5 MiB, as TikTok requires). The upload holds about one request body in memory.',
			},
			{
				displayName: 'Keep Video in Output',
				name: 'keepVideo',
				type: 'boolean',
				default: false,
				description:
					'Whether to pass the video binary on to the next node. Off by default, so the video is not kept in the execution data after it was sent to TikTok.',
			},
			timeoutMinutesOption(
				'How long to wait for the final result. When it runs out, the item is returned with the last status and timedOut set to true: nothing is posted twice by a retry.',
				{ show: { '/waitForResult': [true] } },
			),
			...skipAlreadyPostedOptions(
				'the video URL (Video Source URL), or for a binary its size and a fingerprint of its first MiB, so the same file under another name counts as the same post',
			),
		],
	};
}
