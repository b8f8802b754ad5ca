import type { IDataObject, IExecuteFunctions, INodeExecutionData, NodeOperationError } from 'n8n-workflow';

import { asNodeError } from './tiktok/nodeError';

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
