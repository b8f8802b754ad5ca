import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { PendingPost } from '../../core/post/followPosts';
import type { FirstStage } from '../../core/runItems';
import { lookUpPost, readPublishId, type LookupCache } from '../../core/post/postLookup';
import { readTimeoutMs } from '../../core/post/waitOptions';
import { timeoutMinutesOption } from '../../descriptions/wait.description';
import { publishIdProperty } from './common.description';

const properties: INodeProperties[] = [
	publishIdProperty,
	{
		displayName: 'Wait for Final Status',
		name: 'waitForFinalStatus',
		type: 'boolean',
		default: false,
		description:
			'Whether to wait until TikTok reports a final status (published, sent to the inbox, or failed), polling at the posting nodes\' pace. Off: the status right now.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { waitForFinalStatus: [true] } },
		options: [
			timeoutMinutesOption('How long to wait. When it runs out, the item comes out with the last status and timedOut set to true.'),
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['post'], operation: ['getStatus'] } }, properties);

/** Stage 1 of the item (the router's runInTwoStages): the status now, or the post to wait for with the others. */
export async function execute(this: IExecuteFunctions, itemIndex: number, cache: LookupCache): Promise<FirstStage<PendingPost>> {
	const publishId = readPublishId(this, itemIndex);
	const wait = this.getNodeParameter('waitForFinalStatus', itemIndex, false) as boolean;
	const options = this.getNodeParameter('options', itemIndex, {}) as { timeoutMinutes?: number };
	const timeoutMs = wait ? readTimeoutMs(this, itemIndex, options.timeoutMinutes) : 0;
	return await lookUpPost(this, itemIndex, { publishId, wait, timeoutMs }, cache);
}
