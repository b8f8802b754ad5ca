/**
 * A post looked up later by its publish_id (from an earlier run, a sheet, a webhook): its status once
 * or its final status with the posting nodes' waiter, and the cancel of a URL pull in progress.
 * The output has the posting nodes' fields, so a workflow reads both the same way.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { creatorHandle } from '../account/creatorInfo';
import { ENDPOINTS } from '../tiktok/constants';
import { explainFailReason, explanationText } from '../tiktok/errors';
import { tikTokApiRequest } from '../tiktok/transport';
import { describePublishId, postUrlFor } from './postUrls';
import type { FirstStage } from '../runItems';
import type { PendingPost, PostToFollow } from './followPosts';
import { fetchPublishStatus, isFinalStatus, TIMED_OUT, type PostMode, type PublishStatus } from './publishStatus';

export interface LookupCache {
	/** creator_info's handle, for post URLs; null when it could not be read (drafts-only credential) */
	username?: string | null;
}

export function readPublishId(ctx: IExecuteFunctions, itemIndex: number): string {
	const publishId = String(ctx.getNodeParameter('publishId', itemIndex, '') ?? '').trim();
	if (!publishId) {
		throw new NodeOperationError(ctx.getNode(), 'Publish ID is empty.', {
			itemIndex,
			description: 'Map the publishId output of a TikTok posting node (or a stored publish_id) into Publish ID.',
		});
	}
	return publishId;
}

/**
 * Stage 1 of Get Status: the status of a publish_id, fetched once. When the workflow asked to wait and it
 * is not final yet, the item waits in the batch's one wait (followPosts.ts) until a final status or the
 * timeout. FAILED is an answer here, not an error: the workflow asked.
 */
export async function lookUpPost(
	ctx: IExecuteFunctions,
	itemIndex: number,
	args: { publishId: string; wait: boolean; timeoutMs: number },
	cache: LookupCache,
): Promise<FirstStage<PendingPost>> {
	const kind = describePublishId(args.publishId);
	// A draft's final status for this node is SEND_TO_USER_INBOX (the user finishes it in the app).
	const mode: PostMode = kind.mode === 'direct_post' ? 'direct' : 'inbox';
	const status = await fetchPublishStatus(ctx, args.publishId, itemIndex);
	const outputOf = async (last: PublishStatus, timedOut: boolean) => ({
		json: await lookupJson(ctx, itemIndex, { ...args, kind, status: last, timedOut }, cache),
		pairedItem: { item: itemIndex },
	});
	if (!args.wait || isFinalStatus(status.status, mode)) return { output: await outputOf(status, false) };
	const follow: PostToFollow = {
		itemIndex,
		publishId: args.publishId,
		mode,
		since: Date.now(),
		timeoutMs: args.timeoutMs,
		postIdWaitMs: 0,
		media: kind.mediaType === 'photo' ? 'photo post' : 'video',
		handedOver: '',
	};
	return { later: { follow, finish: async ({ result }) => await outputOf(result, result.timedOut) } };
}

/** The item Get Status returns: the posting nodes' fields, and a note on what the status means. */
async function lookupJson(
	ctx: IExecuteFunctions,
	itemIndex: number,
	args: { publishId: string; wait: boolean; kind: ReturnType<typeof describePublishId>; status: PublishStatus; timedOut: boolean },
	cache: LookupCache,
): Promise<IDataObject> {
	const { kind, status, timedOut } = args;
	const json: IDataObject = {
		publishId: args.publishId,
		status: status.status,
		final: isFinalStatus(status.status, kind.mode === 'direct_post' ? 'direct' : 'inbox'),
		mode: kind.mode,
		mediaType: kind.mediaType,
		waited: args.wait,
		timedOut,
	};
	if (status.failReason) json.failReason = status.failReason;
	if (status.uploadedBytes !== undefined) json.uploadedBytes = status.uploadedBytes;
	if (status.downloadedBytes !== undefined) json.downloadedBytes = status.downloadedBytes;
	if (status.postIds.length) {
		json.postIds = status.postIds;
		const username = await creatorHandle(ctx, itemIndex, cache);
		json.postUrl = postUrlFor(status.postIds[0], kind.mediaType, username);
	}
	json.note = statusNote(status, kind, timedOut);
	return json;
}

function statusNote(status: PublishStatus, kind: ReturnType<typeof describePublishId>, timedOut: boolean): string {
	if (status.status === 'FAILED') {
		return explanationText(explainFailReason(status.failReason ?? 'unknown', kind.mediaType === 'photo' ? 'photo' : 'video'));
	}
	if (status.status === 'PUBLISH_COMPLETE') {
		return status.postIds.length
			? 'Published.'
			: 'Published. TikTok gives the post id only once a public post has passed moderation (never for Only Me or other non-public posts): look it up again later for the post URL.';
	}
	if (status.status === 'SEND_TO_USER_INBOX') {
		return 'The draft is in the TikTok app inbox: the user finishes and posts it there. Its status becomes PUBLISH_COMPLETE once posted.';
	}
	const waiting = timedOut ? `${TIMED_OUT} ` : '';
	return `${waiting}TikTok is still processing this post (${status.status}). Look it up again later; do not post it again.`;
}

/**
 * Cancels a URL pull still in progress (best effort, TikTok's word), then reads the status once so
 * the output says where the post ended. `publish_not_cancellable` comes back as an explained error.
 */
export async function cancelPost(ctx: IExecuteFunctions, itemIndex: number, publishId: string): Promise<IDataObject> {
	await tikTokApiRequest.call(ctx, 'POST', ENDPOINTS.cancel, { body: { publish_id: publishId }, itemIndex, rateLimit: 'other' });
	const json: IDataObject = { publishId, cancelled: true, ...describePublishId(publishId) };
	try {
		const status = await fetchPublishStatus(ctx, publishId, itemIndex);
		json.status = status.status;
		if (status.failReason) json.failReason = status.failReason;
		json.note =
			status.status === 'FAILED' && status.failReason === 'publish_cancelled'
				? 'TikTok stopped pulling the media: nothing will be posted.'
				: `TikTok accepted the cancel (best effort); the post is now ${status.status}. Look it up again to be sure.`;
	} catch {
		json.note = 'TikTok accepted the cancel (best effort), but its status could not be read now. Look it up again to be sure.';
	}
	return json;
}
