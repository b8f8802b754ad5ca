import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { executeVideoPosts } from '../TikTok/core/video/videoFlow';
import {
	expectedAccountProperty,
	sharedOptions,
	videoSourceProperties,
	waitForResultProperty,
} from '../TikTok/descriptions/videoSource.description';

export class TikTokUploadVideo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'TikTok Upload Video',
		name: 'tikTokUploadVideo',
		icon: { light: 'file:tiktok.svg', dark: 'file:tiktok.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ "Send draft from " + ($parameter["source"] === "url" ? "URL" : "binary data") }}',
		description:
			"Send a video to your TikTok app's inbox as a draft, to finish and post in the TikTok app.",
		defaults: { name: 'TikTok Upload Video' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'tikTokOAuth2Api', required: true }],
		properties: [
			{
				displayName:
					'The video goes to your TikTok inbox as a draft: you add the caption and settings and post it in the TikTok app (TikTok ignores them when sent with a draft). TikTok allows at most 5 pending drafts in 24 hours.',
				name: 'draftNotice',
				type: 'notice',
				default: '',
			},
			...videoSourceProperties,
			expectedAccountProperty,
			waitForResultProperty,
			sharedOptions(),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeVideoPosts.call(this, 'inbox');
	}
}
