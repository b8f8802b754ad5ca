import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { TIKTOK_CREDENTIAL_NAME } from './constants';
import { DIRECT_POST_BLOCKED_HINT, directPostBlocker } from './credentialState';
import type { ExecutionCache } from './executionCache';
import { asNodeError } from './nodeError';
import { readVideoPostRequest } from './parameters';
import { postVideo } from './publishFlow';
import type { PostMode } from './publishStatus';

/**
 * The item loop of every node of the package: one item after another (TikTok's limits are per
 * account, and the transport paces calls), an error item per failing item when "Continue On Fail" is
 * set, except when the execution was cancelled.
 */
export async function runItems(
	ctx: IExecuteFunctions,
	handleItem: (itemIndex: number) => Promise<INodeExecutionData | INodeExecutionData[]>,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await handleItem(itemIndex);
			output.push(...(Array.isArray(result) ? result : [result]));
		} catch (error) {
			const cancelled = ctx.getExecutionCancelSignal?.()?.aborted === true;
			if (ctx.continueOnFail() && !cancelled) {
				const json: IDataObject = { error: (error as Error).message };
				const description = (error as NodeOperationError).description;
				if (description) json.description = description;
				output.push({ json, pairedItem: { item: itemIndex } });
				continue;
			}
			throw asNodeError(ctx.getNode(), error, itemIndex);
		}
	}
	return [output];
}

/** What TikTok Publish Video and TikTok Upload Video run. */
export async function executeVideoPosts(this: IExecuteFunctions, mode: PostMode): Promise<INodeExecutionData[][]> {
	const cache: ExecutionCache = {};
	return await runItems(this, async (itemIndex) => {
		if (mode === 'direct') await assertCanPostDirectly(this, itemIndex);
		return await postVideo(this, itemIndex, readVideoPostRequest(this, itemIndex, mode), cache);
	});
}

/** A Drafts Only credential (or one without video.publish) is refused before anything is sent. */
async function assertCanPostDirectly(ctx: IExecuteFunctions, itemIndex: number): Promise<void> {
	const blocker = directPostBlocker(await ctx.getCredentials(TIKTOK_CREDENTIAL_NAME, itemIndex));
	if (blocker) {
		throw new NodeOperationError(ctx.getNode(), blocker, { itemIndex, description: DIRECT_POST_BLOCKED_HINT });
	}
}
