/**
 * Skip Already Posted: the keys of the posts a node handed to TikTok, kept in n8n's deduplication store
 * (the one behind Remove Duplicates: n8n's database, shared by every n8n process of the instance). A key
 * counts from just before the request that hands the post over (docs/batches-and-reruns.md says why).
 *
 * n8n's API has no read-only check, only check-and-record, and the store has no lock: it reads the
 * node's row, then writes it whole. So a look before any call (record, then remove when it was new)
 * leaves a value for a moment, and another process that read the row in that moment writes it back.
 * Each key is therefore two values: `tiktok-post:<key>`, the one a look checks, and `tiktok-handed:<key>`,
 * written only by the claim at the hand-over and the one the claim decides on, so a look that came back
 * can never make a claim fail. Every call of this node in this process goes through one queue, a failed
 * call is tried once more, and at its end an execution records its keys once more, which puts back a
 * value that another process's write dropped, and removes again the looks of items never handed over.
 */
import { sleep, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { operationError } from '../tiktok/nodeError';
import { NOTHING_SENT } from '../tiktok/wording';

/** Remove Duplicates' default history: the last 10,000 keys of a node are kept. */
export const POSTED_KEYS_KEPT = 10_000;
const OPTIONS = { mode: 'entries', maxEntries: POSTED_KEYS_KEPT } as const;
const RETRY_DELAY_MS = 250;

/** The stored values of a key (namespaced, so they can never meet another node's values). */
const looked = (key: string) => `tiktok-post:${key}`;
const handed = (key: string) => `tiktok-handed:${key}`;

/** The store calls of one node (workflow + node id) in this process, one after another. */
const queues = new Map<string, Promise<unknown>>();

async function inQueue<T>(queueKey: string, call: () => Promise<T>): Promise<T> {
	const next = (queues.get(queueKey) ?? Promise.resolve()).catch(() => undefined).then(call);
	queues.set(queueKey, next);
	try {
		return await next;
	} finally {
		if (queues.get(queueKey) === next) queues.delete(queueKey);
	}
}

/** Another execution handed this key over while this one was on its way (its upload, if any, stays incomplete). */
export interface PostedElsewhere {
	postedElsewhere: true;
	/** this run's own upload, stopped before its last chunk */
	ownPublishId?: string;
}

/** The hand-over of one item's post, with its key: claimed just before, given back when TikTok refused. */
export interface HandOverGuard {
	key: string;
	/** Records the key; false: another execution has it (do not hand the post over). */
	claim(publishId?: string): Promise<boolean>;
	/** TikTok refused the hand-over (or failed the post): nothing will be posted, the key is free again. */
	release(): Promise<void>;
	/** TikTok has the post: logged with its publish_id, the trace left if the process dies before the output is saved. */
	handedOver(publishId: string): void;
}

/** The keys of one execution of a node. */
export interface PostedKeys {
	/** Whether the key was handed over before; records nothing that stays. */
	alreadyPosted(itemIndex: number, key: string): Promise<boolean>;
	guard(itemIndex: number, key: string): HandOverGuard;
	/**
	 * At the end of the execution: records every claimed key once more (returns how many had gone
	 * missing), and removes again the looks of items that never reached their hand-over. Never throws.
	 */
	endOfExecution(): Promise<number>;
}

/** The node's two store calls, one at a time in this process, each tried once more if it fails. */
function storeCalls(ctx: IExecuteFunctions) {
	const queueKey = `${ctx.getWorkflow().id ?? ''}\u0000${ctx.getNode().id}`;
	const call = async <T>(itemIndex: number, outcome: string, what: () => Promise<T>) =>
		await inQueue(queueKey, async () => await withOneRetry(ctx, { itemIndex, outcome }, what));
	return {
		record: async (itemIndex: number, values: string[], outcome = NOTHING_SENT) =>
			await call(itemIndex, outcome, async () => await ctx.helpers.checkProcessedAndRecord(values, 'node', OPTIONS)),
		forget: async (itemIndex: number, values: string[]) =>
			await call(itemIndex, NOTHING_SENT, async () => await ctx.helpers.removeProcessed(values, 'node', OPTIONS)),
	};
}

export function postedKeys(ctx: IExecuteFunctions): PostedKeys {
	const { record, forget } = storeCalls(ctx);
	const claimed = new Map<string, number>();
	/** keys looked up (and not found) whose item has not reached its hand-over yet */
	const looks = new Map<string, number>();

	/** Every claimed key recorded once more: a value another process's write dropped is back. */
	const recordAgain = async () => {
		if (claimed.size === 0) return 0;
		const keys = [...claimed.keys()];
		const answer = await record([...claimed.values()][0], keys.flatMap((key) => [handed(key), looked(key)]));
		const missing = keys.filter((key) => answer.new.includes(handed(key)) || answer.new.includes(looked(key))).length;
		if (missing) ctx.logger.warn(`Skip Already Posted: ${missing} key(s) had gone missing from n8n's deduplication store (another execution's write dropped them) and were recorded again`);
		return missing;
	};

	return {
		async alreadyPosted(itemIndex, key) {
			if ((await record(itemIndex, [looked(key)])).processed.length > 0) return true;
			await forget(itemIndex, [looked(key)]);
			looks.set(key, itemIndex);
			return false;
		},
		guard(itemIndex, key) {
			return {
				key,
				async claim(publishId) {
					const outcome = 'The request that hands the post over was not sent, so TikTok will not post it.';
					looks.delete(key);
					if ((await record(itemIndex, [handed(key), looked(key)], outcome)).processed.includes(handed(key))) return false;
					claimed.set(key, itemIndex);
					ctx.logger.info(`Skip Already Posted: key recorded for item ${itemIndex + 1}${publishId ? ` (publish_id ${publishId})` : ''}: ${key.slice(0, 300)}`);
					return true;
				},
				async release() {
					if (!claimed.delete(key)) return;
					await forget(itemIndex, [handed(key), looked(key)]);
				},
				handedOver(publishId) {
					ctx.logger.info(`Skip Already Posted: item ${itemIndex + 1} handed over, publish_id ${publishId}, key: ${key.slice(0, 300)}`);
				},
			};
		},
		async endOfExecution() {
			try {
				// a look another process wrote back must not outlive an item that was never handed over
				if (looks.size) await forget([...looks.values()][0], [...looks.keys()].map(looked));
				return await recordAgain();
			} catch (error) {
				ctx.logger.warn(`Skip Already Posted: the keys of this execution could not be checked once more at its end: ${(error as Error).message}`);
				return 0;
			}
		},
	};
}

/** One more try after a short pause (the first write of a node's row can collide with another process's). */
async function withOneRetry<T>(ctx: IExecuteFunctions, at: { itemIndex: number; outcome: string }, what: () => Promise<T>): Promise<T> {
	if (typeof ctx.helpers.checkProcessedAndRecord !== 'function') throw storeError(ctx, at, 'this n8n has no deduplication store');
	try {
		return await what();
	} catch {
		await sleep(RETRY_DELAY_MS + Math.round(Math.random() * RETRY_DELAY_MS), ctx.getExecutionCancelSignal?.());
		try {
			return await what();
		} catch (error) {
			throw storeError(ctx, at, (error as Error).message);
		}
	}
}

function storeError(ctx: IExecuteFunctions, at: { itemIndex: number; outcome: string }, reason: string) {
	return operationError(ctx.getNode(), `Could not check whether this item was posted before (${reason})`, {
		itemIndex: at.itemIndex,
		description: `Skip Already Posted keeps its keys in n8n's database (the store behind Remove Duplicates), and it did not answer. ${at.outcome} Save the workflow if it is new and check n8n's database, then run the item again, or turn Skip Already Posted off.`,
	});
}

/** The output item of a skipped item: what happened, and how to find the earlier post. */
export function skippedItem(itemIndex: number, key: string, ownPublishId?: string): INodeExecutionData {
	const own = ownPublishId
		? ` This run's own upload (publish_id ${ownPublishId}) was stopped before its last chunk; TikTok does not publish an incomplete upload.`
		: '';
	const json: IDataObject = {
		skipped: true,
		reason: 'already_posted',
		postedKey: key,
		note: `Skipped: this node already handed a post with this key to TikTok (in an earlier execution, or earlier in this one), so nothing was sent.${own} The execution that posted it has an output item with the same postedKey and its publishId: look that publish_id up with the TikTok node (Post: Get Status) to see whether it was published. To post it again on purpose, give the item another key.`,
	};
	return { json, pairedItem: { item: itemIndex } };
}
