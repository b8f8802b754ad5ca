/**
 * Posts the videos of an execution, for both nodes, in two stages (runItems.ts): each item is handed
 * over in turn (the way to TikTok chosen, Skip Already Posted looked up, account and creator checked,
 * video handed over by videoTransfer.ts), then one wait follows every post (post/followPosts.ts) and
 * each output item is shaped (videoOutput.ts). Every check that can fail does so before init, so a
 * refused item sends nothing.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { assertExpectedAccount } from '../account/accountCheck';
import { creatorInfoOnce, type CreatorInfo } from '../account/creatorInfo';
import { assertDirectPostAllowed, type ExecutionCache } from '../account/executionCache';
import { creatorProblems } from '../post/directPostRules';
import { pendingPost, stillWithTikTok, waitAndFinish, type PendingPost } from '../post/followPosts';
import { postedKeys, skippedItem, type HandOverGuard, type PostedKeys } from '../post/postedKeys';
import type { PostMode } from '../post/publishStatus';
import { runInTwoStages, type FirstStage } from '../runItems';
import { tikTokFailReasonError } from '../tiktok/errors';
import { buildOutputItem, type PostOutcome } from './videoOutput';
import { readVideoPostRequest, type DirectPostRequest, type VideoPostRequest } from './videoParameters';
import { videoPostedKey } from './videoKey';
import { chooseTransfer, transferVideo } from './videoTransfer';

/** What TikTok Publish Video ('direct') and TikTok Upload Video ('inbox') run. */
export async function executeVideoPosts(this: IExecuteFunctions, mode: PostMode): Promise<INodeExecutionData[][]> {
	const cache: ExecutionCache = {};
	const keys = postedKeys(this);
	return await runInTwoStages<PendingPost>(this, {
		first: async (itemIndex) => {
			if (mode === 'direct') await assertDirectPostAllowed(this, itemIndex, cache);
			return await handOverVideo(this, itemIndex, readVideoPostRequest(this, itemIndex, mode), { cache, keys });
		},
		waitAll: async (later) => await waitAndFinish(this, later),
		stoppedNote: stillWithTikTok,
		finally: async () => await keys.endOfExecution(),
	});
}

/** Stage 1 of one item: its checks and the hand-over; the output now, or the post to wait for. */
export async function handOverVideo(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	shared: { cache: ExecutionCache; keys: PostedKeys },
): Promise<FirstStage<PendingPost>> {
	const startedAt = Date.now();
	const transfer = await chooseTransfer(ctx, itemIndex, request, shared.cache);
	let guard: HandOverGuard | undefined;
	try {
		if (request.skipAlreadyPosted) {
			const key = await videoPostedKey(ctx, itemIndex, request, transfer);
			if (await shared.keys.alreadyPosted(itemIndex, key)) return { output: skippedItem(itemIndex, key) };
			guard = shared.keys.guard(itemIndex, key);
		}
		await assertExpectedAccount(ctx, request.expectedAccount, itemIndex);
		const creator = request.mode === 'direct' ? await checkCreator(ctx, itemIndex, request, shared.cache) : undefined;
		const transferred = await transferVideo(ctx, itemIndex, request, transfer, { creator, cache: shared.cache, guard });
		if ('postedElsewhere' in transferred) return { output: skippedItem(itemIndex, guard?.key ?? '', transferred.ownPublishId) };
		guard?.handedOver(transferred.publishId);
		const outcome: PostOutcome = { ...transferred, creator, startedAt, postedKey: guard?.key };
		if (!request.waitForResult) return { output: buildOutputItem(ctx, itemIndex, request, outcome) };
		return { later: pendingVideo(ctx, itemIndex, request, outcome, guard) };
	} finally {
		// a source opened for the key and not used by an upload (skipped, or refused before it)
		if (transfer.kind === 'file') transfer.opened?.close();
	}
}

/** What the item waits for after the hand-over, and how its output item is made from what came. */
function pendingVideo(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	outcome: PostOutcome,
	guard: HandOverGuard | undefined,
): PendingPost {
	const { publishId } = outcome;
	return pendingPost(
		{
			itemIndex,
			publishId,
			mode: request.mode,
			timeoutMs: request.timeoutMs,
			privacyLevel: request.mode === 'direct' ? request.post.privacyLevel : undefined,
			postIdWaitMs: request.mode === 'direct' ? request.postIdWaitMs : 0,
			media: 'video',
			handedOver: `The video had already been handed over to TikTok (all its bytes, or its URL to pull), so TikTok will still process and post it (publish_id: ${publishId}). Check the TikTok app before running this item again, so it is not posted twice.`,
		},
		guard,
		{
			failed: (failReason) => tikTokFailReasonError(ctx.getNode(), failReason, { publishId, itemIndex }),
			done: async ({ result, postIdWait }) => await buildOutputItem(ctx, itemIndex, request, { ...outcome, result, postIdWait }),
		},
	);
}

/** Direct Post: the creator can post now, and the post settings fit the creator's options. */
async function checkCreator(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: DirectPostRequest,
	cache: ExecutionCache,
): Promise<CreatorInfo> {
	const creator = await creatorInfoOnce(ctx, itemIndex, cache);
	const problems = creatorProblems(request.post, creator);
	if (problems.length) {
		throw new NodeOperationError(ctx.getNode(), problems[0], {
			itemIndex,
			description: problems.slice(1).join(' ') || undefined,
		});
	}
	return creator;
}
