/**
 * Skip Already Posted's keys (post/postedKeys.ts) over n8n-core's own deduplication helpers, on an
 * in-memory store that behaves like n8n's (test/helpers/deduplication.ts: one row per node, read then
 * written whole, no lock). Two contexts with the same store and workflow id are two executions of one
 * workflow.
 */
import { postedKeys, skippedItem } from '../../nodes/TikTok/core/post/postedKeys';
import { createTestContext, ProcessedDataStore } from '../helpers';

const execution = (store: ProcessedDataStore, workflowId = 'wf-keys') => createTestContext({ processedData: store, workflowId });
const has = (store: ProcessedDataStore, key: string, workflowId = 'wf-keys') => store.has(workflowId, 'node-1', `tiktok-post:${key}`);

it('looking first records nothing; a claim records the key; another execution then finds it and cannot claim it', async () => {
	const store = new ProcessedDataStore();
	const ctx = execution(store);
	const first = postedKeys(ctx);
	expect(await first.alreadyPosted(0, 'https://cdn.example.com/a.mp4')).toBe(false);
	expect(has(store, 'https://cdn.example.com/a.mp4')).toBe(false);
	const guard = first.guard(0, 'https://cdn.example.com/a.mp4');
	expect(await guard.claim('v_pub_file~v2-1.1')).toBe(true);
	expect(has(store, 'https://cdn.example.com/a.mp4')).toBe(true);
	guard.handedOver('v_pub_file~v2-1.1');
	// the trace left in n8n's log if the process dies before the execution's output is saved
	expect(ctx.harness.logs.filter((l) => l.level === 'info').map((l) => l.message)).toEqual([
		'Skip Already Posted: key recorded for item 1 (publish_id v_pub_file~v2-1.1): https://cdn.example.com/a.mp4',
		'Skip Already Posted: item 1 handed over, publish_id v_pub_file~v2-1.1, key: https://cdn.example.com/a.mp4',
	]);

	const second = postedKeys(execution(store));
	expect(await second.alreadyPosted(0, 'https://cdn.example.com/a.mp4')).toBe(true);
	expect(await second.guard(0, 'https://cdn.example.com/a.mp4').claim()).toBe(false);
	// another workflow (or node) has its own keys
	expect(await postedKeys(execution(store, 'wf-other')).alreadyPosted(0, 'https://cdn.example.com/a.mp4')).toBe(false);
});

it('a look written back by another process (no lock in n8n\'s store) can make a later look skip, never a claim fail', async () => {
	const store = new ProcessedDataStore();
	const keys = postedKeys(execution(store));
	expect(await keys.alreadyPosted(0, 'k')).toBe(false); // recorded, then removed again
	// another worker had read the row while the look's value was in it, and writes the row back now
	await createTestContext({ processedData: store, workflowId: 'wf-keys' }).helpers.checkProcessedAndRecord(['tiktok-post:k'], 'node', { mode: 'entries' });
	expect(await keys.guard(0, 'k').claim()).toBe(true); // the claim decides on its own value
	expect(store.has('wf-keys', 'node-1', 'tiktok-handed:k')).toBe(true);
	expect(await postedKeys(execution(store)).guard(0, 'k').claim()).toBe(false);
});

it('at the end of the execution, a look written back for an item that was never handed over is removed again', async () => {
	const store = new ProcessedDataStore();
	const keys = postedKeys(execution(store));
	expect(await keys.alreadyPosted(0, 'refused later')).toBe(false);
	await createTestContext({ processedData: store, workflowId: 'wf-keys' }).helpers.checkProcessedAndRecord(['tiktok-post:refused later'], 'node', { mode: 'entries' });
	expect(await keys.alreadyPosted(1, 'posted')).toBe(false);
	await keys.guard(1, 'posted').claim();
	await keys.endOfExecution();
	expect([has(store, 'refused later'), has(store, 'posted')]).toEqual([false, true]);
	expect(await postedKeys(execution(store)).alreadyPosted(0, 'refused later')).toBe(false);
});

it("release gives a claimed key back, and only this execution's own claim", async () => {
	const store = new ProcessedDataStore();
	const first = postedKeys(execution(store));
	const guard = first.guard(0, 'k');
	await guard.claim();
	const other = postedKeys(execution(store)).guard(0, 'k');
	expect(await other.claim()).toBe(false);
	await other.release(); // it never held the key: nothing happens
	expect(has(store, 'k')).toBe(true);
	await guard.release();
	expect([has(store, 'k'), store.has('wf-keys', 'node-1', 'tiktok-handed:k')]).toEqual([false, false]);
	expect(await postedKeys(execution(store)).alreadyPosted(0, 'k')).toBe(false);
});

it('two executions in one n8n process never lose each other’s keys (the calls of a node are queued)', async () => {
	const store = new ProcessedDataStore();
	await postedKeys(execution(store)).guard(0, 'earlier').claim(); // the node's row exists
	const [a, b] = [postedKeys(execution(store)), postedKeys(execution(store))];
	const claims = await Promise.all([a.guard(0, 'a1').claim(), b.guard(0, 'b1').claim(), a.guard(1, 'a2').claim(), b.guard(1, 'b2').claim()]);
	expect(claims).toEqual([true, true, true, true]);
	expect(['a1', 'b1', 'a2', 'b2'].map((key) => has(store, key))).toEqual([true, true, true, true]);
});

it("endOfExecution records the execution's keys once more: a key another process's write dropped is back", async () => {
	const store = new ProcessedDataStore();
	const ctx = execution(store);
	const keys = postedKeys(ctx);
	await keys.guard(0, 'kept').claim();
	await keys.guard(1, 'dropped').claim();
	await keys.guard(2, 'given back').claim();
	await keys.guard(2, 'given back').release();
	// another worker read the row before 'dropped' was written and wrote it back after: 'dropped' is gone
	await createTestContext({ processedData: store, workflowId: 'wf-keys' }).helpers.removeProcessed(['tiktok-post:dropped'], 'node', { mode: 'entries' });
	expect(has(store, 'dropped')).toBe(false);
	expect(await keys.endOfExecution()).toBe(1);
	expect([has(store, 'kept'), has(store, 'dropped'), has(store, 'given back')]).toEqual([true, true, false]);
	expect(ctx.harness.logs.some((l) => l.level === 'warn' && /1 key\(s\) had gone missing/.test(l.message))).toBe(true);
});

it("a call that collides with another process's first write of the row is tried once more", async () => {
	const store = new ProcessedDataStore();
	let collided = false;
	store.beforeWrite = (rowKey) => {
		if (collided) return;
		collided = true;
		store.rows.set(rowKey, { mode: 'entries', data: [] }); // the other process inserted the row first
	};
	expect(await postedKeys(execution(store)).guard(0, 'first').claim()).toBe(true);
	expect(collided).toBe(true);
	expect(has(store, 'first')).toBe(true);
});

it('a store that does not answer fails the item (nothing posted unguarded); no store at all says so', async () => {
	const store = new ProcessedDataStore();
	store.failNext = 2;
	await expect(postedKeys(execution(store)).alreadyPosted(3, 'k')).rejects.toMatchObject({
		message: 'Could not check whether this item was posted before (Connection terminated unexpectedly)',
		description: expect.stringMatching(/Nothing was sent to TikTok\. Save the workflow if it is new/),
	});
	store.failNext = 2;
	await expect(postedKeys(execution(store)).guard(3, 'k').claim('v_pub_file~v2-1.9')).rejects.toMatchObject({
		description: expect.stringContaining('The request that hands the post over was not sent, so TikTok will not post it.'),
	});
	await expect(postedKeys(createTestContext({})).alreadyPosted(0, 'k')).rejects.toThrow(/this n8n has no deduplication store/);
});

it('endOfExecution never throws: a store that does not answer at the end is logged', async () => {
	const store = new ProcessedDataStore();
	const ctx = execution(store);
	const keys = postedKeys(ctx);
	await keys.guard(0, 'k').claim();
	store.failNext = 2;
	expect(await keys.endOfExecution()).toBe(0);
	expect(ctx.harness.logs.some((l) => l.level === 'warn' && /could not be checked once more/.test(l.message))).toBe(true);
});

it('a skipped item says it was skipped, its key, and how to find the earlier post', () => {
	expect(skippedItem(4, 'sku-42', 'v_pub_file~v2-1.7')).toEqual({
		json: {
			skipped: true,
			reason: 'already_posted',
			postedKey: 'sku-42',
			note: expect.stringMatching(/^Skipped: this node already handed a post with this key to TikTok .* This run's own upload \(publish_id v_pub_file~v2-1\.7\) was stopped before its last chunk.* same postedKey and its publishId: look that publish_id up with the TikTok node \(Post: Get Status\)/),
		},
		pairedItem: { item: 4 },
	});
});
