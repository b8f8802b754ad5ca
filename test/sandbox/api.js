'use strict';
/**
 * The v2 JSON API: user/info and the Content Posting endpoints. Order of checks per request, as
 * TikTok answers them: token (401) -> scope (401) -> rate limit (429) -> content type / body (400)
 * -> scenario faults -> field validation.
 */
const { sendApi, apiError, readSmallBody, mediaType } = require('./http');
const { bucketFor, allowCall } = require('./rateLimit');
const { takeFault } = require('./state');
const rules = require('./rules');
const { createPublish, statusDataJson } = require('./publish');
const { createUpload } = require('./upload');
const { startPull, cancelPull } = require('./pull');

const USER_FIELD_SCOPES = {
	open_id: 'user.info.basic',
	union_id: 'user.info.basic',
	avatar_url: 'user.info.basic',
	avatar_url_100: 'user.info.basic',
	avatar_large_url: 'user.info.basic',
	display_name: 'user.info.basic',
	bio_description: 'user.info.profile',
	profile_deep_link: 'user.info.profile',
	is_verified: 'user.info.profile',
	username: 'user.info.profile',
	follower_count: 'user.info.stats',
	following_count: 'user.info.stats',
	likes_count: 'user.info.stats',
	video_count: 'user.info.stats',
};

function bearerToken(req) {
	const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization || '');
	return match ? match[1] : null;
}

/** Resolves the caller's token or answers 401. */
function authenticate(ctx, state) {
	const accessToken = bearerToken(ctx.req);
	const record = accessToken && state.accessTokens.get(accessToken);
	if (!record || Date.now() >= record.expiresAt) {
		apiError(ctx, 401, 'access_token_invalid', 'The access token is invalid or not found in the request.');
		return null;
	}
	return { ...record, accessToken };
}

function requireScope(ctx, token, scopes) {
	if (scopes.some((s) => token.scopes.has(s))) return true;
	apiError(ctx, 401, 'scope_not_authorized', `The user did not authorize the scope required for this endpoint (${scopes.join(' or ')}).`);
	return false;
}

/** Posting endpoints: JSON only (charset optional), small body, `{}` when empty. */
async function readJson(ctx) {
	if (mediaType(ctx.req) !== 'application/json') {
		await readSmallBody(ctx.req).catch(() => '');
		apiError(ctx, 400, 'invalid_params', 'Content-Type must be application/json');
		return null;
	}
	let text;
	try {
		text = await readSmallBody(ctx.req);
	} catch {
		apiError(ctx, 400, 'invalid_params', 'The request body is too large');
		return null;
	}
	if (!text.trim()) return {};
	try {
		const body = JSON.parse(text);
		if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
		ctx.entry.body = body;
		return body;
	} catch {
		apiError(ctx, 400, 'invalid_params', 'The request body is not a JSON object');
		return null;
	}
}

function clientOf(state, token) {
	return state.options.clients[token.clientKey] || { audited: false };
}

/** GET /v2/user/info/?fields=a,b */
function userInfo(ctx, state, token) {
	if (!requireScope(ctx, token, ['user.info.basic'])) return;
	const fields = (ctx.url.searchParams.get('fields') || '').split(',').map((f) => f.trim()).filter(Boolean);
	if (!fields.length) return apiError(ctx, 400, 'invalid_params', 'fields is required');
	const unknown = fields.find((f) => !USER_FIELD_SCOPES[f]);
	if (unknown) return apiError(ctx, 400, 'invalid_params', `Unknown field: ${unknown}`);
	const missing = fields.find((f) => !token.scopes.has(USER_FIELD_SCOPES[f]));
	if (missing) return apiError(ctx, 400, 'scope_permission_missed', `Field ${missing} needs scope ${USER_FIELD_SCOPES[missing]}`);
	const { account } = state.options;
	const all = {
		open_id: token.openId,
		union_id: account.unionId,
		avatar_url: account.avatarUrl,
		avatar_url_100: account.avatarUrl,
		avatar_large_url: account.avatarUrl,
		display_name: account.displayName,
		bio_description: account.bioDescription,
		profile_deep_link: `https://vm.tiktok.com/${encodeURIComponent(account.username)}/`,
		is_verified: !!account.isVerified,
		username: account.username,
		follower_count: 0,
		following_count: 0,
		likes_count: 0,
		video_count: 0,
	};
	sendApi(ctx, 200, { user: Object.fromEntries(fields.map((f) => [f, all[f]])) });
}

/** POST /v2/post/publish/creator_info/query/: "cannot post now" is HTTP 200 with an error code (docs/tiktok-api.md G7). */
function creatorInfoQuery(ctx, state, token) {
	const cannotPost = state.options.faults.cannotPost;
	if (cannotPost) return sendApi(ctx, 200, {}, cannotPost, 'The creator cannot post right now. Please try again later.');
	sendApi(ctx, 200, rules.creatorInfo(state.options, clientOf(state, token)));
}

/** Faults and account rules shared by every init endpoint. Returns true when an answer was sent. */
function initGuards(ctx, state, token, { directPost }) {
	const injected = takeFault(state.options, 'initError');
	if (injected) return apiError(ctx, injected.status || 500, injected.code || 'internal_error', injected.message || 'Injected init error (sandbox fault)'), true;
	const cannotPost = state.options.faults.cannotPost;
	if (cannotPost) return apiError(ctx, 403, cannotPost, 'The creator cannot post right now. Please try again later.'), true;
	if (directPost && !clientOf(state, token).audited && !state.options.account.private) {
		return apiError(ctx, 403, 'unaudited_client_can_only_post_to_private_accounts', 'Unaudited clients can only post to private accounts.'), true;
	}
	return false;
}

const answer = (ctx, problem) => apiError(ctx, problem.status, problem.code, problem.message);

/** source_info of a video: either a chunk plan or a verified URL. Returns a problem or null. */
function checkVideoSource(state, sourceInfo) {
	if (!sourceInfo || typeof sourceInfo !== 'object') return { status: 400, code: 'invalid_param', message: 'source_info is required' };
	if (sourceInfo.source === 'FILE_UPLOAD') {
		const problem = rules.checkChunkPlan(sourceInfo);
		if (problem) return problem;
		// docs/tiktok-api.md G14: TikTok has refused every valid multi-chunk plan this way while single-request uploads worked.
		if (sourceInfo.total_chunk_count > 1 && takeFault(state.options, 'rejectMultiChunk')) return { status: 400, code: 'invalid_params', message: 'The chunk size is invalid' };
		return null;
	}
	if (sourceInfo.source === 'PULL_FROM_URL') return rules.checkPullUrl(sourceInfo.video_url, state.options, state.baseUrl);
	return { status: 400, code: 'invalid_param', message: 'source_info.source must be FILE_UPLOAD or PULL_FROM_URL' };
}

function startVideo(ctx, state, token, body, mode) {
	const sourceInfo = body.source_info;
	const record = createPublish(state, { mode, source: sourceInfo.source, initBody: body, token });
	const data = { publish_id: record.publishId };
	if (sourceInfo.source === 'FILE_UPLOAD') data.upload_url = createUpload(state, record, sourceInfo);
	else startPull(state, record, [sourceInfo.video_url]);
	sendApi(ctx, 200, data);
}

/** POST /v2/post/publish/video/init/ (Direct Post) */
function videoInit(ctx, state, token, body) {
	if (initGuards(ctx, state, token, { directPost: true })) return;
	const problem = rules.checkVideoPostInfo(body.post_info, rules.privacyOptions(state.options, clientOf(state, token))) || checkVideoSource(state, body.source_info);
	if (problem) return answer(ctx, problem);
	startVideo(ctx, state, token, body, 'direct');
}

/** POST /v2/post/publish/inbox/video/init/: only source_info counts; post_info is silently ignored (docs/tiktok-api.md G9). */
function inboxVideoInit(ctx, state, token, body) {
	if (initGuards(ctx, state, token, { directPost: false })) return;
	if (tooManyPendingShares(ctx, state, token)) return;
	const problem = checkVideoSource(state, body.source_info);
	if (problem) return answer(ctx, problem);
	startVideo(ctx, state, token, body, 'inbox');
}

/**
 * Drafts waiting in the user's inbox (created in the last 24 h, not failed): TikTok refuses a new
 * inbox share beyond its limit (docs/tiktok-api.md G16). Only with `faults.pendingShares` set, so runs that create many
 * drafts (load tests, the demo) are not refused by default.
 */
function tooManyPendingShares(ctx, state, token) {
	const limit = state.options.faults.pendingShares?.limit;
	if (!Number.isInteger(limit)) return false;
	const since = Date.now() - 24 * 3600 * 1000;
	let pending = 0;
	for (const record of state.publishes.values()) {
		if (record.mode === 'inbox' && record.openId === token.openId && record.status !== 'FAILED' && Date.parse(record.createdAt) >= since) pending++;
	}
	if (pending < limit) return false;
	apiError(ctx, 403, 'spam_risk_too_many_pending_share', 'The user has too many pending inbox shares. Please try again later.');
	return true;
}

/** POST /v2/post/publish/content/init/ (photos, PULL_FROM_URL only) */
function contentInit(ctx, state, token, body) {
	const postMode = body.post_mode;
	if (body.media_type !== 'PHOTO') return apiError(ctx, 400, 'invalid_param', 'media_type must be PHOTO');
	if (postMode !== 'DIRECT_POST' && postMode !== 'MEDIA_UPLOAD') return apiError(ctx, 400, 'invalid_param', 'post_mode must be DIRECT_POST or MEDIA_UPLOAD');
	if (!requireScope(ctx, token, [postMode === 'DIRECT_POST' ? 'video.publish' : 'video.upload'])) return;
	if (initGuards(ctx, state, token, { directPost: postMode === 'DIRECT_POST' })) return;
	if (postMode === 'MEDIA_UPLOAD' && state.options.faults.appVersionTooOld) {
		return apiError(ctx, 400, 'app_version_check_failed', 'The TikTok app version of the user does not support this feature. Please update to version 31.8 or later.');
	}
	if (postMode === 'MEDIA_UPLOAD' && tooManyPendingShares(ctx, state, token)) return;
	const problem =
		rules.checkPhotoPostInfo(body.post_info, postMode, rules.privacyOptions(state.options, clientOf(state, token))) ||
		(body.is_aigc !== undefined && typeof body.is_aigc !== 'boolean' ? { status: 400, code: 'invalid_param', message: 'is_aigc must be a boolean' } : null);
	if (problem) return answer(ctx, problem);
	const source = body.source_info || {};
	if (source.source !== 'PULL_FROM_URL') return apiError(ctx, 400, 'invalid_param', 'Photos support only source PULL_FROM_URL');
	const images = source.photo_images;
	if (!Array.isArray(images) || images.length < 1 || images.length > rules.MAX_PHOTOS) return apiError(ctx, 400, 'invalid_param', `photo_images must hold 1 to ${rules.MAX_PHOTOS} URLs`);
	if (!Number.isInteger(source.photo_cover_index) || source.photo_cover_index < 0 || source.photo_cover_index >= images.length) {
		return apiError(ctx, 400, 'invalid_param', 'photo_cover_index must be an index into photo_images');
	}
	for (const url of images) {
		const urlProblem = rules.checkPullUrl(url, state.options, state.baseUrl);
		if (urlProblem) return answer(ctx, urlProblem);
	}
	const record = createPublish(state, { mode: postMode === 'DIRECT_POST' ? 'direct' : 'inbox', source: 'PULL_FROM_URL', mediaType: 'PHOTO', initBody: body, token });
	startPull(state, record, images);
	sendApi(ctx, 200, { publish_id: record.publishId });
}

function findOwnPublish(ctx, state, token, body) {
	const record = typeof body.publish_id === 'string' && state.publishes.get(body.publish_id);
	if (!record) return apiError(ctx, 400, 'invalid_publish_id', 'publish_id is invalid'), null;
	if (record.openId !== token.openId || record.clientKey !== token.clientKey) {
		return apiError(ctx, 400, 'token_not_authorized_for_specified_publish_id', 'This token cannot read this publish_id'), null;
	}
	return record;
}

/** POST /v2/post/publish/status/fetch/ */
function statusFetch(ctx, state, token, body) {
	const injected = takeFault(state.options, 'statusError');
	if (injected) return apiError(ctx, injected.status || 500, injected.code || 'internal_error', injected.message || 'Injected status error (sandbox fault)');
	const record = findOwnPublish(ctx, state, token, body);
	if (record) sendApi(ctx, 200, null, 'ok', '', statusDataJson(record));
}

/** POST /v2/post/publish/cancel/ (PULL_FROM_URL downloads only, best effort) */
function cancel(ctx, state, token, body) {
	const record = findOwnPublish(ctx, state, token, body);
	if (!record) return;
	if (!cancelPull(state, record)) return apiError(ctx, 400, 'publish_not_cancellable', 'This publish can no longer be cancelled');
	sendApi(ctx, 200, {});
}

// path -> [method, required scopes (any of), handler, JSON body?]
const ROUTES = {
	'/v2/user/info/': ['GET', ['user.info.basic'], userInfo, false],
	'/v2/post/publish/creator_info/query/': ['POST', ['video.publish'], creatorInfoQuery, true],
	'/v2/post/publish/video/init/': ['POST', ['video.publish'], videoInit, true],
	'/v2/post/publish/inbox/video/init/': ['POST', ['video.upload'], inboxVideoInit, true],
	// scope depends on post_mode, checked in the handler
	'/v2/post/publish/content/init/': ['POST', ['video.publish', 'video.upload'], contentInit, true],
	'/v2/post/publish/status/fetch/': ['POST', ['video.publish', 'video.upload'], statusFetch, true],
	'/v2/post/publish/cancel/': ['POST', ['video.publish', 'video.upload'], cancel, true],
};

async function handleApi(ctx, state) {
	const route = ROUTES[ctx.url.pathname];
	if (!route || route[0] !== ctx.req.method) return apiError(ctx, 404, 'not_found', `No API ${ctx.req.method} ${ctx.url.pathname}`);
	const [, scopes, handler, jsonBody] = route;
	const token = authenticate(ctx, state);
	if (!token || !requireScope(ctx, token, scopes)) return;
	const bucket = bucketFor(ctx.url.pathname);
	if (bucket && !allowCall(state, token.accessToken, bucket)) {
		return apiError(ctx, 429, 'rate_limit_exceeded', 'API rate limit exceeded for this user token. Please retry later.');
	}
	const body = jsonBody ? await readJson(ctx) : {};
	if (body) handler(ctx, state, token, body);
}

module.exports = { handleApi };
