/**
 * Waiting for a public post's id after PUBLISH_COMPLETE (TikTok's moderation, docs/tiktok-api.md §5), for
 * videos and photo posts alike: when to wait (the wait itself is followPosts.ts's), and the note an
 * item gets when no id came.
 */
import { PRIVACY_LEVEL_NAMES } from '../account/creatorInfo';
import type { PostIdWait, WaitResult } from './publishStatus';

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
