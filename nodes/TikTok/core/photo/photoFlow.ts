/**
 * One photo item end to end: checks without calls (parameters, URLs), the photos' heads (their own
 * servers, not TikTok), account and creator options, content/init, the final status, the output item.
 * Everything that can refuse the post does so before init, so a refused item sends nothing to TikTok.
 */
import {
	NodeApiError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { assertExpectedAccount } from '../account/accountCheck';
import { ENDPOINTS } from '../tiktok/constants';
import { fetchCreatorInfo, type CreatorInfo } from '../account/creatorInfo';
import { explainForPhotos, tikTokFailReasonError } from '../tiktok/errors';
import { assertDirectPostAllowed, isCustomEnvironment, type ExecutionCache } from '../account/executionCache';
import { requestPublishInit } from '../post/publishInit';
import { asNodeError, refusedItemError } from '../tiktok/nodeError';
import { NOTHING_POSTED } from '../tiktok/wording';
import { checkPhotoHeads } from './photoHeads';
import type { PhotoPostRequest } from './photoParameters';
import { buildPhotoInitBody, photoUrlProblems } from './photoRules';
import { creatorProblems } from '../post/postSettings';
import { postUrlFor } from '../post/postUrls';
import { awaitsPostId, noPostIdNote, waitForPostIdAfterPublish } from '../post/postIdWait';
import { waitAfterHandover, type PostIdWait, type WaitResult } from '../post/publishStatus';

export async function postPhotos(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: PhotoPostRequest,
	cache: ExecutionCache,
): Promise<INodeExecutionData> {
	const startedAt = Date.now();
	const { post } = request;
	const node = ctx.getNode();
	const refuse = (problems: string[], outcome?: string) => refusedItemError(node, problems, { itemIndex, outcome });

	if (post.mode === 'direct') await assertDirectPostAllowed(ctx, itemIndex, cache);
	const urlProblems = photoUrlProblems(post.imageUrls, { allowPrivateNetworks: await isCustomEnvironment(ctx, cache) });
	if (urlProblems.length) throw refuse(urlProblems);

	// The photos' own servers, before any call to TikTok: a bad photo must not cost a post.
	const verdicts = await checkPhotoHeads(ctx, post.imageUrls, ctx.getExecutionCancelSignal?.());
	const photoProblems = verdicts.flatMap((verdict) => (verdict.problem ? [verdict.problem] : []));
	if (photoProblems.length) throw refuse(photoProblems);
	const photoWarnings = verdicts.flatMap((verdict) => verdict.warnings);
	const unsized = verdicts.filter((verdict) => verdict.check.width === undefined).map((verdict) => verdict.check.position);

	await assertExpectedAccount(ctx, request.expectedAccount, itemIndex);

	let creator: CreatorInfo | undefined;
	if (post.mode === 'direct' && post.direct) {
		creator = cache.creatorInfo ??= await fetchCreatorInfo.call(ctx, itemIndex);
		const problems = creatorProblems(
			{ ...post.direct, caption: post.title, allowDuet: false, allowStitch: false },
			creator,
		);
		// creator_info was read, but nothing of the post was sent
		if (problems.length) throw refuse(problems, NOTHING_POSTED);
	}

	let publishId: string;
	try {
		({ publishId } = await requestPublishInit(ctx, itemIndex, ENDPOINTS.contentInit, buildPhotoInitBody(post)));
	} catch (error) {
		throw error instanceof NodeApiError ? explainForPhotos(error) : asNodeError(node, error, itemIndex);
	}

	let result: WaitResult | undefined;
	let postIdWait: PostIdWait | undefined;
	if (request.waitForResult) {
		result = await waitAfterHandover(ctx, {
			publishId,
			mode: post.mode,
			timeoutMs: request.timeoutMs,
			itemIndex,
			handedOver: `TikTok already had the photo URLs, so it will still pull and post them (publish_id: ${publishId}). Look the publish_id up with the TikTok node (Post: Get Status), or cancel it (Post: Cancel) while the photos are being pulled, before running this item again.`,
		});
		if (result.status === 'FAILED') throw photoFailReasonError(ctx, itemIndex, result.failReason ?? 'unknown', publishId, unsized);
		if (post.direct && awaitsPostId(post.direct.privacyLevel, request.postIdWaitMs, result)) {
			postIdWait = await waitForPostIdAfterPublish(ctx, { itemIndex, publishId, timeoutMs: request.postIdWaitMs, media: 'photo post' });
			result = { ...result, postIds: postIdWait.postIds };
		}
	}

	const json: IDataObject = {
		publishId,
		status: result?.status ?? 'PROCESSING_DOWNLOAD',
		mode: post.mode === 'direct' ? 'direct_post' : 'draft',
		mediaType: 'photo',
		uploadMethod: 'pull_from_url',
		photoCount: post.imageUrls.length,
		coverIndex: post.coverIndex,
		seconds: Math.round((Date.now() - startedAt) / 100) / 10,
		timedOut: result?.timedOut ?? false,
		waited: request.waitForResult,
		photoChecks: verdicts.map((verdict): IDataObject => ({ ...verdict.check })),
	};
	if (photoWarnings.length) json.photoWarnings = photoWarnings;
	if (result?.failReason) json.failReason = result.failReason;
	if (result?.postIds.length) {
		json.postIds = result.postIds;
		json.postUrl = postUrlFor(result.postIds[0], 'photo', creator?.username);
	}
	if (result?.timedOut) {
		json.note =
			'TikTok had not reported a final status when the timeout ran out. TikTok has the photo URLs and goes on; look this publish_id up later with the TikTok node (Post: Get Status). Do not post it again.';
	} else if (post.mode === 'inbox' && result?.status === 'SEND_TO_USER_INBOX') {
		json.note = 'The photos are in the TikTok app inbox as a draft: open the notification in TikTok to finish and post them.';
	} else if (!request.waitForResult) {
		json.note = 'TikTok is pulling the photos. Look this publish_id up later with the TikTok node (Post: Get Status).';
	} else if (post.direct && result?.status === 'PUBLISH_COMPLETE' && !result.postIds.length) {
		json.note = noPostIdNote({
			media: 'photo post',
			privacyLevel: post.direct.privacyLevel,
			postIdWaitMs: request.postIdWaitMs,
			publishId,
			postIdWait,
		});
	}
	return { json, pairedItem: { item: itemIndex } };
}

function photoFailReasonError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	reason: string,
	publishId: string,
	unsized: number[],
): NodeApiError {
	const unchecked =
		reason === 'picture_size_check_failed' && unsized.length
			? ` The node could not read the size of photo ${unsized.join(', ')}.`
			: '';
	return tikTokFailReasonError(ctx.getNode(), reason, { publishId, itemIndex, media: 'photo', detail: unchecked });
}
