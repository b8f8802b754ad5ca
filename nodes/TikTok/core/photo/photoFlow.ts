/**
 * Posts the photo items of an execution in two stages (runItems.ts): each item in turn through Skip
 * Already Posted, the checks without calls (parameters, URLs), the photos' heads (their own servers, not
 * TikTok), account and creator options and content/init; then one wait follows every post
 * (post/followPosts.ts) to its output item (photoOutput.ts). Everything that can refuse the post does so
 * before init, so a refused item sends nothing to TikTok.
 */
import { NodeApiError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { assertExpectedAccount } from '../account/accountCheck';
import { creatorInfoOnce, type CreatorInfo } from '../account/creatorInfo';
import { allowsPrivateNetworks, assertDirectPostAllowed, type ExecutionCache } from '../account/executionCache';
import { creatorProblems } from '../post/directPostRules';
import { pendingPost, stillWithTikTok, waitAndFinish, type PendingPost } from '../post/followPosts';
import { postedKeys, skippedItem, type HandOverGuard, type PostedKeys } from '../post/postedKeys';
import { requestPublishInit } from '../post/publishInit';
import { runInTwoStages, type FirstStage } from '../runItems';
import { ENDPOINTS } from '../tiktok/constants';
import { explainForPhotos, isTikTokRefusal, tikTokFailReasonError } from '../tiktok/errors';
import { asNodeError, refusedItemError } from '../tiktok/nodeError';
import { NOTHING_POSTED } from '../tiktok/wording';
import { checkPhotoHeads } from './photoHeads';
import { buildPhotoOutputItem, type PhotoPostOutcome } from './photoOutput';
import { readPhotoPostRequest, type PhotoPostRequest } from './photoParameters';
import { buildPhotoInitBody, photoUrlProblems } from './photoRules';
import type { PhotoVerdict } from './photoVerdict';

/** What TikTok Post Photos runs: every item handed over in turn, then one wait for all (runItems.ts). */
export async function executePhotoPosts(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const cache: ExecutionCache = {};
	const keys = postedKeys(this);
	return await runInTwoStages<PendingPost>(this, {
		first: async (itemIndex) => await handOverPhotos(this, itemIndex, readPhotoPostRequest(this, itemIndex), { cache, keys }),
		waitAll: async (later) => await waitAndFinish(this, later),
		stoppedNote: stillWithTikTok,
		finally: async () => await keys.endOfExecution(),
	});
}

/** Stage 1 of one photo item: Skip Already Posted, its checks and the init; the output now, or the post to wait for. */
export async function handOverPhotos(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: PhotoPostRequest,
	shared: { cache: ExecutionCache; keys: PostedKeys },
): Promise<FirstStage<PendingPost>> {
	const startedAt = Date.now();
	let guard: HandOverGuard | undefined;
	if (request.skipAlreadyPosted) {
		// default key: the photos themselves, in order
		const key = request.postedKey || request.post.imageUrls.join('\n');
		if (await shared.keys.alreadyPosted(itemIndex, key)) return { output: skippedItem(itemIndex, key) };
		guard = shared.keys.guard(itemIndex, key);
	}
	const { verdicts, creator } = await checkBeforeInit(ctx, itemIndex, request, shared.cache);
	const publishId = await initPhotoPost(ctx, itemIndex, request, guard);
	if (publishId === undefined) return { output: skippedItem(itemIndex, guard?.key ?? '') };
	guard?.handedOver(publishId);
	const outcome: PhotoPostOutcome = { publishId, startedAt, verdicts, creator, postedKey: guard?.key };
	if (!request.waitForResult) return { output: buildPhotoOutputItem(itemIndex, request, outcome) };
	return { later: pendingPhotoPost(ctx, itemIndex, request, outcome, guard) };
}

/**
 * content/init: TikTok pulls the photos by itself once it accepts, so the key counts from just before.
 * Undefined: another execution handed a post with this key over first.
 */
async function initPhotoPost(ctx: IExecuteFunctions, itemIndex: number, request: PhotoPostRequest, guard?: HandOverGuard): Promise<string | undefined> {
	if (guard && !(await guard.claim())) return undefined;
	try {
		return (await requestPublishInit(ctx, itemIndex, ENDPOINTS.contentInit, buildPhotoInitBody(request.post))).publishId;
	} catch (error) {
		if (isTikTokRefusal(error)) await guard?.release();
		throw error instanceof NodeApiError ? explainForPhotos(error) : asNodeError(ctx.getNode(), error, itemIndex);
	}
}

/** What the item waits for after the init: TikTok's final status (FAILED: the photo explanation), then for a public Direct Post its id. */
function pendingPhotoPost(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: PhotoPostRequest,
	outcome: PhotoPostOutcome,
	guard: HandOverGuard | undefined,
): PendingPost {
	const { publishId } = outcome;
	return pendingPost(
		{
			itemIndex,
			publishId,
			mode: request.post.mode,
			timeoutMs: request.timeoutMs,
			privacyLevel: request.post.direct?.privacyLevel,
			postIdWaitMs: request.post.direct ? request.postIdWaitMs : 0,
			media: 'photo post',
			handedOver: `TikTok already had the photo URLs, so it will still pull and post them (publish_id: ${publishId}). Look the publish_id up with the TikTok node (Post: Get Status), or cancel it (Post: Cancel) while the photos are being pulled, before running this item again.`,
		},
		guard,
		{
			failed: (failReason) => photoFailReasonError(ctx, itemIndex, failReason, publishId, outcome.verdicts),
			done: ({ result, postIdWait }) => buildPhotoOutputItem(itemIndex, request, { ...outcome, result, postIdWait }),
		},
	);
}

/**
 * Everything that can refuse the post before init: Drafts Only, the URLs, the photos' heads (their
 * own servers), the account, and for a Direct Post the creator's options.
 */
async function checkBeforeInit(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: PhotoPostRequest,
	cache: ExecutionCache,
): Promise<{ verdicts: PhotoVerdict[]; creator?: CreatorInfo }> {
	const { post } = request;
	const refuse = (problems: string[], outcome?: string) => refusedItemError(ctx.getNode(), problems, { itemIndex, outcome });
	if (post.mode === 'direct') await assertDirectPostAllowed(ctx, itemIndex, cache);
	const urlProblems = photoUrlProblems(post.imageUrls, { allowPrivateNetworks: await allowsPrivateNetworks(ctx, cache) });
	if (urlProblems.length) throw refuse(urlProblems);

	// The photos' own servers, before any call to TikTok: a bad photo must not cost a post.
	const verdicts = await checkPhotoHeads(ctx, post.imageUrls, ctx.getExecutionCancelSignal?.());
	const photoProblems = verdicts.flatMap((verdict) => (verdict.problem ? [verdict.problem] : []));
	if (photoProblems.length) throw refuse(photoProblems);

	await assertExpectedAccount(ctx, request.expectedAccount, itemIndex);
	if (post.mode !== 'direct' || !post.direct) return { verdicts };
	const creator = await creatorInfoOnce(ctx, itemIndex, cache);
	const problems = creatorProblems(post.direct, creator);
	// creator_info was read, but nothing of the post was sent
	if (problems.length) throw refuse(problems, NOTHING_POSTED);
	return { verdicts, creator };
}

function photoFailReasonError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	reason: string,
	publishId: string,
	verdicts: PhotoVerdict[],
): NodeApiError {
	const unsized = verdicts.filter((verdict) => verdict.check.width === undefined).map((verdict) => verdict.check.position);
	const unchecked =
		reason === 'picture_size_check_failed' && unsized.length
			? ` The node could not read the size of photo ${unsized.join(', ')}.`
			: '';
	return tikTokFailReasonError(ctx.getNode(), reason, { publishId, itemIndex, media: 'photo', detail: unchecked });
}
