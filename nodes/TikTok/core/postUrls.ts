/**
 * A post's web address from its id. TikTok's canonical address needs the creator's handle (from
 * creator_info); without it, the embed address works from the id alone, for videos and photos.
 */
export function postUrlFor(postId: string, mediaType: 'video' | 'photo' | 'unknown', username?: string): string {
	if (!username || mediaType === 'unknown') return `https://www.tiktok.com/embed/v2/${postId}`;
	return `https://www.tiktok.com/@${encodeURIComponent(username)}/${mediaType}/${postId}`;
}
