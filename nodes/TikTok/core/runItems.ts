import type { IDataObject, IExecuteFunctions, INodeExecutionData, NodeOperationError } from 'n8n-workflow';

import { asNodeError } from './tiktok/nodeError';

/** How one piece of work ended: its value, or what it threw. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * A failed item: its error item when "Continue On Fail" is set (not after a cancel), else the error
 * the node throws, with `note` (what the items before it left with TikTok) added to its description.
 */
function failedItem(ctx: IExecuteFunctions, error: unknown, itemIndex: number, note?: string): INodeExecutionData {
	const cancelled = ctx.getExecutionCancelSignal?.()?.aborted === true;
	if (ctx.continueOnFail() && !cancelled) {
		const json: IDataObject = { error: (error as Error).message };
		const description = (error as NodeOperationError).description;
		if (description) json.description = description;
		return { json, pairedItem: { item: itemIndex } };
	}
	const nodeError = asNodeError(ctx.getNode(), error, itemIndex);
	if (note) nodeError.description = `${nodeError.description ? `${nodeError.description} ` : ''}${note}`;
	throw nodeError;
}

/**
 * The item loop of every node of the package: one item after another (TikTok's limits are per
 * account, and the transport paces calls), an error item per failing item when "Continue On Fail" is
 * set, except when the execution was cancelled.
 */
export async function runItems(
	ctx: IExecuteFunctions,
	handleItem: (itemIndex: number) => Promise<INodeExecutionData | INodeExecutionData[]>,
): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < ctx.getInputData().length; itemIndex++) {
		try {
			const result = await handleItem(itemIndex);
			output.push(...(Array.isArray(result) ? result : [result]));
		} catch (error) {
			output.push(failedItem(ctx, error, itemIndex));
		}
	}
	return [output];
}

/** What the first stage of an item gave: its output item now, or something to wait for (`later`). */
export type FirstStage<L> = { output: INodeExecutionData } | { later: L };

/** An item waiting for the second stage. */
export interface Later<L> {
	itemIndex: number;
	value: L;
}

export interface TwoStages<L> {
	/** Stage 1, item after item in input order: checks and hand-over; what is left to wait for is `later`. */
	first(itemIndex: number): Promise<FirstStage<L>>;
	/** Stage 2, once for all: settles every item left to wait for into its output item or its error (same order). */
	waitAll(later: Array<Later<L>>): Promise<Array<Settled<INodeExecutionData>>>;
	/** Added to the error that stops stage 1: what the items before it left with TikTok. */
	stoppedNote?(later: Array<Later<L>>): string | undefined;
	/** Runs once the stages are over, also when an error stops the node. Must not throw. */
	finally?(): Promise<unknown>;
}

/**
 * The item loop of the nodes that wait for TikTok: every item is handed over first (one at a time:
 * uploads hold one request body), then ONE wait serves all of them, so a batch waits about as long as
 * its slowest item instead of the sum. Items come out in input order, each paired with its input item;
 * "Continue On Fail" works per item in both stages. Without it, the first error of stage 1 stops the
 * node at once, and the first error of stage 2 (in input order) once every wait is settled.
 */
export async function runInTwoStages<L>(ctx: IExecuteFunctions, stages: TwoStages<L>): Promise<INodeExecutionData[][]> {
	const outputs: INodeExecutionData[] = [];
	const later: Array<Later<L>> = [];
	try {
		for (let itemIndex = 0; itemIndex < ctx.getInputData().length; itemIndex++) {
			try {
				const first = await stages.first(itemIndex);
				if ('later' in first) later.push({ itemIndex, value: first.later });
				else outputs[itemIndex] = first.output;
			} catch (error) {
				outputs[itemIndex] = failedItem(ctx, error, itemIndex, stages.stoppedNote?.(later));
			}
		}
		const settled = later.length ? await stages.waitAll(later) : [];
		let stop: unknown;
		settled.forEach((result, position) => {
			const { itemIndex } = later[position];
			if (result.ok) outputs[itemIndex] = result.value;
			else if (stop === undefined) {
				try {
					outputs[itemIndex] = failedItem(ctx, result.error, itemIndex);
				} catch (error) {
					stop = error;
				}
			}
		});
		if (stop !== undefined) throw stop;
	} finally {
		await stages.finally?.();
	}
	return [outputs.filter((item) => item !== undefined)];
}
