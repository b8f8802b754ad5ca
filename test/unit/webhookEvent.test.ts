/** TikTok webhook bodies -> output items (nodes/TikTok/core/webhook/webhookEvent.ts). */
import { explainFailReason } from '../../nodes/TikTok/core/tiktok/errors';
import {
	epochToIso,
	parseContent,
	eventPostUrl,
	parseWebhookBody,
	shapeWebhookEvent,
	TIKTOK_WEBHOOK_EVENTS,
} from '../../nodes/TikTok/core/webhook/webhookEvent';

const POST_ID = '7308523530180699593'; // > 2^53: JSON.parse would give 7308523530180700000

/** A body exactly as TikTok sends it: content is a JSON string holding a raw 64-bit number. */
const publicBody = (postIdLiteral = POST_ID) =>
	`{"client_key":"aw1234","event":"post.publish.publicly_available","create_time":1733000000,"user_openid":"open-id-1","content":"{\\"publish_id\\":\\"v_pub_file~v2-1.1\\",\\"post_id\\":${postIdLiteral},\\"publish_type\\":\\"DIRECT_PUBLISH\\"}"}`;

const shape = (raw: string, username?: string) => {
	const parsed = parseWebhookBody(Buffer.from(raw));
	if (!parsed.ok) throw new Error(parsed.error);
	return shapeWebhookEvent(parsed.body, { username });
};

describe('shapeWebhookEvent', () => {
	it('publicly_available: post id exact to the last digit, URL, direct publish, ISO time, content parsed', () => {
		expect(String(JSON.parse(`{"n":${POST_ID}}`).n)).not.toBe(POST_ID); // the trap
		expect(shape(publicBody())).toEqual({
			event: 'post.publish.publicly_available',
			eventType: 'Post publicly available',
			publishId: 'v_pub_file~v2-1.1',
			postId: POST_ID,
			postUrl: `https://www.tiktok.com/embed/v2/${POST_ID}`,
			publishType: 'direct',
			failReason: null,
			failReasonSummary: null,
			failReasonHint: null,
			openId: 'open-id-1',
			clientKey: 'aw1234',
			eventTime: '2024-11-30T20:53:20.000Z',
			createTime: 1733000000,
			content: { publish_id: 'v_pub_file~v2-1.1', post_id: POST_ID, publish_type: 'DIRECT_PUBLISH' },
		});
	});

	it('ids at the 64-bit edge and small ids', () => {
		expect(shape(publicBody('9223372036854775807')).postId).toBe('9223372036854775807');
		expect(shape(publicBody('12345')).postId).toBe('12345');
		expect(shape(publicBody(`\\"${POST_ID}\\"`)).postId).toBe(POST_ID); // sent as a string
		expect(shape(publicBody(`[${POST_ID},1]`)).postId).toBe(POST_ID); // sent as a list, like status/fetch
	});

	it('canonical post URL with the account handle (with or without @)', () => {
		expect(shape(publicBody(), 'my.shop').postUrl).toBe(`https://www.tiktok.com/@my.shop/video/${POST_ID}`);
		expect(eventPostUrl(POST_ID, '@my.shop')).toBe(`https://www.tiktok.com/@my.shop/video/${POST_ID}`);
		expect(eventPostUrl(POST_ID, '  ')).toBe(`https://www.tiktok.com/embed/v2/${POST_ID}`);
	});

	it('failed: the reason explained with the posting nodes\' texts', () => {
		const item = shapeWebhookEvent({
			event: 'post.publish.failed',
			create_time: 1733000000,
			user_openid: 'o',
			content: '{"publish_id":"v_inbox_file~v2.9","reason":"duration_check_failed","publish_type":"INBOX_SHARE"}',
		});
		const { summary, hint } = explainFailReason('duration_check_failed');
		expect(item).toMatchObject({
			eventType: 'Post failed',
			publishId: 'v_inbox_file~v2.9',
			publishType: 'draft',
			failReason: 'duration_check_failed',
			failReasonSummary: summary,
			failReasonHint: hint,
			postId: null,
			postUrl: null,
		});
		// fail_reason (status/fetch's name) is read too; unknown reasons get the generic text
		const other = shapeWebhookEvent({ event: 'post.publish.failed', content: '{"publish_id":"x","fail_reason":"brand_new_reason"}' });
		expect(other.failReason).toBe('brand_new_reason');
		expect(other.failReasonSummary).toBe(explainFailReason('brand_new_reason').summary);
	});

	it('complete, inbox_delivered, no_longer_publicaly_available: readable types, publish type only when sent', () => {
		expect(shapeWebhookEvent({ event: 'post.publish.complete', content: '{"publish_id":"a","publish_type":"DIRECT_PUBLISH"}' })).toMatchObject({ eventType: 'Post published', publishType: 'direct' });
		expect(shapeWebhookEvent({ event: 'post.publish.inbox_delivered', content: '{"publish_id":"b"}' })).toMatchObject({ eventType: 'Draft delivered to inbox', publishType: null, publishId: 'b' });
		expect(shapeWebhookEvent({ event: 'post.publish.no_longer_publicaly_available', content: `{"publish_id":"c","post_id":${POST_ID}}` }).eventType).toBe('Post no longer publicly available');
		// an unknown publish type is passed on as sent
		expect(shapeWebhookEvent({ event: 'post.publish.complete', content: '{"publish_type":"SOMETHING_NEW"}' }).publishType).toBe('SOMETHING_NEW');
		expect(Object.keys(TIKTOK_WEBHOOK_EVENTS)).toHaveLength(6);
	});

	it('authorization.removed: reason code and text, no fail reason, a note to reconnect', () => {
		const item = shapeWebhookEvent({ event: 'authorization.removed', create_time: 1733000000, user_openid: 'o', content: '{"reason":1}' });
		expect(item).toMatchObject({
			eventType: 'Authorization removed',
			authorizationRemovedReason: 1,
			authorizationRemovedText: 'The user disconnected the app in TikTok',
			failReason: null,
			publishId: null,
		});
		expect(item.note).toMatch(/reconnect/);
		expect(shapeWebhookEvent({ event: 'authorization.removed', content: '{"reason":42}' }).authorizationRemovedText).toBe('TikTok gave an unknown reason');
	});

	it('keeps unknown fields: in content, and top-level ones under their own names', () => {
		const item = shapeWebhookEvent({
			event: 'post.publish.complete',
			content: '{"publish_id":"a","new_field":{"x":1}}',
			delivery_id: 'd-1',
			eventType: 'clash',
		});
		expect(item.content).toEqual({ publish_id: 'a', new_field: { x: 1 } });
		expect(item.delivery_id).toBe('d-1');
		expect(item.eventType).toBe('Post published');
		expect(item.otherFields).toEqual({ eventType: 'clash' });
	});

	it('unknown events keep their name; missing or odd values give nulls, not errors', () => {
		expect(shapeWebhookEvent({ event: 'video.something.new', content: '{}' }).eventType).toBe('video.something.new');
		const empty = shapeWebhookEvent({});
		expect(empty).toMatchObject({ event: '', eventType: 'Unknown event', publishId: null, openId: null, eventTime: null, content: null });
		const odd = shapeWebhookEvent({ event: 'post.publish.complete', content: 'not json', create_time: 'soon', user_openid: 12 });
		expect(odd).toMatchObject({ content: 'not json', contentParseError: 'content is not a JSON object', eventTime: null, openId: '12' });
		// content already an object (not a string) is taken as is
		expect(shapeWebhookEvent({ event: 'post.publish.complete', content: { publish_id: 'z' } }).publishId).toBe('z');
	});
});

describe('parsing helpers', () => {
	it('parseWebhookBody: objects only, invalid JSON reported', () => {
		expect(parseWebhookBody('{"event":"x"}')).toEqual({ ok: true, body: { event: 'x' } });
		expect(parseWebhookBody('[1]')).toEqual({ ok: false, error: 'The body is not a JSON object' });
		expect(parseWebhookBody('{oops')).toEqual({ ok: false, error: 'The body is not valid JSON' });
		expect(parseWebhookBody(Buffer.from(publicBody())).ok).toBe(true);
	});

	it('parseContent: strings parsed 64-bit exact, a digit inside a string untouched', () => {
		expect(parseContent(`{"post_id":${POST_ID},"t":"${POST_ID}1"}`)).toEqual({ content: { post_id: POST_ID, t: `${POST_ID}1` }, parsed: true });
		expect(parseContent('nope')).toEqual({ content: 'nope', parsed: false });
		expect(parseContent(undefined)).toEqual({ content: null, parsed: false });
	});

	it('epochToIso: seconds, digit strings, milliseconds recognised, garbage null', () => {
		expect(epochToIso(0)).toBe('1970-01-01T00:00:00.000Z');
		expect(epochToIso('1733000000')).toBe('2024-11-30T20:53:20.000Z');
		expect(epochToIso(1733000000123)).toBe('2024-11-30T20:53:20.123Z');
		expect(epochToIso(-5)).toBeNull();
		expect(epochToIso('x')).toBeNull();
		expect(epochToIso(null)).toBeNull();
	});
});
