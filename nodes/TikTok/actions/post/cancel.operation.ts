import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { cancelPost, readPublishId } from '../../core/post/postLookup';
import { publishIdProperty } from './common.description';

const properties: INodeProperties[] = [
	{
		displayName:
			'TikTok can cancel a post only while it is still pulling the video or photos from their URL (status PROCESSING_DOWNLOAD). Uploaded videos and finished posts cannot be cancelled (publish_not_cancellable): delete those in the TikTok app.',
		name: 'cancelNotice',
		type: 'notice',
		default: '',
	},
	publishIdProperty,
];

export const description = updateDisplayOptions({ show: { resource: ['post'], operation: ['cancel'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const json = await cancelPost(this, itemIndex, readPublishId(this, itemIndex));
	return [{ json, pairedItem: { item: itemIndex } }];
}
