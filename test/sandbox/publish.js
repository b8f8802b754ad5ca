'use strict';
/**
 * A publish from init to its final status:
 *   FILE_UPLOAD:   PROCESSING_UPLOAD   until all chunks are in, then processingMs
 *   PULL_FROM_URL: PROCESSING_DOWNLOAD until downloaded,          then processingMs
 * then FAILED (format, duration, frame rate, picture size, injected reason) or PUBLISH_COMPLETE (direct) /
 * SEND_TO_USER_INBOX (inbox). Moderation comes after PUBLISH_COMPLETE: a public post gets its post id
 * postIdDelayMs later; other privacy levels never get one (docs/tiktok-api.md §5).
 */
const { nextBigId, schedule, releaseFile } = require('./state');
const { detectVideoFormat, readVideoInfo, readVideoInfoFromFile } = require('./media');
const { inspectImage, photoFailReason } = require('./images');

// TikTok's media requirements (docs/tiktok-api.md §6), checked on what it received.
const MIN_FPS = 23;
const MAX_FPS = 60;
const MIN_SIDE = 360;
const MAX_SIDE = 4096;

// Each record's sandbox state, so setFinal (called with the record only) can announce the change
// on state.events ('publish'), which webhooks.js turns into TikTok webhook deliveries.
const stateOf = new WeakMap();
function announce(record, change) {
	const state = stateOf.get(record);
	if (state) state.events.emit('publish', { record, ...change });
}

const PUBLISH_ID_PREFIX = {
	'direct:FILE_UPLOAD': 'v_pub_file~v2-1.',
	'direct:PULL_FROM_URL': 'v_pub_url~v2-1.',
	'inbox:FILE_UPLOAD': 'v_inbox_file~v2.',
	'inbox:PULL_FROM_URL': 'v_inbox_url~v2.',
	'direct:PHOTO': 'p_pub_url~v2.',
	'inbox:PHOTO': 'p_inbox_url~v2.',
};

function createPublish(state, { mode, source, mediaType = 'VIDEO', initBody, token }) {
	const publishId = PUBLISH_ID_PREFIX[`${mode}:${mediaType === 'PHOTO' ? 'PHOTO' : source}`] + nextBigId();
	const record = {
		publishId,
		mode,
		source,
		mediaType,
		initBody: structuredClone(initBody),
		status: source === 'FILE_UPLOAD' ? 'PROCESSING_UPLOAD' : 'PROCESSING_DOWNLOAD',
		failReason: null,
		bytesReceived: 0,
		videoSize: null,
		sha256: null,
		chunks: [],
		postIds: [],
		openId: token.openId,
		clientKey: token.clientKey,
		createdAt: new Date().toISOString(),
		completedAt: null,
	};
	state.publishes.set(publishId, record);
	stateOf.set(record, state);
	return record;
}

function setFinal(record, status, failReason = null) {
	record.status = status;
	record.failReason = failReason;
	record.completedAt = new Date().toISOString();
	announce(record, { status, failReason });
}

/**
 * TikTok's checks on what it received and the scenario's outcome. Videos: container, then duration,
 * frame rate and picture size from its moov box, wherever it is in the file. Photos: JPEG or WebP,
 * short side at most 1080 px; one bad photo fails the whole post, and the fail_reason does not say
 * which (docs/tiktok-api.md G10).
 */
function decide(state, record, { head, info, photos, pullFailed }) {
	const { faults, creator } = state.options;
	if (pullFailed) return ['FAILED', record.mediaType === 'PHOTO' ? 'photo_pull_failed' : 'video_pull_failed'];
	if (record.mediaType === 'PHOTO') {
		for (const [index, photo] of (photos || []).entries()) {
			const image = inspectImage(photo.head);
			Object.assign(record.images[index], { format: image.format, width: image.width, height: image.height });
		}
		const reason = (photos || []).map((photo) => photoFailReason(photo.head, photo.bytes)).find(Boolean);
		if (reason) return ['FAILED', reason];
	}
	if (record.mediaType === 'VIDEO') {
		if (!detectVideoFormat(head)) return ['FAILED', 'file_format_check_failed'];
		if (info?.durationSec != null && info.durationSec > creator.maxVideoPostDurationSec) return ['FAILED', 'duration_check_failed'];
		// a small tolerance: 59.94 and 23.976 fps are fine, as are rounding errors of the frame durations
		if (info?.frameRate != null && (info.frameRate < MIN_FPS - 0.05 || info.frameRate > MAX_FPS + 0.05)) return ['FAILED', 'frame_rate_check_failed'];
		const sides = [info?.width, info?.height].filter((n) => n != null);
		if (sides.some((n) => n < MIN_SIDE || n > MAX_SIDE)) return ['FAILED', 'picture_size_check_failed'];
	}
	if (faults.failReason) return ['FAILED', faults.failReason];
	return [record.mode === 'direct' ? 'PUBLISH_COMPLETE' : 'SEND_TO_USER_INBOX', null];
}

/** Called once every byte arrived (or the pull ended). Processing then takes processingMs. */
function transferComplete(state, record, outcome) {
	if (record.status === 'FAILED') return releaseFile(state, outcome.filePath);
	if (outcome.sha256) record.sha256 = outcome.sha256;
	// Read before the file goes: the moov box may be at the end, where `head` does not reach.
	if (record.mediaType === 'VIDEO') {
		outcome.info = (outcome.filePath && readVideoInfoFromFile(outcome.filePath)) || (outcome.head && readVideoInfo(outcome.head)) || null;
		record.videoInfo = outcome.info;
	}
	const keep = !!(outcome.filePath && state.options.keepFiles);
	if (keep) record.filePath = outcome.filePath;
	releaseFile(state, outcome.filePath, keep);
	const finish = () => {
		if (record.status === 'FAILED') return;
		// Stuck publishes never leave processing (docs/tiktok-api.md G12); re-checked so a test can unstick them.
		if (state.options.faults.stuckProcessing) return void schedule(state, Math.max(50, state.options.processingMs), finish);
		const [status, reason] = decide(state, record, outcome);
		setFinal(record, status, reason);
		if (status === 'PUBLISH_COMPLETE') addPostIds(state, record);
	};
	schedule(state, state.options.processingMs, finish);
}

/**
 * Moderation: only a public post (PUBLIC_TO_EVERYONE) becomes publicly available, and only
 * postIdDelayMs after PUBLISH_COMPLETE; Only me, friends and followers posts never get an id.
 */
function addPostIds(state, record) {
	if (!getsPostId(record)) return;
	const add = () => void givePostId(record);
	if (state.options.postIdDelayMs > 0) schedule(state, state.options.postIdDelayMs, add);
	else add();
}

/** Only a direct PUBLIC_TO_EVERYONE post ever gets a post id. */
function getsPostId(record) {
	return record.mode === 'direct' && record.initBody?.post_info?.privacy_level === 'PUBLIC_TO_EVERYONE';
}

/** Moderation passed: the post gets its public id, announced like every change. Returns the id. */
function givePostId(record) {
	const postId = nextBigId();
	record.postIds.push(postId);
	announce(record, { status: record.status, postId });
	return postId;
}

/** The status/fetch `data` as JSON text, post ids written as raw 64-bit numbers (docs/tiktok-api.md G8). */
function statusDataJson(record) {
	const data = { status: record.status };
	if (record.status === 'FAILED') data.fail_reason = record.failReason;
	data.publicaly_available_post_id = '__POST_IDS__';
	if (record.source === 'FILE_UPLOAD') data.uploaded_bytes = record.bytesReceived;
	else data.downloaded_bytes = record.bytesReceived;
	const ids = record.postIds.filter((id) => /^\d+$/.test(id)).join(',');
	return JSON.stringify(data).replace('"__POST_IDS__"', `[${ids}]`);
}

module.exports = { createPublish, setFinal, transferComplete, statusDataJson, givePostId, getsPostId };
