import {
	type NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { asNodeError } from './nodeError';
import { readVideoPostRequest } from './parameters';
import type { ExecutionCache } from './executionCache';
import { postVideo } from './publishFlow';
import type { PostMode } from './publishStatus';

/**
 * The item loop both nodes run: one item after another (TikTok's limits are per account, and the
 * transport paces calls), an error item per failing item when "Continue On Fail" is set.
 */
export async function executeVideoPosts(
	this: IExecuteFunctions,
	mode: PostMode,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];
	const cache: ExecutionCache = {};

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const request = readVideoPostRequest(this, itemIndex, mode);
			output.push(await postVideo(this, itemIndex, request, cache));
		} catch (error) {
			const cancelled = this.getExecutionCancelSignal?.()?.aborted === true;
			if (this.continueOnFail() && !cancelled) {
				const json: IDataObject = { error: (error as Error).message };
				const description = (error as NodeOperationError).description;
				if (description) json.description = description;
				output.push({ json, pairedItem: { item: itemIndex } });
				continue;
			}
			throw asNodeError(this.getNode(), error, itemIndex);
		}
	}
	return [output];
}
