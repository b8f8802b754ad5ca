/**
 * TikTok webhook events (docs/tiktok-api.md §5) -> one n8n output item.
 *
 * Body: `{"client_key", "event", "create_time", "user_openid", "content"}` where `content` is a JSON
 * string to parse a second time. Both levels are parsed with 64-bit integers kept exact (a post id
 * is a ~19-digit JSON number). The content field names beyond publish_id/post_id are UNCONFIRMED
 * (docs/tiktok-api.md §5), so every field is read defensively and nothing is dropped: the parsed `content`
 * is output whole, and top-level fields this module does not know are copied to the item.
 *
 * Pure: no n8n context.
 */
import type { IDataObject } from 'n8n-workflow';

import { describePublishId, postUrlFor, type PostMediaType } from '../post/postUrls';
import { explainFailReason } from '../tiktok/errors';
import { tryParseJsonPreservingBigIntegers } from '../tiktok/json';

/** Every event TikTok documents for the Content Posting API and Login Kit, with a readable name. */
export const TIKTOK_WEBHOOK_EVENTS: Readonly<Record<string, string>> = {
	'post.publish.complete': 'Post published',
	'post.publish.failed': 'Post failed',
	'post.publish.inbox_delivered': 'Draft delivered to inbox',
	'post.publish.publicly_available': 'Post publicly available',
	// sic: TikTok spells it "publicaly"
	'post.publish.no_longer_publicaly_available': 'Post no longer publicly available',
	'authorization.removed': 'Authorization removed',
};

/** `authorization.removed` content `reason` codes (docs/tiktok-api.md §5). */
export const AUTHORIZATION_REMOVED_REASONS: Readonly<Record<number, string>> = {
	0: 'TikTok gave no reason',
	1: 'The user disconnected the app in TikTok',
	2: 'The user deleted their TikTok account',
	3: "The user's age changed and the account no longer qualifies",
	4: 'The account was banned',
	5: 'The developer revoked the authorization',
};

const PUBLISH_TYPES: Readonly<Record<string, string>> = {
	DIRECT_PUBLISH: 'direct',
	INBOX_SHARE: 'draft',
};

const KNOWN_BODY_FIELDS = new Set(['client_key', 'event', 'create_time', 'user_openid', 'content']);

/** Largest epoch value read as seconds; beyond it (year 5138) the value is taken as milliseconds. */
const MAX_EPOCH_SECONDS = 1e11;

export type ParsedWebhookBody = { ok: true; body: IDataObject } | { ok: false; error: string };

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses the raw body (bytes as received) into an object, 64-bit integers as exact strings. */
export function parseWebhookBody(rawBody: Buffer | string): ParsedWebhookBody {
	const text = Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : rawBody;
	const parsed = tryParseJsonPreservingBigIntegers<unknown>(text);
	if (parsed === undefined) return { ok: false, error: 'The body is not valid JSON' };
	if (!isObject(parsed)) return { ok: false, error: 'The body is not a JSON object' };
	return { ok: true, body: parsed };
}

/**
 * `content` parsed: a JSON string is parsed (64-bit exact), an object is taken as is. A string that
 * is not JSON stays a string, and `contentParsed` says so.
 */
export function parseContent(content: unknown): { content: unknown; parsed: boolean } {
	if (typeof content === 'string') {
		const parsed = tryParseJsonPreservingBigIntegers<unknown>(content);
		return parsed === undefined ? { content, parsed: false } : { content: parsed, parsed: true };
	}
	return { content: content ?? null, parsed: isObject(content) };
}

/** A string for ids sent as strings or numbers (big ones already strings from the parser). */
function idText(value: unknown): string | null {
	if (typeof value === 'string' && value.trim() !== '') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

/** `post_id` may come as one id or, like status/fetch, as a list: the first one is the post. */
function postIdOf(content: IDataObject): string | null {
	const raw = content.post_id ?? content.publicaly_available_post_id ?? content.publicly_available_post_id;
	if (Array.isArray(raw)) return raw.length > 0 ? idText(raw[0]) : null;
	return idText(raw);
}

/** Epoch seconds (number or digit string) -> ISO time; milliseconds are recognised by their size. */
export function epochToIso(value: unknown): string | null {
	const n = typeof value === 'string' && /^[0-9]{1,16}$/.test(value.trim()) ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return null;
	const ms = n > MAX_EPOCH_SECONDS ? n : n * 1000;
	const date = new Date(ms);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * The posting nodes' post address, for a handle typed by the user ("@shop", " shop ") or none; a
 * photo post (its publish_id starts with p_) gets TikTok's photo address.
 */
export function eventPostUrl(postId: string, username?: string, mediaType: PostMediaType = 'video'): string {
	const handle = username?.trim().replace(/^@/, '');
	return postUrlFor(postId, mediaType === 'photo' ? 'photo' : 'video', handle || undefined);
}

export interface ShapeOptions {
	/** the account's TikTok handle, for canonical post URLs */
	username?: string;
}

/** The output item's json for one event body (as returned by parseWebhookBody). */
export function shapeWebhookEvent(body: IDataObject, options: ShapeOptions = {}): IDataObject {
	const event = typeof body.event === 'string' ? body.event : '';
	const { content, parsed } = parseContent(body.content);
	const fields: IDataObject = isObject(content) ? content : {};

	const publishTypeRaw = typeof fields.publish_type === 'string' ? fields.publish_type : null;
	const postId = postIdOf(fields);
	const failReason =
		event === 'authorization.removed' ? null : idText(fields.reason) ?? idText(fields.fail_reason);

	const item: IDataObject = {
		event,
		eventType: TIKTOK_WEBHOOK_EVENTS[event] ?? (event || 'Unknown event'),
		publishId: idText(fields.publish_id),
		postId,
		postUrl: postId ? eventPostUrl(postId, options.username, describePublishId(idText(fields.publish_id) ?? '').mediaType) : null,
		publishType: publishTypeRaw ? (PUBLISH_TYPES[publishTypeRaw] ?? publishTypeRaw) : null,
		failReason,
		failReasonSummary: null,
		failReasonHint: null,
		openId: idText(body.user_openid),
		clientKey: idText(body.client_key),
		eventTime: epochToIso(body.create_time),
		createTime: body.create_time ?? null,
		content: content as IDataObject,
	};
	if (failReason) {
		const { summary, hint } = explainFailReason(failReason);
		item.failReasonSummary = summary;
		item.failReasonHint = hint;
	}
	if (event === 'authorization.removed') {
		const code = typeof fields.reason === 'number' ? fields.reason : Number(fields.reason);
		item.authorizationRemovedReason = Number.isInteger(code) ? code : (fields.reason ?? null);
		item.authorizationRemovedText =
			(Number.isInteger(code) ? AUTHORIZATION_REMOVED_REASONS[code] : undefined) ?? 'TikTok gave an unknown reason';
		item.note =
			'TikTok has already revoked the token: reconnect the TikTok credential ("Connect my account") before posting from this account again.';
	}
	if (!parsed && body.content !== undefined) item.contentParseError = 'content is not a JSON object';

	// Fields TikTok may add later are kept under their own names (ours never collide: camelCase).
	for (const [key, value] of Object.entries(body)) {
		if (KNOWN_BODY_FIELDS.has(key)) continue;
		if (Object.prototype.hasOwnProperty.call(item, key)) {
			const extra = (item.otherFields as IDataObject | undefined) ?? {};
			extra[key] = value;
			item.otherFields = extra;
		} else {
			item[key] = value;
		}
	}
	return item;
}
