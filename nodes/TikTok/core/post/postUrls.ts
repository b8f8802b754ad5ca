/**
 * A post's web address from its id, and what a publish_id says about its post. TikTok's canonical
 * address needs the creator's handle (from creator_info); without it, the embed address works from
 * the id alone, for videos and photos.
 */

export type PostMediaType = 'video' | 'photo' | 'unknown';

export function postUrlFor(postId: string, mediaType: PostMediaType, username?: string): string {
	if (!username || mediaType === 'unknown') return `https://www.tiktok.com/embed/v2/${postId}`;
	return `https://www.tiktok.com/@${encodeURIComponent(username)}/${mediaType}/${postId}`;
}

/** What TikTok's publish_id prefixes say (docs/tiktok-api.md §3.5: v_pub_file~, v_inbox_url~, p_pub_url~…). */
export function describePublishId(publishId: string): { mediaType: PostMediaType; mode: 'direct_post' | 'draft' | 'unknown' } {
	const prefix = /^([a-z]+)_([a-z]+)_/i.exec(publishId);
	if (!prefix) return { mediaType: 'unknown', mode: 'unknown' };
	const mediaType = prefix[1] === 'p' ? 'photo' : prefix[1] === 'v' ? 'video' : 'unknown';
	const mode = prefix[2] === 'inbox' ? 'draft' : prefix[2] === 'pub' ? 'direct_post' : 'unknown';
	return { mediaType, mode };
}
