/**
 * Posts one item's video, end to end, for both nodes: the way to TikTok chosen, account and creator
 * checked, video handed over (videoTransfer.ts), final status awaited (publishStatus.ts), output item
 * shaped (videoOutput.ts). Every check that can fail does so before init, so a refused item sends nothing.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { assertExpectedAccount } from '../account/accountCheck';
import { creatorInfoOnce, type CreatorInfo } from '../account/creatorInfo';
import { assertDirectPostAllowed, type ExecutionCache } from '../account/executionCache';
import { creatorProblems } from '../post/directPostRules';
import { awaitsPostId, waitForPostIdAfterPublish } from '../post/postIdWait';
import { waitAfterHandover, type PostIdWait, type PostMode, type WaitResult } from '../post/publishStatus';
import { runItems } from '../runItems';
import { tikTokFailReasonError } from '../tiktok/errors';
import { buildOutputItem } from './videoOutput';
import { readVideoPostRequest, type DirectPostRequest, type VideoPostRequest } from './videoParameters';
import { chooseTransfer, transferVideo } from './videoTransfer';

/** What TikTok Publish Video ('direct') and TikTok Upload Video ('inbox') run. */
export async function executeVideoPosts(this: IExecuteFunctions, mode: PostMode): Promise<INodeExecutionData[][]> {
	const cache: ExecutionCache = {};
	return await runItems(this, async (itemIndex) => {
		if (mode === 'direct') await assertDirectPostAllowed(this, itemIndex, cache);
		return await postVideo(this, itemIndex, readVideoPostRequest(this, itemIndex, mode), cache);
	});
}

export async function postVideo(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	cache: ExecutionCache,
): Promise<INodeExecutionData> {
	const startedAt = Date.now();
	const transfer = await chooseTransfer(ctx, itemIndex, request, cache);
	await assertExpectedAccount(ctx, request.expectedAccount, itemIndex);
	const creator = request.mode === 'direct' ? await checkCreator(ctx, itemIndex, request, cache) : undefined;

	const transferred = await transferVideo(ctx, itemIndex, request, transfer, creator, cache);

	let result: WaitResult | undefined;
	let postIdWait: PostIdWait | undefined;
	if (request.waitForResult) {
		result = await waitForFinalStatus(ctx, itemIndex, request, transferred.publishId);
		if (request.mode === 'direct' && awaitsPostId(request.post.privacyLevel, request.postIdWaitMs, result)) {
			postIdWait = await waitForPostIdAfterPublish(ctx, {
				itemIndex,
				publishId: transferred.publishId,
				timeoutMs: request.postIdWaitMs,
				media: 'video',
			});
			result = { ...result, postIds: postIdWait.postIds };
		}
	}
	return buildOutputItem(ctx, itemIndex, request, { ...transferred, result, creator, startedAt, postIdWait });
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

/** Waits for TikTok's final status; a FAILED status becomes the explained fail_reason error. */
async function waitForFinalStatus(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	publishId: string,
): Promise<WaitResult> {
	const result = await waitAfterHandover(ctx, {
		publishId,
		mode: request.mode,
		timeoutMs: request.timeoutMs,
		itemIndex,
		handedOver: `The video had already been handed over to TikTok (all its bytes, or its URL to pull), so TikTok will still process and post it (publish_id: ${publishId}). Check the TikTok app before running this item again, so it is not posted twice.`,
	});
	if (result.status === 'FAILED') {
		throw tikTokFailReasonError(ctx.getNode(), result.failReason ?? 'unknown', { publishId, itemIndex });
	}
	return result;
}
