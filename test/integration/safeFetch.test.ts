/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * The fetch limits (issue 21) through n8n-core's real request path against the sandbox's media
 * server modes: a server that stalls after its headers or mid-file, one whose headers come late, a
 * download that outlives its deadline; and the MP4 checks that read a header at the end of the file
 * (ranged GETs, binary in memory, filesystem and database mode). Limits are scaled down with
 * setFetchLimitsForTests; the watchdog's timing itself is unit-tested with a controlled clock
 * (test/unit/fetchGuard.test.ts).
 */
import { setFetchLimitsForTests } from '../../nodes/TikTok/core/media/fetchLimits';
import { binaryItemFromBuffer, binaryItemFromGenerator } from '../helpers';
import { makeMp4, mp4Range, type Sandbox } from '../sandbox';
import { initCalls, resetSandbox, runNode, startTestSandbox } from './fixture';
import { runPostPhotos, tikTokCalls } from './photoFixture';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(async () => {
	setFetchLimitsForTests(undefined);
	await sandbox.close();
});
beforeEach(() => {
	resetSandbox(sandbox);
	setFetchLimitsForTests({ videoDownload: { idleTimeoutMs: 300, connectTimeoutMs: 2000 } });
});

const host = () => new URL(sandbox.baseUrl).host;
const mediaUrl = (query: string) => `${sandbox.mediaBaseUrl}clip.mp4?${query}`;
const download = (videoUrl: string, extra: Record<string, unknown> = {}) => ({ source: 'url', uploadMethod: 'download', videoUrl, ...extra });
const publishes = () => [...sandbox.publishes.values()];

describe('a download that stalls', () => {
	it('after its headers, before init: fails with the host, what stalled and how long; nothing sent to TikTok', async () => {
		const run = await runNode('upload', sandbox, { parameters: download(mediaUrl('bytes=2000000&stallAfterBytes=1000')) });
		expect(run.error?.message).toBe(`The server at "${host()}" stopped sending the video: no byte for 0.3 s after 1,000 bytes of 2,000,000 bytes`);
		expect(run.error?.description).toBe('Nothing was sent to TikTok.');
		expect(initCalls(sandbox)).toBe(0);
	});

	it('mid-file, during the upload: the upload stops, TikTok has no complete upload, nothing is posted', async () => {
		const size = 12_000_000;
		const run = await runNode('publish', sandbox, {
			parameters: download(mediaUrl(`bytes=${size}&stallAfterBytes=7000000`), { privacyLevel: 'SELF_ONLY', options: { chunkSizeMb: 6 } }),
		});
		expect(run.error?.message).toBe(
			`The upload to TikTok stopped at chunk 2 after 6000000 of ${size} bytes were accepted: The server at "${host()}" stopped sending the video: no byte for 0.3 s after 7,000,000 bytes of 12,000,000 bytes`,
		);
		expect(run.error?.description).toMatch(/^TikTok does not publish an incomplete upload, so nothing was posted\./);
		const [record] = publishes();
		expect(publishes()).toHaveLength(1);
		expect(record.bytesReceived).toBe(6_000_000);
		expect(record.status).toBe('PROCESSING_UPLOAD');
		expect(record.postIds ?? []).toEqual([]);
	});

	it('headers that never come: the connect limit names the host', async () => {
		setFetchLimitsForTests({ videoDownload: { connectTimeoutMs: 300 } });
		const run = await runNode('upload', sandbox, { parameters: download(mediaUrl('bytes=2000000&headerDelayMs=5000')) });
		expect(run.error?.message).toBe(`The server at "${host()}" did not answer within 0.3 s (connecting and waiting for the response headers of the video)`);
		expect(initCalls(sandbox)).toBe(0);
	});

	it('a download over its deadline ends with what was received', async () => {
		setFetchLimitsForTests({ videoDownload: { idleTimeoutMs: 60_000, deadlineMs: 400 } });
		const run = await runNode('upload', sandbox, { parameters: download(mediaUrl('bytes=2000000&stallAfterBytes=500')) });
		expect(run.error?.message).toBe(`Fetching the video from "${host()}" took longer than 0.4 s (500 bytes of 2,000,000 bytes received)`);
	});

	it('a cancelled execution stops a stalled download at once', async () => {
		setFetchLimitsForTests({ videoDownload: { idleTimeoutMs: 60_000 } });
		const cancel = new AbortController();
		const running = runNode('upload', sandbox, { parameters: download(mediaUrl('bytes=2000000&stallAfterBytes=500')), abortSignal: cancel.signal });
		await new Promise((resolve) => setTimeout(resolve, 200));
		cancel.abort();
		const run = await running;
		expect(run.error?.message).toMatch(/cancelled/);
		expect(initCalls(sandbox)).toBe(0);
	});
});

describe('a photo server that stalls', () => {
	it('after the headers of the head read: the photo is reported with the host and how long, before any call to TikTok', async () => {
		setFetchLimitsForTests({ photoHead: { idleTimeoutMs: 300 } });
		const url = `${sandbox.mediaBaseUrl}p.jpg?w=1080&h=1350&bytes=200000&stallAfterBytes=500`;
		const run = await runPostPhotos(sandbox, { parameters: { postMode: 'inbox', photoUrls: url, coverIndex: 0 } });
		expect(run.error?.message).toBe(
			`Photo 1 of 1 (${url.split('?')[0]}) could not be read (The server at "${host()}" stopped sending the photo: no byte for 0.3 s after 500 bytes). TikTok would fail the post with photo_pull_failed: check that the URL is public and reachable.`,
		);
		expect(tikTokCalls(sandbox)).toEqual([]);
	});
});

describe('a header at the end of the file (moov after mdat), refused before init', () => {
	const spec = { moovAtEnd: true, width: 5000, height: 2800, durationSec: 10, seed: 'end' };
	const bytes = 3_000_000;
	const refused = /^The video is 5000 × 2800 pixels: its width of 5000 px is over 4096\./;

	it('from a URL: two ranged reads of the same URL', async () => {
		const query = `bytes=${bytes}&moovAtEnd=1&width=5000&height=2800&durationSec=10&seed=end`;
		const run = await runNode('upload', sandbox, { parameters: download(mediaUrl(query)) });
		expect(run.error?.message).toMatch(refused);
		expect(run.error?.description).toMatch(/Nothing was sent to TikTok\.$/);
		expect(initCalls(sandbox)).toBe(0);
		const ranges = sandbox.log.filter((e) => e.path === '/media/clip.mp4' && e.range).map((e) => [e.range, e.status]);
		expect(ranges).toHaveLength(2);
		expect(ranges.every(([, status]) => status === 206)).toBe(true);
	});

	it.each(['memory', 'stream', 'database'] as const)('from binary data (%s)', async (mode) => {
		const run = await runNode('upload', sandbox, { items: [binaryItemFromBuffer(makeMp4(bytes, spec), { mode, fileName: 'end.mp4' })] });
		expect(run.error?.message).toMatch(refused);
		expect(initCalls(sandbox)).toBe(0);
	});

	it('a filesystem binary of 300 MB is read forward to its end, one piece at a time', async () => {
		const big = 300_000_000;
		const item = binaryItemFromGenerator(big, (offset, length) => Buffer.concat([...mp4Range(big, spec, offset, offset + length - 1)]), { fileName: 'big.mp4' });
		const run = await runNode('upload', sandbox, { items: [item] });
		expect(run.error?.message).toMatch(refused);
	});

	it('a server that ignores Range: goes on, and videoChecks says why it could not be checked', async () => {
		const query = `bytes=${bytes}&moovAtEnd=1&range=ignore&seed=ok`;
		const run = await runNode('upload', sandbox, { parameters: download(mediaUrl(query)) });
		expect(run.error).toBeUndefined();
		const checks = run.output![0].json.videoChecks as { checked: boolean; note: string };
		expect(checks.checked).toBe(false);
		expect(checks.note).toMatch(/at the end of this file and could not be read before the upload \(the server at ".*" answered HTTP 200 to a Range request/);
	});

	it('a good video with its header at the end goes through, checked', async () => {
		const run = await runNode('upload', sandbox, { items: [binaryItemFromBuffer(makeMp4(bytes, { ...spec, width: 1080, height: 1920 }), { mode: 'stream', fileName: 'ok.mp4' })] });
		expect(run.error).toBeUndefined();
		expect(run.output![0].json.videoChecks).toMatchObject({ checked: true, headerAt: 'end', width: 1080, height: 1920, durationSec: 10 });
	});
});
