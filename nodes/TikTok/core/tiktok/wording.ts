/**
 * Sentences and figures that many messages share, written here once: how a byte count reads, and
 * what a refused item says about what reached TikTok.
 */

/** `12,345 bytes`: how every message writes a byte count. */
export function formatBytes(n: number): string {
	return `${n.toLocaleString('en-US')} bytes`;
}

/** The item was refused before any call to TikTok. */
export const NOTHING_SENT = 'Nothing was sent to TikTok.';

/** TikTok was asked about the account (user info, creator_info), but nothing of the post was sent. */
export const NOTHING_POSTED = 'Nothing was posted.';
