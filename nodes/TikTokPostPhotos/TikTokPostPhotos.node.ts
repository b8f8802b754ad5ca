import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { getPrivacyLevels } from '../TikTok/core/account/privacyOptions';
import { executePhotoPosts } from '../TikTok/core/photo/photoFlow';
import { photoPostProperties } from '../TikTok/descriptions/photoPost.description';

export class TikTokPostPhotos implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'TikTok Post Photos',
		name: 'tikTokPostPhotos',
		icon: { light: 'file:tiktok.svg', dark: 'file:tiktok.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["postMode"] === "inbox" ? "Send photos to inbox as draft" : "Post photos directly" }}',
		description:
			'Post a carousel of 1 to 35 photos to your TikTok account, directly or as a draft in your TikTok inbox. TikTok pulls the photos from your verified domain.',
		defaults: { name: 'TikTok Post Photos' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'tikTokOAuth2Api', required: true }],
		properties: photoPostProperties,
	};

	methods = { loadOptions: { getPrivacyLevels } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executePhotoPosts.call(this);
	}
}
