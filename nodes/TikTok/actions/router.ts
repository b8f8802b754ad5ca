import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { waitAndFinish, type PendingPost } from '../core/post/followPosts';
import type { LookupCache } from '../core/post/postLookup';
import { runInTwoStages, runItems } from '../core/runItems';
import * as account from './account/Account.resource';
import type { PostingOptionsCache } from './account/getPostingOptions.operation';
import type { TikTokOperation } from './node.type';
import * as post from './post/Post.resource';

/**
 * Runs the chosen operation for each item; reads shared by the items (creator_info) are done once. Get
 * Status runs in two stages, so waiting items share one wait.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const chosen = {
		resource: this.getNodeParameter('resource', 0),
		operation: this.getNodeParameter('operation', 0),
	} as TikTokOperation;
	const lookupCache: LookupCache = {};
	const postingOptionsCache: PostingOptionsCache = {};

	if (chosen.resource === 'post' && chosen.operation === 'getStatus') {
		// every item's status first, then one wait for those still being processed
		return await runInTwoStages<PendingPost>(this, {
			first: async (itemIndex) => await post.getStatus.execute.call(this, itemIndex, lookupCache),
			waitAll: async (later) => await waitAndFinish(this, later),
		});
	}
	return await runItems(this, async (itemIndex) => {
		switch (chosen.resource) {
			case 'post':
				if (chosen.operation === 'cancel') return await post.cancel.execute.call(this, itemIndex);
				break;
			case 'account':
				if (chosen.operation === 'getPostingOptions') {
					return await account.getPostingOptions.execute.call(this, itemIndex, postingOptionsCache);
				}
				break;
		}
		throw new NodeOperationError(this.getNode(), `The operation "${String(chosen.operation)}" is not supported for "${String(chosen.resource)}"`, {
			itemIndex,
		});
	});
}
