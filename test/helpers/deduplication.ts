/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * n8n's deduplication store (the one behind Remove Duplicates) for tests, in memory.
 *
 * The helpers a node calls (`ctx.helpers.checkProcessedAndRecord`, `removeProcessed`, …) are n8n-core's
 * own: `getDeduplicationHelperFunctions(workflow, node)` over n8n-core's `DataDeduplicationService`. Only
 * the storage underneath is simulated, because n8n keeps it in the `n8n` package (packages/cli,
 * `deduplication/deduplication-helper.js`, not a dependency here). `ProcessedDataStore` follows that file
 * (2.41.1 and 1.123.81 are identical, /work/notes/issue19-findings.md §2):
 * - one row per (workflow id, context), context `n:<node id>` for scope 'node', '' for 'workflow';
 * - values kept as md5(value) in base64, mode 'entries' (the oldest dropped beyond maxEntries);
 * - a read-modify-write without a lock: the row is read, then (after an await) written whole, so two
 *   overlapping calls lose one's records, and two first inserts of a row collide on the primary key.
 * `store.beforeWrite` lets a test act between the read and the write (another process writing).
 */
import { createHash } from 'crypto';

import { DataDeduplicationService } from 'n8n-core/dist/data-deduplication-service';
import { getDeduplicationHelperFunctions } from 'n8n-core/dist/execution-engine/node-execution-context/utils/deduplication-helper-functions';
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
	INode,
	Workflow,
} from 'n8n-workflow';

interface Row {
	mode: string;
	data: string[];
}

const hashOf = (value: DeduplicationItemTypes) => createHash('md5').update(value.toString()).digest('base64');
const contextOf = (scope: DeduplicationScope, data: ICheckProcessedContextData) => {
	if (scope !== 'node') return '';
	if (!data.node) throw new Error("No node information has been provided and so cannot use scope 'node'");
	return `n:${data.node.id}`;
};
const nextTurn = async () => await new Promise((resolve) => setImmediate(resolve));

/** The processed_data table of one n8n instance (all its processes share it). */
export class ProcessedDataStore implements IDataDeduplicator {
	rows = new Map<string, Row>();
	/** every call, for assertions: what, which values, and what it answered */
	calls: Array<{ kind: 'check' | 'remove' | 'clear'; values: string[]; answer?: IDeduplicationOutput }> = [];
	/** called after a call read its row and before it writes it back (simulates another writer) */
	beforeWrite?: (key: string) => Promise<void> | void;
	/** make the next calls fail like a database that is down */
	failNext = 0;

	private key(scope: DeduplicationScope, data: ICheckProcessedContextData): string {
		if (!data.workflow.id) throw new Error('The expression evaluated to a falsy value: assert.ok(contextData.workflow.id)');
		return `${data.workflow.id}\u0000${contextOf(scope, data)}`;
	}

	private failIfAsked(): void {
		if (this.failNext > 0) {
			this.failNext--;
			throw new Error('Connection terminated unexpectedly');
		}
	}

	/** Whether `value` is recorded in the row (no side effect; for assertions only). */
	has(workflowId: string, nodeId: string | undefined, value: string): boolean {
		const row = this.rows.get(`${workflowId}\u0000${nodeId === undefined ? '' : `n:${nodeId}`}`);
		return row?.data.includes(hashOf(value)) ?? false;
	}

	async checkProcessedAndRecord(items: DeduplicationItemTypes[], scope: DeduplicationScope, data: ICheckProcessedContextData, options: ICheckProcessedOptions): Promise<IDeduplicationOutput> {
		this.failIfAsked();
		if (options.mode !== 'entries') throw new Error('ProcessedDataStore simulates mode "entries" only');
		const key = this.key(scope, data);
		const read = this.rows.get(key);
		const row: Row | undefined = read ? { mode: read.mode, data: [...read.data] } : undefined;
		await nextTurn();
		await this.beforeWrite?.(key);
		const hashes = items.map(hashOf);
		if (!row) {
			if (this.rows.has(key)) throw new Error('duplicate key value violates unique constraint "PK_processed_data"');
			this.rows.set(key, { mode: options.mode, data: options.maxEntries ? hashes.slice(-options.maxEntries) : hashes });
			return this.note('check', items, { new: items, processed: [] });
		}
		if (row.mode !== options.mode) throw new Error('Deduplication data was originally saved with an incompatible setting');
		const known = new Set(row.data);
		const answer: IDeduplicationOutput = { new: [], processed: [] };
		hashes.forEach((hash, index) => {
			if (known.has(hash)) answer.processed.push(items[index]);
			else {
				answer.new.push(items[index]);
				row.data.push(hash);
			}
		});
		if (options.maxEntries) row.data.splice(0, Math.max(0, row.data.length - options.maxEntries));
		this.rows.set(key, row);
		return this.note('check', items, answer);
	}

	async removeProcessed(items: DeduplicationItemTypes[], scope: DeduplicationScope, data: ICheckProcessedContextData): Promise<void> {
		this.failIfAsked();
		const key = this.key(scope, data);
		const read = this.rows.get(key);
		this.note('remove', items);
		if (!read) return;
		const row = { mode: read.mode, data: [...read.data] };
		await nextTurn();
		await this.beforeWrite?.(key);
		for (const hash of items.map(hashOf)) {
			const index = row.data.indexOf(hash);
			if (index !== -1) row.data.splice(index, 1);
		}
		this.rows.set(key, row);
	}

	async clearAllProcessedItems(scope: DeduplicationScope, data: ICheckProcessedContextData): Promise<void> {
		this.note('clear', []);
		this.rows.delete(this.key(scope, data));
	}

	async getProcessedDataCount(scope: DeduplicationScope, data: ICheckProcessedContextData, options: ICheckProcessedOptions): Promise<number> {
		const row = this.rows.get(this.key(scope, data));
		return options.mode === 'entries' && row ? row.data.length : 0;
	}

	private note(kind: 'check' | 'remove' | 'clear', items: DeduplicationItemTypes[], answer?: IDeduplicationOutput) {
		this.calls.push({ kind, values: items.map(String), answer });
		return answer as IDeduplicationOutput;
	}
}

/** Routes n8n-core's singleton service to the store a test context was given (by workflow id). */
const storesByWorkflow = new Map<string, ProcessedDataStore>();
const router: IDataDeduplicator = {
	checkProcessedAndRecord: async (items, scope, data, options) => await storeFor(data).checkProcessedAndRecord(items, scope, data, options),
	removeProcessed: async (items, scope, data) => await storeFor(data).removeProcessed(items, scope, data),
	clearAllProcessedItems: async (scope, data) => await storeFor(data).clearAllProcessedItems(scope, data),
	getProcessedDataCount: async (scope, data, options) => await storeFor(data).getProcessedDataCount(scope, data, options),
};
function storeFor(data: ICheckProcessedContextData): ProcessedDataStore {
	const store = storesByWorkflow.get(data.workflow.id);
	if (!store) throw new Error(`test harness: no ProcessedDataStore for workflow ${data.workflow.id}`);
	return store;
}
/**
 * n8n-core's deduplication helpers for a node of `workflowId`, over `store`. Contexts given the same
 * store and workflow id see each other's records, like two executions (or two workers) of one workflow.
 */
export function deduplicationHelpers(store: ProcessedDataStore, workflowId: string, node: INode) {
	storesByWorkflow.set(workflowId, store);
	try {
		DataDeduplicationService.getInstance();
	} catch {
		// init() sets the singleton before its first await
		void DataDeduplicationService.init(router);
	}
	return getDeduplicationHelperFunctions({ id: workflowId, active: false } as unknown as Workflow, node);
}
