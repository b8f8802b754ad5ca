/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * The sandbox's /media/ serving modes that the node's fetch limits are tested against (serving.js):
 * HTTP Range on generated MP4s (a header at the end of the file read with a ranged GET), range=ignore,
 * headerDelayMs (headers sent late) and stallAfterBytes (headers and N bytes, then silence).
 */
import * as http from 'http';

import { makeMp4, mp4Range, readVideoInfo, startSandbox, type Sandbox } from '../sandbox';

/** Raw GET: the status, headers and bytes received, plus when each arrived (ms after the request). */
function rawGet(url: string, headers: Record<string, string> = {}, giveUpAfterMs = 2000) {
	return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; headersAtMs: number; ended: boolean }>((resolve, reject) => {
		const started = Date.now();
		const req = http.get(url, { headers }, (res) => {
			const pieces: Buffer[] = [];
			const headersAtMs = Date.now() - started;
			const finish = (ended: boolean) => {
				clearTimeout(timer);
				req.destroy();
				resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(pieces), headersAtMs, ended });
			};
			const timer = setTimeout(() => finish(false), giveUpAfterMs);
			res.on('data', (piece: Buffer) => pieces.push(piece));
			res.on('end', () => finish(true));
		});
		req.setTimeout(giveUpAfterMs + 5000, () => req.destroy(new Error('no answer')));
		req.on('error', reject);
	});
}

describe('sandbox /media/ MP4 serving modes', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => await sandbox.close());

	const url = (query: string) => `${sandbox.mediaBaseUrl}v.mp4?${query}`;

	it('mp4Range gives the same bytes as the whole file, anywhere in it', () => {
		const opts = { moovAtEnd: true, seed: 'r', width: 5000, height: 2800 };
		const whole = makeMp4(3_000_017, opts);
		for (const [start, end] of [
			[0, 3_000_016],
			[5, 40],
			[1_048_570, 2_097_160],
			[2_999_000, 3_000_016],
		]) {
			expect(Buffer.concat([...mp4Range(3_000_017, opts, start, end)]).equals(whole.subarray(start, end + 1))).toBe(true);
		}
	});

	it('a ranged GET of the end of a moov-at-end file holds its header (5000 px wide)', async () => {
		const query = 'bytes=3000000&moovAtEnd=1&width=5000&height=2800&seed=m';
		const whole = makeMp4(3_000_000, { moovAtEnd: true, width: 5000, height: 2800, seed: 'm' });
		const tail = await rawGet(url(query), { Range: 'bytes=-4096' });
		expect([tail.status, tail.headers['content-range'], tail.headers['accept-ranges'], tail.body.length]).toEqual([206, 'bytes 2995904-2999999/3000000', 'bytes', 4096]);
		expect(tail.body.equals(whole.subarray(-4096))).toBe(true);
		const moovAt = tail.body.indexOf('moov') - 4;
		expect(readVideoInfo(tail.body.subarray(moovAt))).toMatchObject({ width: 5000, height: 2800 });
		expect(sandbox.log.at(-1)).toMatchObject({ path: '/media/v.mp4', range: 'bytes=-4096', status: 206 });
	});

	it('past the end is 416; range=ignore answers 200 with the whole file and no Accept-Ranges', async () => {
		const past = await rawGet(url('bytes=1000'), { Range: 'bytes=1000-2000' });
		expect([past.status, past.headers['content-range']]).toEqual([416, 'bytes */1000']);
		const ignored = await rawGet(url('bytes=50000&range=ignore'), { Range: 'bytes=0-99' });
		expect([ignored.status, ignored.headers['content-length'], ignored.headers['accept-ranges'], ignored.body.length]).toEqual([200, '50000', undefined, 50000]);
	});

	it('stallAfterBytes: headers and N bytes, then nothing while the connection stays open', async () => {
		const stalled = await rawGet(url('bytes=200000&stallAfterBytes=1000'), {}, 800);
		expect([stalled.status, stalled.headers['content-length'], stalled.body.length, stalled.ended]).toEqual([200, '200000', 1000, false]);
		const headersOnly = await rawGet(url('bytes=200000&stallAfterBytes=0'), {}, 500);
		expect([headersOnly.status, headersOnly.body.length, headersOnly.ended]).toEqual([200, 0, false]);
		const rangedStall = await rawGet(url('bytes=200000&stallAfterBytes=10'), { Range: 'bytes=100-199' }, 500);
		expect([rangedStall.status, rangedStall.body.length, rangedStall.ended]).toEqual([206, 10, false]);
	});

	it('headerDelayMs: the headers come that late', async () => {
		const late = await rawGet(url('bytes=1000&headerDelayMs=300'));
		expect(late.status).toBe(200);
		expect(late.headersAtMs).toBeGreaterThanOrEqual(290);
		expect(late.body.length).toBe(1000);
	});

	it('images take the same modes', async () => {
		const stalled = await rawGet(`${sandbox.mediaBaseUrl}p.jpg?bytes=100000&stallAfterBytes=500`, { Range: 'bytes=0-65535' }, 500);
		expect([stalled.status, stalled.body.length, stalled.ended]).toEqual([206, 500, false]);
	});
});
