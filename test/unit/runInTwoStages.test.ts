/**
 * runInTwoStages (core/runItems.ts): every item's first stage in input order, then one wait for all;
 * outputs in input order, paired; Continue On Fail per item in both stages; without it, the first error
 * of stage 1 stops at once (saying what the items before it left with TikTok) and stage 2's first error
 * (input order) is thrown once every wait settled; `finally` always runs.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { runInTwoStages, type Later, type Settled } from '../../nodes/TikTok/core/runItems';

const node = { id: 'n', name: 'TikTok Publish Video', type: 't', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };

function ctxFor(items: number, continueOnFail: boolean, signal?: AbortSignal): IExecuteFunctions {
	return {
		getInputData: () => Array.from({ length: items }, () => ({ json: {} })),
		continueOnFail: () => continueOnFail,
		getNode: () => node,
		getExecutionCancelSignal: () => signal,
	} as unknown as IExecuteFunctions;
}

const item = (text: string, index: number): INodeExecutionData => ({ json: { text }, pairedItem: { item: index } });

/** Items: 'now' (output in stage 1), 'wait' (finished in stage 2), 'refuse' (stage 1 error), 'fail' (stage 2 error). */
function stagesFor(plan: string[], log: string[]) {
	return {
		first: async (itemIndex: number) => {
			log.push(`first ${itemIndex}`);
			const kind = plan[itemIndex];
			if (kind === 'refuse') throw new NodeOperationError(node, `item ${itemIndex} refused`, { itemIndex, description: 'Nothing was sent to TikTok.' });
			return kind === 'now' ? { output: item(`now ${itemIndex}`, itemIndex) } : { later: kind };
		},
		waitAll: async (later: Array<Later<string>>): Promise<Array<Settled<INodeExecutionData>>> => {
			log.push(`waitAll ${later.map((l) => l.itemIndex).join(',')}`);
			return later.map(({ itemIndex, value }) =>
				value === 'fail'
					? { ok: false, error: new NodeOperationError(node, `item ${itemIndex} failed`, { itemIndex }) }
					: { ok: true, value: item(`waited ${itemIndex}`, itemIndex) },
			);
		},
		stoppedNote: (later: Array<Later<string>>) => (later.length ? `handed over: ${later.map((l) => l.itemIndex).join(',')}` : undefined),
		finally: async () => log.push('finally'),
	};
}

it('hands every item over first, then waits once for all; outputs in input order, each paired with its item', async () => {
	const log: string[] = [];
	const [out] = await runInTwoStages(ctxFor(4, false), stagesFor(['wait', 'now', 'wait', 'wait'], log));
	expect(log).toEqual(['first 0', 'first 1', 'first 2', 'first 3', 'waitAll 0,2,3', 'finally']);
	expect(out.map((o) => [o.json.text, o.pairedItem])).toEqual([
		['waited 0', { item: 0 }],
		['now 1', { item: 1 }],
		['waited 2', { item: 2 }],
		['waited 3', { item: 3 }],
	]);
});

it('Continue On Fail: an error item in its place, in either stage, and the others go on', async () => {
	const log: string[] = [];
	const [out] = await runInTwoStages(ctxFor(4, true), stagesFor(['wait', 'refuse', 'fail', 'now'], log));
	expect(log).toEqual(['first 0', 'first 1', 'first 2', 'first 3', 'waitAll 0,2', 'finally']);
	expect(out.map((o) => o.json)).toEqual([
		{ text: 'waited 0' },
		{ error: 'item 1 refused', description: 'Nothing was sent to TikTok.' },
		{ error: 'item 2 failed' },
		{ text: 'now 3' },
	]);
	expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
});

it('without Continue On Fail, a stage-1 error stops at once and names what the items before it left with TikTok', async () => {
	const log: string[] = [];
	const running = runInTwoStages(ctxFor(4, false), stagesFor(['wait', 'now', 'refuse', 'wait'], log));
	await expect(running).rejects.toMatchObject({ message: 'item 2 refused', description: 'Nothing was sent to TikTok. handed over: 0' });
	expect(log).toEqual(['first 0', 'first 1', 'first 2', 'finally']);
});

it('without Continue On Fail, the first stage-2 error in input order is thrown once every wait settled', async () => {
	const log: string[] = [];
	const running = runInTwoStages(ctxFor(3, false), stagesFor(['wait', 'fail', 'fail'], log));
	await expect(running).rejects.toMatchObject({ message: 'item 1 failed' });
	expect(log).toEqual(['first 0', 'first 1', 'first 2', 'waitAll 0,1,2', 'finally']);
});

it('a cancelled execution never becomes error items, even with Continue On Fail', async () => {
	const abort = new AbortController();
	abort.abort();
	const running = runInTwoStages(ctxFor(2, true, abort.signal), stagesFor(['refuse', 'now'], []));
	await expect(running).rejects.toMatchObject({ message: 'item 0 refused' });
});
