/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * The sandbox's photo behaviour: generated JPEG/WebP images on /media/ with HTTP Range, and
 * content/init + pull with TikTok's photo rules (verified prefixes, JPEG/WebP only, short side at most
 * 1080 px, 20 MB), inbox photos, status, cancel, and the photo faults.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { inspectImage, makeImage, startSandbox, type ImageSpec, type Sandbox } from '../sandbox';
import { api, fetchStatus, sha256, waitForFinal } from './helpers';

const CONTENT_INIT = '/post/publish/content/init/';

const hasFile = (() => {
	try {
		execFileSync('file', ['--version'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
})();

describe('sandbox images', () => {
	const specs: Array<[string, ImageSpec, string]> = [
		['baseline JPEG', { format: 'jpeg', width: 1086, height: 1448 }, 'jpeg'],
		['extended JPEG (SOF1)', { format: 'jpeg', width: 640, height: 480, sof: 1 }, 'jpeg'],
		['progressive JPEG (SOF2)', { format: 'jpeg', width: 941, height: 1672, sof: 2 }, 'jpeg'],
		['JPEG with a 150 KB EXIF block before the frame header', { format: 'jpeg', width: 1080, height: 1920, exifBytes: 150_000 }, 'jpeg'],
		['lossy WebP (VP8)', { format: 'webp', width: 1080, height: 1350 }, 'webp'],
		['lossless WebP (VP8L)', { format: 'webp', width: 1200, height: 1201, webp: 'vp8l' }, 'webp'],
		['extended WebP (VP8X)', { format: 'webp', width: 3000, height: 2000, webp: 'vp8x' }, 'webp'],
		['PNG', { format: 'png', width: 800, height: 600 }, 'png'],
		['GIF', { format: 'gif', width: 320, height: 200 }, 'gif'],
	];

	it.each(specs)('%s: the sandbox reads back its format and pixels', (_name, spec, format) => {
		const image = makeImage({ ...spec, bytes: 300_000 });
		expect(image).toHaveLength(300_000);
		expect(inspectImage(image)).toMatchObject({ format, width: spec.width, height: spec.height });
	});

	(hasFile ? it : it.skip)('file(1) reads the same formats and pixels from the generated images', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiktok-images-'));
		try {
			for (const [name, spec] of specs) {
				if (spec.exifBytes) continue; // file(1) gives up on long EXIF blocks
				const file = path.join(dir, `${name.replace(/\W+/g, '_')}.bin`);
				fs.writeFileSync(file, makeImage({ ...spec, bytes: 20_000 }));
				const said = execFileSync('file', ['-b', file], { encoding: 'utf8' });
				const kind = { jpeg: 'JPEG image data', webp: 'Web/P image', png: 'PNG image data', gif: 'GIF image data' }[spec.format];
				expect({ name, kind: said.includes(kind) }).toEqual({ name, kind: true });
				// file(1) 5.x prints no pixels for lossless or extended WebP
				if (spec.format === 'webp' && spec.webp && spec.webp !== 'vp8') continue;
				expect({ name, pixels: new RegExp(`\\b${spec.width} ?x ?${spec.height}\\b`).test(said) }).toEqual({ name, pixels: true });
			}
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('the head of an image cut short holds no pixels (a frame header outside the head)', () => {
		const image = makeImage({ format: 'jpeg', width: 1000, height: 1000, exifBytes: 100_000 });
		expect(inspectImage(image.subarray(0, 65536))).toEqual({ format: 'jpeg', width: null, height: null });
		expect(inspectImage(Buffer.from('<!doctype html><html>'))).toEqual({ format: null, width: null, height: null });
	});
});

describe('sandbox /media/ images over HTTP (Range)', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => await sandbox.close());

	const get = (name: string, headers: Record<string, string> = {}, method = 'GET') => fetch(`${sandbox.mediaBaseUrl}${name}`, { method, headers });

	it('a ranged GET answers 206 with the bytes asked for and the total size', async () => {
		const res = await get('p.jpg?w=1086&h=1448&bytes=200000&seed=3', { Range: 'bytes=0-65535' });
		expect(res.status).toBe(206);
		expect(res.headers.get('content-range')).toBe('bytes 0-65535/200000');
		expect(res.headers.get('content-type')).toBe('image/jpeg');
		expect(res.headers.get('accept-ranges')).toBe('bytes');
		const body = Buffer.from(await res.arrayBuffer());
		expect(body).toEqual(makeImage({ format: 'jpeg', width: 1086, height: 1448, bytes: 200_000, seed: 3 }).subarray(0, 65536));
		expect(sandbox.log.at(-1)).toMatchObject({ path: '/media/p.jpg', range: 'bytes=0-65535', status: 206 });
	});

	it('ranges are clamped to the file, suffix ranges work, and past the end is 416', async () => {
		const small = await get('p.webp?bytes=5000', { Range: 'bytes=0-65535' });
		expect([small.status, small.headers.get('content-range'), (await small.arrayBuffer()).byteLength]).toEqual([206, 'bytes 0-4999/5000', 5000]);
		const suffix = await get('p.webp?bytes=5000', { Range: 'bytes=-100' });
		expect([suffix.status, suffix.headers.get('content-range')]).toEqual([206, 'bytes 4900-4999/5000']);
		await suffix.arrayBuffer();
		const past = await get('p.webp?bytes=5000', { Range: 'bytes=6000-7000' });
		expect([past.status, past.headers.get('content-range')]).toEqual([416, 'bytes */5000']);
	});

	it('without a Range header the whole image comes with its Content-Length', async () => {
		const res = await get('p.png?w=10&h=10&bytes=3000');
		expect([res.status, res.headers.get('content-length'), res.headers.get('content-type')]).toEqual([200, '3000', 'image/png']);
		expect(Buffer.from(await res.arrayBuffer())).toEqual(makeImage({ format: 'png', width: 10, height: 10, bytes: 3000 }));
	});

	it('range=ignore: a server that ignores Range answers 200 with the whole file', async () => {
		const res = await get('p.jpg?bytes=150000&range=ignore', { Range: 'bytes=0-65535' });
		expect([res.status, res.headers.get('content-length'), res.headers.get('accept-ranges')]).toEqual([200, '150000', null]);
		expect((await res.arrayBuffer()).byteLength).toBe(150_000);
	});

	it('size=hidden: no Content-Length, and the range answer does not state the total', async () => {
		const ranged = await get('p.jpg?bytes=150000&size=hidden', { Range: 'bytes=0-65535' });
		expect([ranged.status, ranged.headers.get('content-range')]).toEqual([206, 'bytes 0-65535/*']);
		await ranged.arrayBuffer();
		const whole = await get('p.jpg?bytes=150000&size=hidden&range=ignore');
		expect([whole.status, whole.headers.get('content-length'), whole.headers.get('transfer-encoding')]).toEqual([200, null, 'chunked']);
		expect((await whole.arrayBuffer()).byteLength).toBe(150_000);
	});

	it('format= serves other bytes than the extension says (a PNG behind a .jpg URL)', async () => {
		const res = await get('p.jpg?format=png&w=500&h=500', { Range: 'bytes=0-65535' });
		expect(res.headers.get('content-type')).toBe('image/png');
		expect(inspectImage(Buffer.from(await res.arrayBuffer()))).toMatchObject({ format: 'png', width: 500, height: 500 });
	});

	it('stallMs holds back the last byte of a whole-file GET; ranged GETs are not delayed', async () => {
		// A 10-minute stall: a ranged GET that completes was not held (jest's test timeout would end it
		// first), and the whole-file GET is seen stopped one byte short with its response still open.
		const ranged = await get('p.jpg?bytes=80000&stallMs=600000', { Range: 'bytes=0-65535' });
		expect((await ranged.arrayBuffer()).byteLength).toBe(65_536);
		const whole = await get('p.jpg?bytes=80000&stallMs=600000');
		const reader = whole.body!.getReader();
		let received = 0;
		while (received < 79_999) received += (await reader.read()).value!.length;
		expect(received).toBe(79_999);
		expect(sandbox.log.at(-1)).toMatchObject({ method: 'GET', path: '/media/p.jpg', status: null });
		await reader.cancel();
		// once the stall is over the last byte comes
		const short = await get('p.jpg?bytes=80000&stallMs=50');
		expect((await short.arrayBuffer()).byteLength).toBe(80_000);
	});

	it('HEAD and invalid specs', async () => {
		const head = await get('p.webp?bytes=9000', {}, 'HEAD');
		expect([head.status, head.headers.get('content-length')]).toEqual([200, '9000']);
		for (const bad of ['p.jpg?w=0', 'p.jpg?sof=5', 'p.webp?webp=vp9', 'p.bmp', 'p.jpg?bytes=-1', 'p.webp?w=20000']) {
			expect({ bad, status: (await get(bad)).status }).toEqual({ bad, status: 404 });
		}
	});
});

describe('sandbox photo posts (content/init + pull)', () => {
	let sandbox: Sandbox;
	let token: string;
	let media: string;

	beforeAll(async () => {
		// moderation instant: this suite checks the photo rules, post ids are checked elsewhere
		sandbox = await startSandbox({ processingMs: 30, postIdDelayMs: 0, rateLimits: { init: 1000, status: 1000 } });
		media = sandbox.mediaBaseUrl;
	});
	afterAll(async () => await sandbox.close());
	beforeEach(() => {
		sandbox.reset();
		sandbox.configure({ verifiedUrlPrefixes: [media], faults: { pullFails: false, appVersionTooOld: false, pendingShares: null, failReason: null }, account: { private: false } });
		token = sandbox.mintToken().access_token;
	});

	const direct = (images: string[], postInfo: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
		media_type: 'PHOTO',
		post_mode: 'DIRECT_POST',
		post_info: { privacy_level: 'PUBLIC_TO_EVERYONE', title: 'New', description: 'In the shop', brand_content_toggle: false, brand_organic_toggle: false, ...postInfo },
		source_info: { source: 'PULL_FROM_URL', photo_images: images, photo_cover_index: 0 },
		...extra,
	});
	const draft = (images: string[]) => ({
		media_type: 'PHOTO',
		post_mode: 'MEDIA_UPLOAD',
		post_info: { title: 'Draft', description: 'For later' },
		source_info: { source: 'PULL_FROM_URL', photo_images: images, photo_cover_index: 0 },
	});
	const init = (body: unknown) => api(sandbox, token, 'POST', CONTENT_INIT, body);
	async function finalOf(body: unknown) {
		const res = await init(body);
		expect(res.code).toBe('ok');
		return { publishId: res.json.data.publish_id as string, final: (await waitForFinal(sandbox, token, res.json.data.publish_id)).json.data };
	}

	it('direct post of JPEG and WebP photos: PUBLISH_COMPLETE with a post id; each photo read and hashed', async () => {
		const urls = [`${media}a.jpg?w=1080&h=1350&bytes=120000`, `${media}b.webp?w=941&h=1672&webp=vp8x`, `${media}c.jpg?w=480&h=640&sof=2`];
		const { publishId, final } = await finalOf(direct(urls));
		expect(publishId).toMatch(/^p_pub_url~v2\./);
		expect(final.status).toBe('PUBLISH_COMPLETE');
		expect(final.publicaly_available_post_id).toHaveLength(1);
		const record = sandbox.publishes.get(publishId)!;
		expect(record.images!.map((i) => [i.format, i.width, i.height])).toEqual([['jpeg', 1080, 1350], ['webp', 941, 1672], ['jpeg', 480, 640]]);
		expect(record.images![0].sha256).toBe(sha256(makeImage({ format: 'jpeg', width: 1080, height: 1350, bytes: 120_000 })));
		expect(record.bytesReceived).toBe(record.images!.reduce((sum, i) => sum + i.bytes, 0));
	});

	it('Only Me photo posts never get a public post id', async () => {
		const { final } = await finalOf(direct([`${media}a.jpg`], { privacy_level: 'SELF_ONLY' }));
		expect(final).toMatchObject({ status: 'PUBLISH_COMPLETE', publicaly_available_post_id: [] });
	});

	it('drafts (MEDIA_UPLOAD) end SEND_TO_USER_INBOX; only title and description are kept', async () => {
		const { publishId, final } = await finalOf(draft([`${media}a.jpg`, `${media}b.webp`]));
		expect(publishId).toMatch(/^p_inbox_url~v2\./);
		expect(final.status).toBe('SEND_TO_USER_INBOX');
		expect(sandbox.publishes.get(publishId)).toMatchObject({ mode: 'inbox', mediaType: 'PHOTO' });
	});

	it('one photo 6 px over 1080 on its short side fails the whole post: picture_size_check_failed (G10)', async () => {
		const { publishId, final } = await finalOf(direct([`${media}a.jpg?w=941&h=1672`, `${media}b.jpg?w=1086&h=1448`, `${media}c.webp`]));
		expect(final).toMatchObject({ status: 'FAILED', fail_reason: 'picture_size_check_failed' });
		expect(sandbox.publishes.get(publishId)!.images!.map((i) => i.width)).toEqual([941, 1086, 1080]);
	});

	it.each([
		['a PNG', 'p.png'],
		['a PNG behind a .jpg URL', 'p.jpg?format=png'],
		['a GIF', 'p.gif'],
		['a video', 'v.mp4?bytes=5000'],
	])('%s fails file_format_check_failed', async (_name, file) => {
		const { final } = await finalOf(direct([`${media}ok.jpg`, `${media}${file}`]));
		expect(final).toMatchObject({ status: 'FAILED', fail_reason: 'file_format_check_failed' });
	});

	it('a photo over 20,000,000 bytes and a 404 fail photo_pull_failed', async () => {
		for (const url of [`${media}big.jpg?bytes=20000001`, `${media}missing.bmp`]) {
			const { final } = await finalOf(direct([url]));
			expect({ url, final }).toMatchObject({ url, final: { status: 'FAILED', fail_reason: 'photo_pull_failed' } });
		}
		const { final } = await finalOf(direct([`${media}ok.jpg?bytes=20000000`]));
		expect(final.status).toBe('PUBLISH_COMPLETE');
	});

	it('photo URLs outside the verified prefixes: 403 url_ownership_unverified, nothing created', async () => {
		sandbox.configure({ verifiedUrlPrefixes: [`${media}shop/`] });
		const res = await init(direct([`${media}shop/a.jpg`, `${media}other/b.jpg`]));
		expect([res.status, res.code]).toEqual([403, 'url_ownership_unverified']);
		expect(sandbox.publishes.size).toBe(0);
	});

	it('direct photo posts need both brand flags and a boolean is_aigc', async () => {
		const noBrand = direct([`${media}a.jpg`]);
		delete (noBrand.post_info as Record<string, unknown>).brand_organic_toggle;
		expect((await init(noBrand)).code).toBe('invalid_param');
		expect((await init(direct([`${media}a.jpg`], {}, { is_aigc: 'yes' }))).code).toBe('invalid_param');
		expect((await init(direct([`${media}a.jpg`], { privacy_level: 'SELF_ONLY', brand_content_toggle: true }))).code).toBe('invalid_param');
		const ok = await init(direct([`${media}a.jpg`], {}, { is_aigc: true }));
		expect(ok.code).toBe('ok');
		expect(sandbox.publishes.get(ok.json.data.publish_id)!.initBody.is_aigc).toBe(true);
	});

	it('cancel while a photo is still being pulled: FAILED publish_cancelled, then publish_not_cancellable', async () => {
		// the second photo's last byte is held for 10 minutes: the pull cannot end before the cancel
		const res = await init(direct([`${media}a.jpg`, `${media}slow.jpg?bytes=90000&stallMs=600000`]));
		const publishId = res.json.data.publish_id;
		expect((await fetchStatus(sandbox, token, publishId)).json.data.status).toBe('PROCESSING_DOWNLOAD');
		expect((await api(sandbox, token, 'POST', '/post/publish/cancel/', { publish_id: publishId })).code).toBe('ok');
		expect((await fetchStatus(sandbox, token, publishId)).json.data).toMatchObject({ status: 'FAILED', fail_reason: 'publish_cancelled' });
		expect((await api(sandbox, token, 'POST', '/post/publish/cancel/', { publish_id: publishId })).code).toBe('publish_not_cancellable');
	});

	it('faults.pullFails: photo_pull_failed', async () => {
		sandbox.configure({ faults: { pullFails: true } });
		const { final } = await finalOf(draft([`${media}a.jpg`]));
		expect(final).toMatchObject({ status: 'FAILED', fail_reason: 'photo_pull_failed' });
	});

	it('faults.appVersionTooOld: drafts answer 400 app_version_check_failed, direct posts are not affected', async () => {
		sandbox.configure({ faults: { appVersionTooOld: true } });
		const res = await init(draft([`${media}a.jpg`]));
		expect([res.status, res.code]).toEqual([400, 'app_version_check_failed']);
		expect((await init(direct([`${media}a.jpg`]))).code).toBe('ok');
	});

	it('faults.pendingShares: inbox shares beyond the limit answer 403 spam_risk_too_many_pending_share (photos and videos)', async () => {
		sandbox.configure({ faults: { pendingShares: { limit: 2 } } });
		expect((await init(draft([`${media}a.jpg`]))).code).toBe('ok');
		expect((await init(draft([`${media}b.jpg`]))).code).toBe('ok');
		const refused = await init(draft([`${media}c.jpg`]));
		expect([refused.status, refused.code]).toEqual([403, 'spam_risk_too_many_pending_share']);
		const video = await api(sandbox, token, 'POST', '/post/publish/inbox/video/init/', { source_info: { source: 'PULL_FROM_URL', video_url: `${media}v.mp4` } });
		expect(video.code).toBe('spam_risk_too_many_pending_share');
		// another user has its own inbox; direct posts are not shares
		const other = sandbox.mintToken({ openId: 'another-user' }).access_token;
		expect((await api(sandbox, other, 'POST', CONTENT_INIT, draft([`${media}a.jpg`]))).code).toBe('ok');
		expect((await init(direct([`${media}a.jpg`]))).code).toBe('ok');
	});

	it('content/init shares the init rate limit (6 per window)', async () => {
		const limited = await startSandbox({ rateLimits: { windowMs: 60_000 }, verifyOwnMedia: true });
		try {
			const t = limited.mintToken().access_token;
			const body = draft([`${limited.mediaBaseUrl}a.jpg`]);
			for (let i = 0; i < 6; i++) expect((await api(limited, t, 'POST', CONTENT_INIT, body)).code).toBe('ok');
			const refused = await api(limited, t, 'POST', CONTENT_INIT, body);
			expect([refused.status, refused.code]).toEqual([429, 'rate_limit_exceeded']);
		} finally {
			await limited.close();
		}
	});
});
