/**
 * The waiting stage of a batch: every post an execution handed over, followed in the one poll loop
 * (publishStatus.ts) to its final status and, for a public Direct Post, on through moderation to its
 * post id. TikTok goes on with every post whatever happens here, so an error or a cancel says so, with
 * the publish_id, and never suggests running the item again.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type NodeApiError } from 'n8n-workflow';

import type { Later, Settled } from '../runItems';
import { asNodeError } from '../tiktok/nodeError';
import { awaitsPostId, type PostedMedia } from './postIdWait';
import type { HandOverGuard } from './postedKeys';
import {
	finalStatusHandlers,
	pollPublishStatuses,
	postIdHandlers,
	type PollHandlers,
	type PostIdWait,
	type PostMode,
	type WaitResult,
} from './publishStatus';

/** A post TikTok has, whose final status (and, public, its id) the item still owes. */
export interface PostToFollow {
	itemIndex: number;
	publishId: string;
	mode: PostMode;
	/** Date.now() at the hand-over: the post's poll schedule and Timeout count from here. */
	since: number;
	timeoutMs: number;
	/** Direct Post: its privacy level (only a public post gets an id, after moderation). */
	privacyLevel?: string;
	/** How long to wait for that id after PUBLISH_COMPLETE; 0 = not at all. */
	postIdWaitMs: number;
	/** The sentence an error or a cancel adds: TikTok has the media and goes on with the post. */
	handedOver: string;
	/** What is posted, as the messages name it. */
	media: PostedMedia;
}

/** What following a post gave: its final (or last) status and, after moderation, the post id wait. */
export interface Followed {
	result: WaitResult;
	postIdWait?: PostIdWait;
}

/** An item of stage 1 that waits: its post, and how its output item is made once the wait is over. */
export interface PendingPost {
	follow: PostToFollow;
	finish(followed: Followed): Promise<INodeExecutionData> | INodeExecutionData;
}

/**
 * The pending post of a posting node, followed from now. A post TikTok ends FAILED gives its Skip
 * Already Posted key back (TikTok will not post it, so the item can be posted again once fixed), then
 * fails the item with `failed`'s error; any other final status makes the output item with `done`.
 */
export function pendingPost(
	follow: Omit<PostToFollow, 'since'>,
	guard: HandOverGuard | undefined,
	handlers: { failed: (failReason: string) => Error; done: PendingPost['finish'] },
): PendingPost {
	return {
		follow: { ...follow, since: Date.now() },
		finish: async (followed) => {
			if (followed.result.status === 'FAILED') {
				await guard?.release();
				throw handlers.failed(followed.result.failReason ?? 'unknown');
			}
			return await handlers.done(followed);
		},
	};
}

/** Stage 2 of a batch (runInTwoStages): one wait for all, then each item finished, in order. */
export async function waitAndFinish(ctx: IExecuteFunctions, later: Array<Later<PendingPost>>): Promise<Array<Settled<INodeExecutionData>>> {
	const followed = await followPosts(ctx, later.map(({ value }) => value.follow));
	const finished: Array<Settled<INodeExecutionData>> = [];
	for (const [position, { value }] of later.entries()) {
		const outcome = followed[position];
		try {
			finished.push(outcome.ok ? { ok: true, value: await value.finish(outcome.value) } : outcome);
		} catch (error) {
			finished.push({ ok: false, error });
		}
	}
	return finished;
}

/** Follows every post in one loop; a cancel throws for all of them, naming each publish_id. */
export async function followPosts(ctx: IExecuteFunctions, posts: PostToFollow[]): Promise<Array<Settled<Followed>>> {
	const follows = posts.map((post) => followHandlers(ctx, post));
	let settled: Array<Settled<Followed>>;
	try {
		settled = await pollPublishStatuses(ctx, posts.map((post, position) => ({ ...post, handlers: follows[position].handlers })));
	} catch (error) {
		throw stoppedWhileWaiting(ctx, posts, follows[0].published(), error);
	}
	return settled.map((result, position) => {
		if (result.ok) return result;
		const post = posts[position];
		return { ok: false, error: handedOverError(ctx, post.itemIndex, result.error, post.handedOver) };
	});
}

/** What stopped the whole wait (a cancel): every post is still with TikTok, and the error says so. */
function stoppedWhileWaiting(ctx: IExecuteFunctions, posts: PostToFollow[], firstPublished: boolean, error: unknown) {
	const [post] = posts;
	const node = ctx.getNode();
	if (ctx.getExecutionCancelSignal?.()?.aborted !== true) return asNodeError(node, error, post.itemIndex);
	if (posts.length > 1) {
		const description = stillWithTikTok(posts.map((value) => ({ itemIndex: value.itemIndex, value })));
		return new NodeOperationError(node, 'The execution was cancelled while waiting for TikTok.', { itemIndex: post.itemIndex, description });
	}
	if (!firstPublished) return handedOverError(ctx, post.itemIndex, error, post.handedOver);
	return new NodeOperationError(node, 'The execution was cancelled while waiting for the post ID.', {
		itemIndex: post.itemIndex,
		description: `TikTok had already published the ${post.media} (publish_id: ${post.publishId}); only its post ID was not known yet. Find the post in the TikTok app instead of running this item again, so it is not posted twice.`,
	});
}

/** Waiting for the final status, then (public, published without an id) for the id, on one schedule each. */
function followHandlers(ctx: IExecuteFunctions, post: PostToFollow): { handlers: PollHandlers<Followed>; published(): boolean } {
	const final = finalStatusHandlers(ctx, post);
	const ids = postIdHandlers();
	let published: WaitResult | undefined;
	const withIds = (idWait: PostIdWait): Followed => ({ result: { ...published!, postIds: idWait.postIds }, postIdWait: idWait });
	const handlers: PollHandlers<Followed> = {
		onStatus(status, state, restart) {
			if (published) {
				const idWait = ids.onStatus(status, state, restart);
				return idWait && withIds(idWait);
			}
			const result = final.onStatus(status, state, restart);
			if (!result) return undefined;
			if (!awaitsPostId(post.privacyLevel ?? '', post.postIdWaitMs, result)) return { result };
			published = result;
			restart(post.postIdWaitMs);
			return undefined;
		},
		onError(error, state) {
			if (published) {
				const idWait = ids.onError(error, state);
				return idWait && withIds(idWait);
			}
			const result = final.onError(error, state);
			return result && { result };
		},
		onTimeout: (state) => (published ? withIds(ids.onTimeout(state)) : { result: final.onTimeout(state) }),
	};
	return { handlers, published: () => published !== undefined };
}

/**
 * The sentence for the posts of `later` (items already handed over when something stopped the node):
 * TikTok goes on with them, so they must not be posted again. Undefined when there are none.
 */
export function stillWithTikTok(later: Array<Later<{ follow: PostToFollow } | PostToFollow>>): string | undefined {
	if (!later.length) return undefined;
	const posts = later.map(({ itemIndex, value }) => `item ${itemIndex + 1} (publish_id ${'follow' in value ? value.follow.publishId : value.publishId})`);
	return `TikTok already had the posts of ${posts.join(', ')} and goes on with them: look them up with the TikTok node (Post: Get Status) instead of running those items again, so nothing is posted twice.`;
}

/** An error or a cancel while TikTok has the post: says so (`handedOver`), with the item's index. */
function handedOverError(ctx: IExecuteFunctions, itemIndex: number, error: unknown, handedOver = ''): NodeApiError | NodeOperationError {
	if (ctx.getExecutionCancelSignal?.()?.aborted === true) {
		return new NodeOperationError(ctx.getNode(), "The execution was cancelled while waiting for TikTok's final status.", {
			itemIndex,
			description: handedOver,
		});
	}
	const nodeError = asNodeError(ctx.getNode(), error, itemIndex);
	nodeError.description = `${nodeError.description ? `${nodeError.description} ` : ''}${handedOver}`;
	return nodeError;
}
