/**
 * Waiting for a public post's id after PUBLISH_COMPLETE (TikTok's moderation, docs/tiktok-api.md §5), for
 * videos and photo posts alike: when to wait, the wait itself (publishStatus.ts polls), and the note an
 * item gets when no id came.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { PRIVACY_LEVEL_NAMES } from '../account/creatorInfo';
import { asNodeError } from '../tiktok/nodeError';
import { waitForPostId, type PostIdWait, type WaitResult } from './publishStatus';

/** What is posted, as the messages name it. */
export type PostedMedia = 'video' | 'photo post';

/**
 * TikTok gives only a PUBLIC_TO_EVERYONE post an id, after moderation: wait for it when TikTok
 * published such a post without one yet, unless Wait for Post ID is 0.
 */
export function awaitsPostId(privacyLevel: string, postIdWaitMs: number, result: WaitResult): boolean {
	return (
		privacyLevel === 'PUBLIC_TO_EVERYONE' &&
		postIdWaitMs > 0 &&
		result.status === 'PUBLISH_COMPLETE' &&
		result.postIds.length === 0
	);
}

/** Waits for the id; a cancel says the post is published already, so it is not posted twice. */
export async function waitForPostIdAfterPublish(
	ctx: IExecuteFunctions,
	args: { itemIndex: number; publishId: string; timeoutMs: number; media: PostedMedia },
): Promise<PostIdWait> {
	const { itemIndex, publishId, timeoutMs, media } = args;
	try {
		return await waitForPostId(ctx, { publishId, timeoutMs, itemIndex });
	} catch (error) {
		// Only a cancel ends here (other errors end the wait): the post is published already.
		if (ctx.getExecutionCancelSignal?.()?.aborted !== true) throw asNodeError(ctx.getNode(), error, itemIndex);
		throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled while waiting for the post ID.', {
			itemIndex,
			description: `TikTok had already published the ${media} (publish_id: ${publishId}); only its post ID was not known yet. Find the post in the TikTok app instead of running this item again, so it is not posted twice.`,
		});
	}
}

/** Why a published Direct Post came out without a post id (and so without a post URL). */
export function noPostIdNote(args: {
	media: PostedMedia;
	privacyLevel: string;
	postIdWaitMs: number;
	publishId: string;
	postIdWait?: PostIdWait;
}): string {
	const { media, privacyLevel, postIdWaitMs, publishId, postIdWait } = args;
	const lookUp = `Look it up later with the TikTok node (Post: Get Status) and publish_id ${publishId}, or find the post in the TikTok app.`;
	if (privacyLevel !== 'PUBLIC_TO_EVERYONE') {
		const name = PRIVACY_LEVEL_NAMES[privacyLevel] ?? privacyLevel;
		return `TikTok gives a post ID, and so a public post URL, only to public posts once moderation has passed. This post is "${name}" (${privacyLevel}), so it has no public post URL: find it on the account in the TikTok app (publish_id: ${publishId}).`;
	}
	if (!postIdWait || postIdWaitMs <= 0) {
		return `TikTok published the ${media}; its post ID comes after moderation, which the node did not wait for (Wait for Post ID is 0). ${lookUp}`;
	}
	if (postIdWait.error) {
		return `TikTok published the ${media}, but checking for its post ID failed (${postIdWait.error}). ${lookUp}`;
	}
	const waited =
		postIdWaitMs < 120_000 ? `${Math.round(postIdWaitMs / 1000)} s` : `${Math.round((postIdWaitMs / 60_000) * 10) / 10} min`;
	return `TikTok published the ${media}, but its moderation had not finished after ${waited}, so TikTok has not given the post ID yet (usually within a minute, sometimes hours). ${lookUp}`;
}
