'use strict';
/**
 * Pure validation rules of the Content Posting API (no I/O), so a reader can check them against
 * docs/tiktok-api.md in one place. Each check returns null when fine, else { status, code, message }.
 */

const MIN_CHUNK = 5_242_880; // 5 MiB: the strict reading of TikTok's "5 MB"
const MAX_CHUNK = 64_000_000; // 64 MB decimal: the strict reading of "64 MB"
const MAX_LAST_CHUNK = 128_000_000;
const MAX_CHUNKS = 1000;
const MAX_VIDEO = 4_000_000_000;
const MAX_TITLE = 2200;
const MAX_PHOTO_TITLE = 90;
const MAX_PHOTO_DESCRIPTION = 4000;
const MAX_PHOTOS = 35;

const fail = (status, code, message) => ({ status, code, message });
const isPositiveInt = (v) => Number.isSafeInteger(v) && v > 0;
const isNonNegativeInt = (v) => Number.isSafeInteger(v) && v >= 0;

/** privacy_level_options as creator_info reports them for this client and account. */
function privacyOptions(options, client) {
	if (!client.audited) return ['SELF_ONLY'];
	return options.account.private ? ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'] : ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'];
}

function creatorInfo(options, client) {
	const { account, creator } = options;
	return {
		creator_avatar_url: account.avatarUrl,
		creator_username: account.username,
		creator_nickname: account.displayName,
		privacy_level_options: privacyOptions(options, client),
		comment_disabled: !!creator.commentDisabled,
		// Private accounts cannot be dueted or stitched.
		duet_disabled: !!creator.duetDisabled || !!account.private,
		stitch_disabled: !!creator.stitchDisabled || !!account.private,
		max_video_post_duration_sec: creator.maxVideoPostDurationSec,
	};
}

/** Chunk plan of a FILE_UPLOAD (media transfer guide). Violations are 400 invalid_params. */
function checkChunkPlan(sourceInfo) {
	const { video_size: size, chunk_size: chunk, total_chunk_count: count } = sourceInfo;
	const bad = (message) => fail(400, 'invalid_params', message);
	if (!isPositiveInt(size) || !isPositiveInt(chunk) || !isPositiveInt(count)) {
		return bad('video_size, chunk_size and total_chunk_count must be positive integers');
	}
	if (size > MAX_VIDEO) return bad(`The video size is invalid: at most ${MAX_VIDEO} bytes`);
	if (count > MAX_CHUNKS) return bad(`The chunk count is invalid: total_chunk_count must be between 1 and ${MAX_CHUNKS}`);
	// One chunk carrying the whole file may be smaller than 5 MiB, but never above 64 MB.
	if (count === 1 && chunk === size) {
		return size > MAX_CHUNK ? bad(`The chunk size is invalid: a single-chunk upload is at most ${MAX_CHUNK} bytes`) : null;
	}
	if (chunk < MIN_CHUNK || chunk > MAX_CHUNK) return bad(`The chunk size is invalid: chunk_size must be between ${MIN_CHUNK} and ${MAX_CHUNK} bytes`);
	if (count !== Math.floor(size / chunk)) return bad('The chunk size is invalid: total_chunk_count must equal floor(video_size / chunk_size)');
	if (count === 1 && size > MAX_CHUNK) return bad(`The chunk size is invalid: videos over ${MAX_CHUNK} bytes need more than one chunk`);
	if (size - (count - 1) * chunk > MAX_LAST_CHUNK) return bad(`The chunk size is invalid: the last chunk is at most ${MAX_LAST_CHUNK} bytes`);
	return null;
}

/** Byte ranges the uploader must send, in order. The last chunk absorbs the remainder. */
function chunkLayout(size, chunk, count) {
	const chunks = [];
	for (let index = 0; index < count; index++) {
		const start = index * chunk;
		const end = index === count - 1 ? size - 1 : start + chunk - 1;
		chunks.push({ index, start, end, length: end - start + 1 });
	}
	return chunks;
}

function checkOptionalBooleans(info, keys) {
	for (const key of keys) {
		if (info[key] !== undefined && typeof info[key] !== 'boolean') return fail(400, 'invalid_param', `post_info.${key} must be a boolean`);
	}
	return null;
}

/** post_info of a Direct Post video. */
function checkVideoPostInfo(postInfo, allowedPrivacy) {
	if (postInfo === null || typeof postInfo !== 'object' || Array.isArray(postInfo)) return fail(400, 'invalid_param', 'post_info is required');
	const { privacy_level: privacy, title } = postInfo;
	if (typeof privacy !== 'string' || !allowedPrivacy.includes(privacy)) {
		return fail(403, 'privacy_level_option_mismatch', 'privacy_level is missing or is not one of the creator\'s privacy_level_options');
	}
	if (title !== undefined && typeof title !== 'string') return fail(400, 'invalid_param', 'post_info.title must be a string');
	// TikTok counts UTF-16 code units, which is exactly JS String.length.
	if (typeof title === 'string' && title.length > MAX_TITLE) return fail(400, 'invalid_param', `post_info.title is longer than ${MAX_TITLE} UTF-16 code units`);
	const badBool = checkOptionalBooleans(postInfo, ['disable_duet', 'disable_stitch', 'disable_comment', 'brand_content_toggle', 'brand_organic_toggle', 'is_aigc']);
	if (badBool) return badBool;
	const cover = postInfo.video_cover_timestamp_ms;
	if (cover !== undefined && !isNonNegativeInt(cover)) return fail(400, 'invalid_param', 'post_info.video_cover_timestamp_ms must be a non-negative integer');
	if (postInfo.brand_content_toggle === true && privacy === 'SELF_ONLY') return fail(400, 'invalid_param', 'Branded content cannot be private');
	return null;
}

/** post_info of a photo post (content/init). */
function checkPhotoPostInfo(postInfo, postMode, allowedPrivacy) {
	const info = postInfo ?? {};
	if (typeof info !== 'object' || Array.isArray(info)) return fail(400, 'invalid_param', 'post_info must be an object');
	if (info.title !== undefined && (typeof info.title !== 'string' || info.title.length > MAX_PHOTO_TITLE)) {
		return fail(400, 'invalid_param', `post_info.title must be a string of at most ${MAX_PHOTO_TITLE} UTF-16 code units`);
	}
	if (info.description !== undefined && (typeof info.description !== 'string' || info.description.length > MAX_PHOTO_DESCRIPTION)) {
		return fail(400, 'invalid_param', `post_info.description must be a string of at most ${MAX_PHOTO_DESCRIPTION} UTF-16 code units`);
	}
	if (postMode !== 'DIRECT_POST') return null;
	if (typeof info.privacy_level !== 'string' || !allowedPrivacy.includes(info.privacy_level)) {
		return fail(403, 'privacy_level_option_mismatch', 'privacy_level is missing or is not one of the creator\'s privacy_level_options');
	}
	// The doc table marks both brand flags required for a direct photo post.
	for (const key of ['brand_content_toggle', 'brand_organic_toggle']) {
		if (typeof info[key] !== 'boolean') return fail(400, 'invalid_param', `post_info.${key} is required (a boolean) for a direct photo post`);
	}
	const badBool = checkOptionalBooleans(info, ['disable_comment', 'auto_add_music', 'is_aigc']);
	if (badBool) return badBool;
	if (info.brand_content_toggle === true && info.privacy_level === 'SELF_ONLY') return fail(400, 'invalid_param', 'Branded content cannot be private');
	return null;
}

const LOCAL_HTTP = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//i;

/**
 * PULL_FROM_URL ownership: the URL must sit under a verified prefix and be https. The sandbox itself
 * runs on plain http, so http://127.0.0.1 / http://localhost are accepted, but still only under a prefix.
 */
function checkPullUrl(url, options, baseUrl) {
	if (typeof url !== 'string' || !url) return fail(400, 'invalid_param', 'source_info.video_url is required');
	let parsed;
	try {
		parsed = new URL(url);
	} catch {
		return fail(400, 'invalid_param', 'source_info.video_url is not a valid URL');
	}
	const httpsOrLocal = parsed.protocol === 'https:' || LOCAL_HTTP.test(url);
	const prefixes = [...(options.verifiedUrlPrefixes || [])];
	if (options.verifyOwnMedia && baseUrl) prefixes.push(`${baseUrl}/media/`);
	const verified = prefixes.some((prefix) => url.startsWith(prefix));
	if (!httpsOrLocal || !verified) return fail(403, 'url_ownership_unverified', 'The URL is not under a verified domain or URL prefix of this app');
	return null;
}

module.exports = {
	MIN_CHUNK,
	MAX_CHUNK,
	MAX_LAST_CHUNK,
	MAX_CHUNKS,
	MAX_VIDEO,
	MAX_TITLE,
	MAX_PHOTOS,
	privacyOptions,
	creatorInfo,
	checkChunkPlan,
	chunkLayout,
	checkVideoPostInfo,
	checkPhotoPostInfo,
	checkPullUrl,
};
