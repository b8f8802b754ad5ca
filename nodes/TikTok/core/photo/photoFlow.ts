/**
 * One photo item end to end: checks without calls (parameters, URLs), the photos' heads (their own
 * servers, not TikTok), account and creator options, content/init, the final status, the output item
 * (photoOutput.ts). Everything that can refuse the post does so before init, so a refused item sends
 * nothing to TikTok.
 */
import { NodeApiError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { assertExpectedAccount } from '../account/accountCheck';
import { creatorInfoOnce, type CreatorInfo } from '../account/creatorInfo';
import { assertDirectPostAllowed, isCustomEnvironment, type ExecutionCache } from '../account/executionCache';
import { creatorProblems } from '../post/directPostRules';
import { awaitsPostId, waitForPostIdAfterPublish } from '../post/postIdWait';
import { requestPublishInit } from '../post/publishInit';
import { waitAfterHandover, type PostIdWait, type WaitResult } from '../post/publishStatus';
import { runItems } from '../runItems';
import { ENDPOINTS } from '../tiktok/constants';
import { explainForPhotos, tikTokFailReasonError } from '../tiktok/errors';
import { asNodeError, refusedItemError } from '../tiktok/nodeError';
import { NOTHING_POSTED } from '../tiktok/wording';
import { checkPhotoHeads } from './photoHeads';
import { buildPhotoOutputItem } from './photoOutput';
import { readPhotoPostRequest, type PhotoPostRequest } from './photoParameters';
import { buildPhotoInitBody, photoUrlProblems } from './photoRules';
import type { PhotoVerdict } from './photoVerdict';

/** What TikTok Post Photos runs. */
export async function executePhotoPosts(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const cache: ExecutionCache = {};
	return await runItems(this, async (itemIndex) => await postPhotos(this, itemIndex, readPhotoPostRequest(this, itemIndex), cache));
}

export async function postPhotos(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: PhotoPostRequest,
	cache: ExecutionCache,
): Promise<INodeExecutionData> {
	const startedAt = Date.now();
	const { verdicts, creator } = await checkBeforeInit(ctx, itemIndex, request, cache);
	let publishId: string;
	try {
		({ publishId } = await requestPublishInit(ctx, itemIndex, ENDPOINTS.contentInit, buildPhotoInitBody(request.post)));
	} catch (error) {
		throw error instanceof NodeApiError ? explainForPhotos(error) : asNodeError(ctx.getNode(), error, itemIndex);
	}
	const waited = request.waitForResult ? await waitForPhotoPost(ctx, itemIndex, request, publishId, verdicts) : {};
	return buildPhotoOutputItem(itemIndex, request, { publishId, startedAt, verdicts, creator, ...waited });
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
	const urlProblems = photoUrlProblems(post.imageUrls, { allowPrivateNetworks: await isCustomEnvironment(ctx, cache) });
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

/** TikTok's final status (FAILED: the photo explanation), then for a public Direct Post its id. */
async function waitForPhotoPost(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: PhotoPostRequest,
	publishId: string,
	verdicts: PhotoVerdict[],
): Promise<{ result: WaitResult; postIdWait?: PostIdWait }> {
	const { post } = request;
	const result = await waitAfterHandover(ctx, {
		publishId,
		mode: post.mode,
		timeoutMs: request.timeoutMs,
		itemIndex,
		handedOver: `TikTok already had the photo URLs, so it will still pull and post them (publish_id: ${publishId}). Look the publish_id up with the TikTok node (Post: Get Status), or cancel it (Post: Cancel) while the photos are being pulled, before running this item again.`,
	});
	if (result.status === 'FAILED') throw photoFailReasonError(ctx, itemIndex, result.failReason ?? 'unknown', publishId, verdicts);
	if (!post.direct || !awaitsPostId(post.direct.privacyLevel, request.postIdWaitMs, result)) return { result };
	const postIdWait = await waitForPostIdAfterPublish(ctx, { itemIndex, publishId, timeoutMs: request.postIdWaitMs, media: 'photo post' });
	return { result: { ...result, postIds: postIdWait.postIds }, postIdWait };
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
