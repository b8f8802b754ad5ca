/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
import * as http from 'http';
import { AddressInfo } from 'net';
import { startSandbox, makeMp4, Sandbox } from '../sandbox';
import { api, fetchStatus, sha256, sleep, waitForFinal } from './helpers';

const VIDEO_INIT = '/post/publish/video/init/';
const pullInit = (url: string, privacy = 'SELF_ONLY') => ({ post_info: { privacy_level: privacy }, source_info: { source: 'PULL_FROM_URL', video_url: url } });

describe('sandbox PULL_FROM_URL', () => {
	let sandbox: Sandbox;
	let token: string;
	let origin: http.Server;
	let originUrl: string;
	const slowResponses: http.ServerResponse[] = [];

	beforeAll(async () => {
		// A stand-in for the user's media server: redirects, errors, non-video bytes, a slow download.
		origin = http.createServer((req, res) => {
			if (req.url === '/files/redirect.mp4') return void res.writeHead(302, { Location: '/files/video.mp4' }).end();
			if (req.url === '/files/video.mp4') return void res.writeHead(200, { 'Content-Type': 'video/mp4' }).end(makeMp4(5000));
			if (req.url === '/files/text.mp4') return void res.writeHead(200).end('this is not a video at all');
			if (req.url === '/files/slow.mp4') {
				res.writeHead(200, { 'Content-Length': 100000 });
				res.write(makeMp4(100000).subarray(0, 1000));
				slowResponses.push(res);
				return;
			}
			res.writeHead(404).end();
		});
		await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
		originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/files/`;
		sandbox = await startSandbox({ processingMs: 40, verifiedUrlPrefixes: [originUrl], rateLimits: { init: 1000, status: 1000 } });
	});
	afterAll(async () => {
		slowResponses.forEach((r) => r.destroy());
		await sandbox.close();
		origin.closeAllConnections();
		await new Promise((resolve) => origin.close(resolve));
	});
	beforeEach(() => {
		sandbox.reset();
		sandbox.configure({ faults: { pullFails: false }, verifiedUrlPrefixes: [originUrl] });
		token = sandbox.mintToken().access_token;
	});

	const init = (url: string, privacy?: string) => api(sandbox, token, 'POST', VIDEO_INIT, pullInit(url, privacy));

	it('refuses URLs outside the verified prefixes: 403 url_ownership_unverified', async () => {
		for (const url of ['https://cdn.example.com/video.mp4', `${sandbox.mediaBaseUrl}sample.mp4`, `${originUrl.replace('/files/', '/other/')}video.mp4`]) {
			const res = await init(url);
			expect([res.status, res.code]).toEqual([403, 'url_ownership_unverified']);
		}
	});

	it('plain http is only accepted for 127.0.0.1/localhost, never for other hosts even under a prefix', async () => {
		sandbox.configure({ verifiedUrlPrefixes: ['http://media.example.com/', 'https://media.example.com/'] });
		expect((await init('http://media.example.com/v.mp4')).code).toBe('url_ownership_unverified');
		expect((await init('https://media.example.com/v.mp4')).code).toBe('ok');
	});

	it('downloads a verified URL: PROCESSING_DOWNLOAD, then PUBLISH_COMPLETE with the bytes hashed', async () => {
		const res = await init(`${originUrl}video.mp4`, 'PUBLIC_TO_EVERYONE');
		expect(res.code).toBe('ok');
		expect(res.json.data.publish_id).toMatch(/^v_pub_url~v2-1\./);
		expect(res.json.data.upload_url).toBeUndefined();
		expect((await fetchStatus(sandbox, token, res.json.data.publish_id)).json.data.status).toBe('PROCESSING_DOWNLOAD');
		const final = await waitForFinal(sandbox, token, res.json.data.publish_id);
		expect(final.json.data).toMatchObject({ status: 'PUBLISH_COMPLETE', downloaded_bytes: 5000 });
		// the id comes after moderation, not with PUBLISH_COMPLETE
		expect(final.json.data.publicaly_available_post_id).toEqual([]);
		expect(sandbox.publishes.get(res.json.data.publish_id)!.sha256).toBe(sha256(makeMp4(5000)));
	});

	it('pulls from the sandbox\'s own /media/ when that prefix is verified (the demo setup)', async () => {
		sandbox.configure({ verifyOwnMedia: true });
		try {
			const res = await init(`${sandbox.mediaBaseUrl}sample.mp4?bytes=300000&durationSec=12&seed=7`);
			expect((await waitForFinal(sandbox, token, res.json.data.publish_id)).json.data.status).toBe('PUBLISH_COMPLETE');
			expect(sandbox.publishes.get(res.json.data.publish_id)!.sha256).toBe(sha256(makeMp4(300000, { durationSec: 12, seed: 7 })));
		} finally {
			sandbox.configure({ verifyOwnMedia: false });
		}
	});

	it('inbox pull -> SEND_TO_USER_INBOX', async () => {
		const res = await api(sandbox, token, 'POST', '/post/publish/inbox/video/init/', { source_info: { source: 'PULL_FROM_URL', video_url: `${originUrl}video.mp4` } });
		expect(res.json.data.publish_id).toMatch(/^v_inbox_url~v2\./);
		expect((await waitForFinal(sandbox, token, res.json.data.publish_id)).json.data.status).toBe('SEND_TO_USER_INBOX');
	});

	it.each([
		['a redirect (3xx is not followed)', 'redirect.mp4'],
		['a 404', 'missing.mp4'],
	])('%s -> FAILED video_pull_failed', async (_name, file) => {
		const res = await init(`${originUrl}${file}`);
		expect(res.code).toBe('ok');
		expect((await waitForFinal(sandbox, token, res.json.data.publish_id)).json.data).toMatchObject({ status: 'FAILED', fail_reason: 'video_pull_failed' });
	});

	it('an unreachable host -> FAILED video_pull_failed', async () => {
		const closed = http.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		sandbox.configure({ verifiedUrlPrefixes: [`http://127.0.0.1:${port}/`] });
		const res = await init(`http://127.0.0.1:${port}/v.mp4`);
		expect((await waitForFinal(sandbox, token, res.json.data.publish_id)).json.data).toMatchObject({ status: 'FAILED', fail_reason: 'video_pull_failed' });
	});

	it('pulled bytes that are not a video -> FAILED file_format_check_failed', async () => {
		const res = await init(`${originUrl}text.mp4`);
		expect((await waitForFinal(sandbox, token, res.json.data.publish_id)).json.data).toMatchObject({ status: 'FAILED', fail_reason: 'file_format_check_failed' });
	});

	it('faults.pullFails -> FAILED video_pull_failed', async () => {
		sandbox.configure({ faults: { pullFails: true } });
		const res = await init(`${originUrl}video.mp4`);
		expect((await waitForFinal(sandbox, token, res.json.data.publish_id)).json.data).toMatchObject({ status: 'FAILED', fail_reason: 'video_pull_failed' });
	});

	it('cancel during the download -> FAILED publish_cancelled; afterwards not cancellable', async () => {
		const res = await init(`${originUrl}slow.mp4`);
		const publishId = res.json.data.publish_id;
		// the origin sends 1000 bytes and then nothing: wait for those to arrive (an event), not 50 ms
		while (sandbox.publishes.get(publishId)!.bytesReceived < 1000) await sleep(10);
		expect((await fetchStatus(sandbox, token, publishId)).json.data).toMatchObject({ status: 'PROCESSING_DOWNLOAD', downloaded_bytes: 1000 });
		expect((await api(sandbox, token, 'POST', '/post/publish/cancel/', { publish_id: publishId })).code).toBe('ok');
		expect((await fetchStatus(sandbox, token, publishId)).json.data).toMatchObject({ status: 'FAILED', fail_reason: 'publish_cancelled' });
		expect((await api(sandbox, token, 'POST', '/post/publish/cancel/', { publish_id: publishId })).code).toBe('publish_not_cancellable');
	});

	it('photos: every image is downloaded and hashed (then checked: a video and a text are no photos)', async () => {
		const images = [`${originUrl}video.mp4`, `${originUrl}text.mp4`];
		const res = await api(sandbox, token, 'POST', '/post/publish/content/init/', {
			media_type: 'PHOTO',
			post_mode: 'MEDIA_UPLOAD',
			post_info: { title: 'Two', description: 'Photos' },
			source_info: { source: 'PULL_FROM_URL', photo_images: images, photo_cover_index: 0 },
		});
		expect(res.json.data.publish_id).toMatch(/^p_inbox_url~v2\./);
		expect((await waitForFinal(sandbox, token, res.json.data.publish_id)).json.data).toMatchObject({ status: 'FAILED', fail_reason: 'file_format_check_failed' });
		expect(sandbox.publishes.get(res.json.data.publish_id)!.images!.map((i) => i.sha256)).toEqual([sha256(makeMp4(5000)), sha256(Buffer.from('this is not a video at all'))]);
	});
});
