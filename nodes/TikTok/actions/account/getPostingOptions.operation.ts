import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { readPostingOptions } from '../../core/account/postingOptions';

const properties: INodeProperties[] = [
	{
		displayName:
			'Reads the account\'s current options from TikTok (creator_info, at most 20 reads a minute per account, once per execution here): privacy levels, interactions turned off, longest video, and whether the account can post now.',
		name: 'postingOptionsNotice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['account'], operation: ['getPostingOptions'] } }, properties);

export interface PostingOptionsCache {
	options?: IDataObject;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, cache: PostingOptionsCache): Promise<INodeExecutionData[]> {
	cache.options ??= await readPostingOptions(this, itemIndex);
	return [{ json: { ...cache.options }, pairedItem: { item: itemIndex } }];
}
