import { describePublishId, postUrlFor } from '../../nodes/TikTok/core/post/postUrls';
import { eventPostUrl, shapeWebhookEvent } from '../../nodes/TikTok/core/webhook/webhookEvent';

const ID = '7308523530180699592';

it.each([
	['v_pub_file~v2-1.123', 'video', 'direct_post'],
	['v_pub_url~v2-1.123', 'video', 'direct_post'],
	['v_inbox_file~v2.123', 'video', 'draft'],
	['v_inbox_url~v2.123', 'video', 'draft'],
	['p_pub_url~v2.123', 'photo', 'direct_post'],
	['p_inbox_url~v2.123', 'photo', 'draft'],
	['something-else', 'unknown', 'unknown'],
	['', 'unknown', 'unknown'],
])('publish_id %s: %s, %s', (publishId, mediaType, mode) => {
	expect(describePublishId(publishId)).toEqual({ mediaType, mode });
});

it('post URLs: the handle and the kind of post, else the embed address', () => {
	expect(postUrlFor(ID, 'video', 'my.shop')).toBe(`https://www.tiktok.com/@my.shop/video/${ID}`);
	expect(postUrlFor(ID, 'photo', 'my.shop')).toBe(`https://www.tiktok.com/@my.shop/photo/${ID}`);
	expect(postUrlFor(ID, 'photo')).toBe(`https://www.tiktok.com/embed/v2/${ID}`);
	expect(postUrlFor(ID, 'unknown', 'my.shop')).toBe(`https://www.tiktok.com/embed/v2/${ID}`);
	expect(postUrlFor(ID, 'video', 'a b')).toBe(`https://www.tiktok.com/@a%20b/video/${ID}`);
});

it('the trigger gives a photo post its photo address', () => {
	expect(eventPostUrl(ID, '@my.shop', 'photo')).toBe(`https://www.tiktok.com/@my.shop/photo/${ID}`);
	const body = {
		event: 'post.publish.publicly_available',
		content: JSON.stringify({ publish_id: 'p_pub_url~v2.1', post_id: ID, publish_type: 'DIRECT_PUBLISH' }),
	};
	expect(shapeWebhookEvent(body, { username: 'my.shop' }).postUrl).toBe(`https://www.tiktok.com/@my.shop/photo/${ID}`);
});
