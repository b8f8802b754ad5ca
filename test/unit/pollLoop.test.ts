/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * The one poll loop (post/publishStatus.ts pollPublishStatuses) with a fake clock: many publish_ids in
 * one loop, each on its own schedule from its own start, one status call at a time, at least one poll
 * each, a restart for the post-id wait, a failing watch that does not stop the others, a cancel.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { pollPublishStatuses, setPollIntervalsForTests, type PollHandlers, type PublishStatus } from '../../nodes/TikTok/core/post/publishStatus';
import { tikTokApiRequest } from '../../nodes/TikTok/core/tiktok/transport';

jest.mock('../../nodes/TikTok/core/tiktok/transport', () => ({ tikTokApiRequest: jest.fn() }));
const transport = tikTokApiRequest as unknown as jest.Mock;

const T0 = 1_000_000;
/** What TikTok answers for a publish_id at a time: PROCESSING until `doneAt`, then PUBLISH_COMPLETE. */
const doneAt: Record<string, number> = {};
const calls: Array<{ publishId: string; at: number }> = [];
let inFlight = 0;
let maxInFlight = 0;

function ctxWith(signal?: AbortSignal): IExecuteFunctions {
	return {
		getExecutionCancelSignal: () => signal,
		getNode: () => ({ id: 'n', name: 'TikTok', type: 't', typeVersion: 1, position: [0, 0], parameters: {} }),
	} as unknown as IExecuteFunctions;
}

/** Ends at PUBLISH_COMPLETE with the number of polls; a timeout ends with 'timeout'. */
const untilComplete = (): PollHandlers<string> => ({
	onStatus: (status, { polls }) => (status.status === 'PUBLISH_COMPLETE' ? `complete after ${polls}` : undefined),
	onError: () => {
		throw new Error('status failed');
	},
	onTimeout: ({ polls }) => `timeout after ${polls}`,
});

async function run<T>(promise: Promise<T>): Promise<T> {
	let settled = false;
	promise.then(
		() => (settled = true),
		() => (settled = true),
	);
	for (let step = 0; step < 10_000 && !settled; step++) await jest.advanceTimersByTimeAsync(50);
	return await promise;
}

beforeEach(() => {
	jest.useFakeTimers({ now: T0 });
	setPollIntervalsForTests([1000, 2000, 3000]);
	calls.length = 0;
	inFlight = 0;
	maxInFlight = 0;
	transport.mockReset();
	transport.mockImplementation(async (_method: string, _endpoint: string, options: { body: { publish_id: string } }) => {
		const publishId = options.body.publish_id;
		calls.push({ publishId, at: Date.now() - T0 });
		inFlight++;
		maxInFlight = Math.max(maxInFlight, inFlight);
		await new Promise((resolve) => setTimeout(resolve, 100)); // TikTok takes 100 ms to answer
		inFlight--;
		if (publishId === 'broken') throw Object.assign(new Error('no such publish_id'), { httpCode: '400' });
		const status: Partial<PublishStatus> & { status: string } = { status: Date.now() >= T0 + doneAt[publishId] ? 'PUBLISH_COMPLETE' : 'PROCESSING_UPLOAD' };
		return { data: status, logId: 'log' };
	});
});
afterEach(() => {
	jest.useRealTimers();
	setPollIntervalsForTests(undefined);
});

it('follows several publish_ids in one loop, each on its own schedule from its own start, one call at a time', async () => {
	Object.assign(doneAt, { a: 2_500, b: 500, c: 5_000 });
	const watches = [
		{ publishId: 'a', itemIndex: 0, since: T0, timeoutMs: 60_000, handlers: untilComplete() },
		{ publishId: 'b', itemIndex: 1, since: T0 + 200, timeoutMs: 60_000, handlers: untilComplete() },
		{ publishId: 'c', itemIndex: 2, since: T0 + 400, timeoutMs: 60_000, handlers: untilComplete() },
	];
	const settled = await run(pollPublishStatuses(ctxWith(), watches));
	expect(settled).toEqual([
		{ ok: true, value: 'complete after 2' }, // polls at 1.0 s and 3.1 s (2.5 s done)
		{ ok: true, value: 'complete after 1' }, // first poll at 1.2 s, done at 0.5 s
		{ ok: true, value: 'complete after 3' }, // 1.4 s, 3.5 s, 6.6 s (5 s done)
	]);
	// the one due first goes first; each schedule counts from its own start (+1 s, then +2 s, +3 s after each answer)
	expect(calls.map((c) => c.publishId)).toEqual(['a', 'b', 'c', 'a', 'c', 'c']);
	expect(calls.map((c) => c.at)).toEqual([1000, 1200, 1400, 3100, 3500, 6600]);
	expect(maxInFlight).toBe(1);
});

it('polls every publish_id at least once, even when its deadline passed before the loop began', async () => {
	Object.assign(doneAt, { late: 60_000 });
	const settled = await run(pollPublishStatuses(ctxWith(), [{ publishId: 'late', itemIndex: 0, since: T0 - 10_000, timeoutMs: 1_000, handlers: untilComplete() }]));
	expect(settled).toEqual([{ ok: true, value: 'timeout after 1' }]);
	expect(calls).toEqual([{ publishId: 'late', at: 0 }]);
});

it('a restart begins a new wait on the same publish_id: its schedule and timeout count from then', async () => {
	Object.assign(doneAt, { r: 0 });
	let restarted = false;
	const handlers: PollHandlers<string> = {
		onStatus: (_status, { polls }, restart) => {
			if (restarted) return undefined;
			restarted = true;
			restart(4_000);
			return polls === 1 ? undefined : 'wrong';
		},
		onError: () => undefined,
		onTimeout: ({ polls }) => `second wait timed out after ${polls}`,
	};
	const settled = await run(pollPublishStatuses(ctxWith(), [{ publishId: 'r', itemIndex: 0, since: T0, timeoutMs: 60_000, handlers }]));
	expect(settled).toEqual([{ ok: true, value: 'second wait timed out after 3' }]);
	// first wait: 1.0 s; second wait from 1.1 s: +1 s, +2 s, then its deadline (5.1 s)
	expect(calls.map((c) => c.at)).toEqual([1000, 2100, 4200, 5100]);
});

it("a watch whose handlers throw settles as an error; the others go on", async () => {
	Object.assign(doneAt, { fine: 1_500 });
	const settled = await run(
		pollPublishStatuses(ctxWith(), [
			{ publishId: 'broken', itemIndex: 0, since: T0, timeoutMs: 60_000, handlers: untilComplete() },
			{ publishId: 'fine', itemIndex: 1, since: T0, timeoutMs: 60_000, handlers: untilComplete() },
		]),
	);
	expect(settled[0]).toMatchObject({ ok: false, error: { message: 'status failed' } });
	expect(settled[1]).toEqual({ ok: true, value: 'complete after 2' });
	expect(calls.filter((c) => c.publishId === 'broken')).toHaveLength(1);
});

it('a cancel ends the whole loop by throwing, with no further call', async () => {
	Object.assign(doneAt, { x: 60_000, y: 60_000 });
	const abort = new AbortController();
	const looping = pollPublishStatuses(ctxWith(abort.signal), [
		{ publishId: 'x', itemIndex: 0, since: T0, timeoutMs: 60_000, handlers: untilComplete() },
		{ publishId: 'y', itemIndex: 1, since: T0, timeoutMs: 60_000, handlers: untilComplete() },
	]);
	const outcome = looping.then(
		() => 'resolved',
		() => 'threw',
	);
	await jest.advanceTimersByTimeAsync(2_500);
	const before = calls.length;
	abort.abort();
	await jest.advanceTimersByTimeAsync(10_000);
	expect(await outcome).toBe('threw');
	expect(calls.length).toBe(before);
});
