import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { getPrivacyLevels } from '../TikTok/core/account/privacyOptions';
import { executeVideoPosts } from '../TikTok/core/video/videoFlow';
import { coverTimestampOption, postSettingsProperties } from '../TikTok/descriptions/videoPost.description';
import {
	expectedAccountProperty,
	sharedOptions,
	videoSourceProperties,
	waitForResultProperty,
} from '../TikTok/descriptions/videoSource.description';
import { postIdWaitOption } from '../TikTok/descriptions/wait.description';

export class TikTokPublishVideo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'TikTok Publish Video',
		name: 'tikTokPublishVideo',
		icon: { light: 'file:tiktok.svg', dark: 'file:tiktok.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ "Post video from " + ($parameter["source"] === "url" ? "URL" : "binary data") }}',
		description:
			'Post a video directly to your TikTok account, with caption, privacy and interaction settings from your own TikTok options.',
		defaults: { name: 'TikTok Publish Video' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'tikTokOAuth2Api', required: true }],
		properties: [
			...videoSourceProperties,
			...postSettingsProperties,
			expectedAccountProperty,
			waitForResultProperty,
			sharedOptions([coverTimestampOption, postIdWaitOption]),
		],
	};

	methods = { loadOptions: { getPrivacyLevels } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeVideoPosts.call(this, 'direct');
	}
}
