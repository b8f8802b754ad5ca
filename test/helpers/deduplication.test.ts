import { createTestContext, ProcessedDataStore } from '../helpers';

describe('harness: deduplication store', () => {
	it('n8n-core helpers over the store: check-and-record, remove, the row per node, lost update, first-insert race', async () => {
		const store = new ProcessedDataStore();
		const a = createTestContext({ processedData: store, workflowId: 'wf-d' });
		expect(await a.helpers.checkProcessedAndRecord(['x'], 'node', { mode: 'entries' })).toEqual({ new: ['x'], processed: [] });
		expect(await a.helpers.checkProcessedAndRecord(['x', 'y'], 'node', { mode: 'entries' })).toEqual({ new: ['y'], processed: ['x'] });
		expect(store.has('wf-d', 'node-1', 'y')).toBe(true);
		await a.helpers.removeProcessed(['y'], 'node', { mode: 'entries' });
		expect(store.has('wf-d', 'node-1', 'y')).toBe(false);
		const other = createTestContext({ processedData: store, workflowId: 'wf-d', nodeId: 'node-2' });
		expect((await other.helpers.checkProcessedAndRecord(['x'], 'node', { mode: 'entries' })).new).toEqual(['x']);
		// two overlapping calls: the later write carries only what it read
		const [p, q] = await Promise.all([a.helpers.checkProcessedAndRecord(['p'], 'node', { mode: 'entries' }), a.helpers.checkProcessedAndRecord(['q'], 'node', { mode: 'entries' })]);
		expect([p.new, q.new]).toEqual([['p'], ['q']]);
		expect([store.has('wf-d', 'node-1', 'p'), store.has('wf-d', 'node-1', 'q')]).toEqual([false, true]);
		const fresh = createTestContext({ processedData: store, workflowId: 'wf-e' });
		const both = await Promise.allSettled([fresh.helpers.checkProcessedAndRecord(['a'], 'node', { mode: 'entries' }), fresh.helpers.checkProcessedAndRecord(['b'], 'node', { mode: 'entries' })]);
		expect(both.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
	});
});
