/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * TikTok Post Photos against the sandbox, through n8n-core's request path: both modes, the checks of
 * each photo's head before anything reaches TikTok (proved by the sandbox's request log), TikTok's
 * failures explained for photos, and Continue On Fail.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

import type { Sandbox } from '../sandbox';
import { onlyPublish, resetSandbox, startTestSandbox, statusCallsAfterCompletion, until } from './fixture';
import { runPostPhotos, tikTokCalls } from './photoFixture';

let sandbox: Sandbox;
let origin: http.Server;
let originUrl: string;

beforeAll(async () => {
	sandbox = await startTestSandbox();
	// A photo server of the user's own: a redirect, a login page, and a server that drops the connection.
	origin = http.createServer((req, res) => {
		if (req.url === '/moved.jpg') return void res.writeHead(302, { Location: `${sandbox.mediaBaseUrl}a.jpg` }).end();
		if (req.url === '/login.jpg') return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!DOCTYPE html><html><body>Please sign in</body></html>');
		if (req.url === '/drop.jpg') return void req.socket.destroy();
		res.writeHead(404).end();
	});
	await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
	originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/`;
});
afterAll(async () => {
	await sandbox.close();
	origin.closeAllConnections();
	await new Promise((resolve) => origin.close(resolve));
});
beforeEach(() => {
	resetSandbox(sandbox);
	sandbox.configure({ verifiedUrlPrefixes: [sandbox.mediaBaseUrl, originUrl] });
});

const photo = (name: string, query = '') => `${sandbox.mediaBaseUrl}${name}${query ? `?${query}` : ''}`;
const mediaRequests = () => sandbox.log.filter((entry) => entry.path.startsWith('/media/'));

describe('Direct Post', () => {
	it('posts a carousel of JPEG and WebP photos: heads read with a ranged GET first, then one init', async () => {
		const urls = [photo('front.jpg', 'w=1080&h=1350&bytes=400000'), photo('back.webp', 'w=941&h=1672&webp=vp8x'), photo('detail.jpg', 'w=720&h=720&sof=2')];
		const run = await runPostPhotos(sandbox, {
			parameters: { photoUrls: urls.join('\n'), coverIndex: 1, privacyLevel: 'PUBLIC_TO_EVERYONE', allowComments: true, autoAddMusic: true },
		});
		expect(run.error).toBeUndefined();
		const json = run.output![0].json;
		expect(json).toMatchObject({
			status: 'PUBLISH_COMPLETE',
			mode: 'direct_post',
			mediaType: 'photo',
			uploadMethod: 'pull_from_url',
			photoCount: 3,
			coverIndex: 1,
			waited: true,
			timedOut: false,
			photoChecks: [
				{ position: 1, format: 'jpeg', width: 1080, height: 1350, bytes: 400_000 },
				{ position: 2, format: 'webp', width: 941, height: 1672 },
				{ position: 3, format: 'jpeg', width: 720, height: 720 },
			],
		});
		expect(json.postIds).toEqual([expect.stringMatching(/^\d{19}$/)]);
		expect(json.postUrl).toBe(`https://www.tiktok.com/@sandbox.shop/photo/${(json.postIds as string[])[0]}`);
		expect(json.photoWarnings).toBeUndefined();
		expect(run.output![0].pairedItem).toEqual({ item: 0 });

		const record = onlyPublish(sandbox);
		expect(record.initBody).toEqual({
			media_type: 'PHOTO',
			post_mode: 'DIRECT_POST',
			post_info: {
				title: 'Linen shirt',
				description: 'New in the shop #linen',
				privacy_level: 'PUBLIC_TO_EVERYONE',
				disable_comment: false,
				auto_add_music: true,
				brand_content_toggle: false,
				brand_organic_toggle: false,
			},
			source_info: { source: 'PULL_FROM_URL', photo_images: urls, photo_cover_index: 1 },
		});
		// the node's three head reads, each a ranged GET of the first 64 KiB as stored, all before init
		const heads = mediaRequests().filter((entry) => entry.range);
		expect(heads.map((entry) => [entry.range, entry.acceptEncoding])).toEqual(new Array(3).fill(['bytes=0-65535', 'identity']));
		const initAt = sandbox.log.findIndex((entry) => entry.path.endsWith('/content/init/'));
		expect(Math.max(...heads.map((entry) => sandbox.log.indexOf(entry)))).toBeLessThan(initAt);
	});

	it('a list from the input item: WooCommerce product images ({src}) mapped by an expression', async () => {
		const images = [{ id: 11, src: photo('a.jpg'), alt: '' }, { id: 12, src: photo('b.webp'), alt: '' }];
		const run = await runPostPhotos(sandbox, { parameters: { photoUrls: images } });
		expect(run.error).toBeUndefined();
		expect(onlyPublish(sandbox).initBody.source_info.photo_images).toEqual(images.map((image) => image.src));
	});

	it('disclosure, AI label: brand flags in post_info, is_aigc at the top level', async () => {
		const run = await runPostPhotos(sandbox, {
			parameters: { photoUrls: photo('a.jpg'), privacyLevel: 'MUTUAL_FOLLOW_FRIENDS', commercialContent: true, brandedContent: true, yourBrand: true, isAiGenerated: true },
		});
		expect(run.error).toBeUndefined();
		const body = onlyPublish(sandbox).initBody;
		expect(body.post_info).toMatchObject({ brand_content_toggle: true, brand_organic_toggle: true });
		expect(body.is_aigc).toBe(true);
	});

	it('Only Me: published, no post id or URL, and the note says why', async () => {
		const run = await runPostPhotos(sandbox, { parameters: { photoUrls: photo('a.jpg') } });
		const json = run.output![0].json;
		expect(json).toMatchObject({ status: 'PUBLISH_COMPLETE' });
		expect(json.postIds).toBeUndefined();
		expect(json.note).toBe(
			`TikTok gives a post ID, and so a public post URL, only to public posts once moderation has passed. This post is "Only Me" (SELF_ONLY), so it has no public post URL: find it on the account in the TikTok app (publish_id: ${json.publishId}).`,
		);
	});

	it('a public post waits for its post id after moderation (Wait for Post ID), paced like every status call', async () => {
		sandbox.configure({ postIdDelayMs: 60_000 }); // out of reach: moderation passes when the test says
		const running = runPostPhotos(sandbox, { parameters: { photoUrls: photo('a.jpg'), privacyLevel: 'PUBLIC_TO_EVERYONE' } });
		// two status calls after TikTok published: the node saw PUBLISH_COMPLETE without an id and waits on
		await until(() => statusCallsAfterCompletion(sandbox) >= 2, running);
		const postId = sandbox.passModeration(onlyPublish(sandbox).publishId);
		const json = (await running).output![0].json;
		expect(json.postIds).toEqual([postId]);
		expect(json.postUrl).toBe(`https://www.tiktok.com/@sandbox.shop/photo/${postId}`);
		expect(json.note).toBeUndefined();
		expect(sandbox.log.filter((entry) => entry.status === 429)).toEqual([]);
	});

	it('a public post whose moderation outlasts Wait for Post ID says so, with the publish_id', async () => {
		sandbox.configure({ postIdDelayMs: 60_000 });
		const run = await runPostPhotos(sandbox, {
			parameters: { photoUrls: photo('a.jpg'), privacyLevel: 'PUBLIC_TO_EVERYONE', options: { postIdWaitMinutes: 0.01 } },
		});
		const json = run.output![0].json;
		expect(json.postIds).toBeUndefined();
		expect(json.note).toBe(
			`TikTok published the photo post, but its moderation had not finished after 1 s, so TikTok has not given the post ID yet (usually within a minute, sometimes hours). Look it up later with the TikTok node (Post: Get Status) and publish_id ${json.publishId}, or find the post in the TikTok app.`,
		);
	});

	it('without waiting: returns PROCESSING_DOWNLOAD at once, with how to look it up', async () => {
		const run = await runPostPhotos(sandbox, { parameters: { photoUrls: photo('a.jpg'), waitForResult: false } });
		expect(run.output![0].json).toMatchObject({ status: 'PROCESSING_DOWNLOAD', waited: false });
		expect(run.output![0].json.note).toMatch(/Post: Get Status/);
		expect(sandbox.countCalls('/status/fetch/')).toBe(0);
	});
});

describe('Send to Inbox as Draft', () => {
	it('sends only title and description; SEND_TO_USER_INBOX with a note', async () => {
		const run = await runPostPhotos(sandbox, {
			parameters: { postMode: 'inbox', photoUrls: `${photo('a.jpg')}\n${photo('b.webp')}`, privacyLevel: 'PUBLIC_TO_EVERYONE', allowComments: true, isAiGenerated: true },
		});
		expect(run.error).toBeUndefined();
		expect(run.output![0].json).toMatchObject({ status: 'SEND_TO_USER_INBOX', mode: 'draft' });
		expect(run.output![0].json.note).toMatch(/inbox as a draft/);
		expect(onlyPublish(sandbox).initBody).toEqual({
			media_type: 'PHOTO',
			post_mode: 'MEDIA_UPLOAD',
			post_info: { title: 'Linen shirt', description: 'New in the shop #linen' },
			source_info: { source: 'PULL_FROM_URL', photo_images: [photo('a.jpg'), photo('b.webp')], photo_cover_index: 0 },
		});
		// a draft needs no creator_info (and no video.publish scope)
		expect(sandbox.countCalls('/creator_info/query/')).toBe(0);
	});

	it('TikTok app too old for photo drafts: app_version_check_failed explained for photos', async () => {
		sandbox.configure({ faults: { appVersionTooOld: true } });
		const run = await runPostPhotos(sandbox, { parameters: { postMode: 'inbox', photoUrls: photo('a.jpg') } });
		expect(run.error?.message).toBe('The TikTok app on the phone is too old to receive photo drafts [app_version_check_failed]');
		expect(run.error?.description).toMatch(/31\.8 or later.*\(TikTok log_id: \w+\)$/);
	});

	it('too many drafts waiting: spam_risk_too_many_pending_share explained', async () => {
		sandbox.configure({ faults: { pendingShares: { limit: 1 } } });
		const parameters = { postMode: 'inbox', photoUrls: photo('a.jpg') };
		expect((await runPostPhotos(sandbox, { parameters })).error).toBeUndefined();
		const run = await runPostPhotos(sandbox, { parameters });
		expect(run.error?.message).toBe('Too many drafts are waiting in the TikTok inbox [spam_risk_too_many_pending_share]');
	});
});

describe('refused before anything reaches TikTok (the sandbox log shows no API call)', () => {
	const refusedBeforeTikTok = async (parameters: Record<string, unknown>, message: RegExp) => {
		const run = await runPostPhotos(sandbox, { parameters });
		expect(run.error?.message).toMatch(message);
		expect(run.error?.description).toMatch(/Nothing was sent to TikTok\.$/);
		expect(tikTokCalls(sandbox)).toEqual([]);
		return run;
	};

	it.each([
		['a PNG', () => photo('p.png'), /^Photo 2 of 2 \(.*p\.png\) is a PNG image\. TikTok accepts only JPEG or WebP/],
		['a PNG behind a .jpg URL', () => photo('p.jpg', 'format=png'), /^Photo 2 of 2 .* is a PNG image/],
		['a video', () => photo('v.mp4', 'bytes=5000'), /^Photo 2 of 2 .* is a video, not an image/],
		['a login page', () => `${originUrl}login.jpg`, /^Photo 2 of 2 .* is a web page \(HTML\), not an image/],
		['1086 x 1448 px (G10)', () => photo('big.jpg', 'w=1086&h=1448'), /^Photo 2 of 2 .* is 1086 × 1448 px: its short side \(1086 px\) is over TikTok's limit of 1080 px/],
		['over 20 MB (range answer)', () => photo('heavy.jpg', 'bytes=20000001'), /^Photo 2 of 2 .* is 20,000,001 bytes, over TikTok's limit of 20 MB/],
		['over 20 MB (a server that ignores Range)', () => photo('heavy.webp', 'bytes=25000000&range=ignore'), /^Photo 2 of 2 .* is 25,000,000 bytes/],
		['a 404', () => photo('missing.bmp'), /^Photo 2 of 2 .* HTTP 404: there is no photo at this URL/],
		['a redirect', () => `${originUrl}moved.jpg`, /^Photo 2 of 2 .* HTTP 302 \(a redirect to .*a\.jpg\)\. TikTok does not follow redirects/],
		['a dropped connection', () => `${originUrl}drop.jpg`, /^Photo 2 of 2 .* could not be read \(.*\)\. TikTok would fail the post with photo_pull_failed/],
	])('%s', async (_name, bad, message) => {
		await refusedBeforeTikTok({ photoUrls: [photo('ok.jpg'), bad()] }, message);
	});

	it('a 25 MB photo behind a server that ignores Range is not downloaded: the node stops after the head', async () => {
		await refusedBeforeTikTok({ photoUrls: photo('heavy.jpg', 'bytes=25000000&range=ignore') }, /25,000,000 bytes/);
		const head = mediaRequests()[0];
		// the sandbox fills in the entry when the connection closes, which the node's stop causes: wait for
		// that event (bounded by jest's test timeout), not for a fixed time
		while (head.status === null) await new Promise((resolve) => setTimeout(resolve, 10));
		// the server started a 200 with the whole file; the node closed the connection after the head
		expect(head.status).toBe(200);
		expect(head.dropped).toBe(true);
	});

	it('every bad photo is listed, the first in the message, the others in the description', async () => {
		const run = await refusedBeforeTikTok({ photoUrls: [photo('p.png'), photo('ok.jpg'), photo('big.webp', 'w=2000&h=2000')] }, /^Photo 1 of 3 .* is a PNG image/);
		expect(run.error?.description).toMatch(/^Photo 3 of 3 .* is 2000 × 2000 px/);
	});

	it.each([
		['no URL', { photoUrls: '  \n ' }, /^No photo URLs given/],
		['36 URLs', { photoUrls: Array.from({ length: 36 }, (_, i) => `https://media.example.com/${i}.jpg`) }, /^36 photo URLs given; TikTok takes at most 35/],
		['a URL with a password', { photoUrls: 'https://user:pw@media.example.com/a.jpg' }, /^Photo 1 of 1 .* user name or password/],
		['not a URL', { photoUrls: 'media.example.com/a.jpg' }, /^Photo 1 of 1 .* is not a full URL/],
		['a list entry without src', { photoUrls: [{ id: 1 }] }, /^Entry 1 of the photo list is an object without a "src" or "url"/],
		['cover index out of range', { photoUrls: 'https://media.example.com/a.jpg', coverIndex: 1 }, /^Cover Photo Index must be a whole number from 0 \(the first photo\) to 0/],
		['a title of 91 UTF-16 units', { photoUrls: 'https://media.example.com/a.jpg', title: `${'é'.repeat(89)}😀` }, /^The title is 91 characters long .* limit for photo posts is 90/],
		['a description of 4001', { photoUrls: 'https://media.example.com/a.jpg', description: 'x'.repeat(4001) }, /^The description is 4001 characters/],
		['disclosure without a choice', { photoUrls: 'https://media.example.com/a.jpg', commercialContent: true }, /^You need to indicate if your content promotes yourself, a third party, or both/],
	])('%s', async (_name, parameters, message) => {
		await refusedBeforeTikTok(parameters, message);
		expect(mediaRequests()).toEqual([]);
	});
});

describe('refused by the account\'s options, before init', () => {
	const refusedBeforeInit = async (parameters: Record<string, unknown>, message: RegExp) => {
		const run = await runPostPhotos(sandbox, { parameters: { photoUrls: photo('a.jpg'), ...parameters } });
		expect(run.error?.message).toMatch(message);
		expect(tikTokCalls(sandbox)).toEqual(['/v2/post/publish/creator_info/query/']);
	};

	it('a privacy level the account does not offer', async () => {
		sandbox.configure({ account: { private: true } });
		await refusedBeforeInit({ privacyLevel: 'PUBLIC_TO_EVERYONE' }, /^Privacy level "PUBLIC_TO_EVERYONE" is not one of this account's options: Followers/);
	});

	it('comments allowed while the account turned them off', async () => {
		sandbox.configure({ creator: { commentDisabled: true } });
		await refusedBeforeInit({ allowComments: true }, /^Comments are turned off in this TikTok account's settings/);
	});

	it('branded content as Only Me', async () => {
		await refusedBeforeInit({ commercialContent: true, brandedContent: true }, /^Branded content visibility cannot be set to private/);
	});

	it('an account that cannot post now (creator_info answers HTTP 200 with the reason)', async () => {
		sandbox.configure({ faults: { cannotPost: 'spam_risk_too_many_posts' } });
		await refusedBeforeInit({}, /daily posting limit \[spam_risk_too_many_posts\]/);
	});
});

describe('what TikTok fails after pulling, explained', () => {
	it('a photo whose size the node could not read, over 1080 px: picture_size_check_failed naming it', async () => {
		const urls = [photo('ok.jpg'), photo('exif.jpg', 'w=2000&h=1500&exifBytes=70000')];
		const run = await runPostPhotos(sandbox, { parameters: { photoUrls: urls } });
		expect(run.error?.message).toBe('One of the photos is too large for TikTok (more than 1080 px on its short side) [picture_size_check_failed]');
		expect(run.error?.description).toMatch(/The node could not read the size of photo 2\. \(publish_id: p_pub_url~v2\.\d+\)$/);
	});

	it('a server that ignores Range and does not state sizes: the post goes on, and the output says what was not checked', async () => {
		const run = await runPostPhotos(sandbox, { parameters: { photoUrls: photo('a.jpg', 'bytes=200000&range=ignore&size=hidden') } });
		expect(run.error).toBeUndefined();
		expect(run.output![0].json.status).toBe('PUBLISH_COMPLETE');
		expect(run.output![0].json.photoWarnings).toEqual([
			expect.stringMatching(/^Photo 1 of 1 .*: the server does not answer Range requests/),
			expect.stringMatching(/^Photo 1 of 1 .*: the server did not state the file size, so the 20 MB limit was not checked/),
		]);
	});

	it('photo_pull_failed', async () => {
		sandbox.configure({ faults: { pullFails: true } });
		const run = await runPostPhotos(sandbox, { parameters: { photoUrls: photo('a.jpg') } });
		expect(run.error?.message).toBe('TikTok could not download a photo from its URL [photo_pull_failed]');
		expect(run.error?.description).toMatch(/\(publish_id: p_pub_url~v2\.\d+\)$/);
	});

	it('url_ownership_unverified: how to verify a domain, and no download-and-upload way out', async () => {
		sandbox.configure({ verifiedUrlPrefixes: [`${sandbox.mediaBaseUrl}products/`] });
		const run = await runPostPhotos(sandbox, { parameters: { photoUrls: photo('a.jpg') } });
		expect(run.error?.message).toBe(
			'TikTok cannot pull the photos: their URLs are not under a domain or URL prefix verified for this app [url_ownership_unverified]',
		);
		expect(run.error?.description).toMatch(/URL properties.*DNS TXT record.*URL prefix/);
		expect(run.error?.description).toMatch(/photos have no download-and-upload alternative/);
		expect(run.error?.description).not.toMatch(/Download and Upload/);
	});
});

describe('items', () => {
	it('Continue On Fail: a refused item becomes an error item, the next one is posted; pairing kept', async () => {
		const run = await runPostPhotos(sandbox, {
			continueOnFail: true,
			items: [{ json: {} }, { json: {} }],
			parameters: (itemIndex) => ({ photoUrls: itemIndex === 0 ? photo('p.png') : photo('a.jpg') }),
		});
		expect(run.error).toBeUndefined();
		expect(run.output).toHaveLength(2);
		expect(run.output![0]).toMatchObject({ json: { error: expect.stringMatching(/is a PNG image/) }, pairedItem: { item: 0 } });
		expect(run.output![1]).toMatchObject({ json: { status: 'PUBLISH_COMPLETE' }, pairedItem: { item: 1 } });
		expect(sandbox.countCalls('/content/init/')).toBe(1);
	});

	it('8 posts in a row are paced below the init limit (6 per window): no 429', async () => {
		const run = await runPostPhotos(sandbox, {
			items: Array.from({ length: 8 }, () => ({ json: {} })),
			parameters: { photoUrls: photo('a.jpg'), waitForResult: false },
		});
		expect(run.error).toBeUndefined();
		expect(run.output).toHaveLength(8);
		expect(sandbox.log.filter((entry) => entry.status === 429)).toEqual([]);
		expect(sandbox.countCalls('/content/init/')).toBe(8);
		// creator_info once per execution
		expect(sandbox.countCalls('/creator_info/query/')).toBe(1);
	});
});
