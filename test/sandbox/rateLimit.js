'use strict';
/**
 * TikTok's per-user-token limits, as a sliding window. The three init endpoints share one counter
 * ("init"), like the real service counts them together.
 */

/** Map an API path to its limit bucket (null = not limited). */
function bucketFor(path) {
	if (/\/post\/publish\/(video|inbox\/video|content)\/init\/$/.test(path)) return 'init';
	if (path.endsWith('/post/publish/creator_info/query/')) return 'creatorInfo';
	if (path.endsWith('/post/publish/status/fetch/')) return 'status';
	return null;
}

/** Records the call and answers whether it is allowed. Refused calls do not count. */
function allowCall(state, accessToken, bucket) {
	const { rateLimits } = state.options;
	const limit = rateLimits[bucket];
	if (!limit) return true;
	const key = `${bucket}:${accessToken}`;
	const now = Date.now();
	const recent = (state.rateWindows.get(key) || []).filter((t) => now - t < rateLimits.windowMs);
	if (recent.length >= limit) {
		state.rateWindows.set(key, recent);
		return false;
	}
	recent.push(now);
	state.rateWindows.set(key, recent);
	return true;
}

module.exports = { bucketFor, allowCall };
