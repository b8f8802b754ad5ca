/** The verdict on one photo's head (photoVerdict.ts), on images generated at test time. */
import { judgePhoto, MAX_PHOTO_BYTES, statedTotalBytes, type PhotoHeadFetch } from '../../nodes/TikTok/core/photo/photoVerdict';
import { makeImage } from '../sandbox';

const head = (spec: Parameters<typeof makeImage>[0]) => makeImage(spec).subarray(0, 65_536);

describe('statedTotalBytes', () => {
	it.each([
		[206, { contentRange: 'bytes 0-65535/200000' }, 200000],
		[206, { contentRange: 'bytes 0-65535/*' }, undefined],
		[206, {}, undefined],
		[200, { contentLength: '150000' }, 150000],
		[200, { contentLength: '150000', contentEncoding: 'gzip' }, undefined],
		[200, { contentLength: '150000', contentEncoding: 'identity' }, 150000],
		[200, {}, undefined],
		[200, { contentLength: 'abc' }, undefined],
	])('%i %j -> %p', (status, headers, total) => {
		expect(statedTotalBytes(status, headers)).toBe(total);
	});
});

describe('judgePhoto', () => {
	const url = 'https://media.example.com/p.jpg?token=abc';
	const answer = (h: Buffer, totalBytes?: number, status = 206): PhotoHeadFetch => ({ kind: 'answer', status, head: h, totalBytes });

	it('a JPEG of 1080 x 1350 under 20 MB passes with no warning', () => {
		expect(judgePhoto(1, 3, url, answer(head({ format: 'jpeg', width: 1080, height: 1350 }), 300_000))).toEqual({
			check: { position: 1, format: 'jpeg', width: 1080, height: 1350, bytes: 300_000 },
			warnings: [],
		});
	});

	it('G10: 1086 x 1448 is refused, naming the photo; 941 x 1672 passes', () => {
		const refused = judgePhoto(2, 3, url, answer(head({ format: 'jpeg', width: 1086, height: 1448 }), 300_000));
		expect(refused.problem).toBe(
			"Photo 2 of 3 (https://media.example.com/p.jpg) is 1086 × 1448 px: its short side (1086 px) is over TikTok's limit of 1080 px, and one such photo fails the whole post (picture_size_check_failed). Resize it so its short side is at most 1080 px.",
		);
		expect(judgePhoto(2, 3, url, answer(head({ format: 'webp', width: 941, height: 1672, webp: 'vp8x' }), 300_000)).problem).toBeUndefined();
	});

	it.each([
		['png', 'a PNG image'],
		['gif', 'a GIF image'],
	] as const)('%s is refused: only JPEG or WebP', (format, name) => {
		expect(judgePhoto(3, 3, url, answer(head({ format, width: 100, height: 100 }), 5000)).problem).toBe(
			`Photo 3 of 3 (https://media.example.com/p.jpg) is ${name}. TikTok accepts only JPEG or WebP photos (file_format_check_failed otherwise): convert it to JPEG or WebP.`,
		);
	});

	it('an HTML page (a login wall) is refused as a web page', () => {
		expect(judgePhoto(1, 1, url, answer(Buffer.from('<!doctype html><title>Login</title>'), 500, 200)).problem).toMatch(/is a web page \(HTML\), not an image/);
	});

	it('over 20,000,000 bytes when the server states it; exactly 20,000,000 passes', () => {
		const h = head({ format: 'jpeg', width: 1000, height: 1000 });
		expect(judgePhoto(1, 1, url, answer(h, MAX_PHOTO_BYTES + 1)).problem).toMatch(/is 20,000,001 bytes, over TikTok's limit of 20 MB \(20,000,000 bytes\)/);
		expect(judgePhoto(1, 1, url, answer(h, MAX_PHOTO_BYTES)).problem).toBeUndefined();
	});

	it('no stated size and no range support: goes on, and says so', () => {
		const verdict = judgePhoto(1, 2, url, answer(head({ format: 'jpeg', width: 800, height: 800 }), undefined, 200));
		expect(verdict.problem).toBeUndefined();
		expect(verdict.warnings).toEqual([
			'Photo 1 of 2 (https://media.example.com/p.jpg): the server does not answer Range requests (it started sending the whole file); the node read the first 65,536 bytes at most and stopped.',
			'Photo 1 of 2 (https://media.example.com/p.jpg): the server did not state the file size, so the 20 MB limit was not checked; TikTok checks it.',
		]);
	});

	it('pixels beyond the head: goes on, and says so', () => {
		const verdict = judgePhoto(1, 1, url, answer(head({ format: 'jpeg', width: 3000, height: 3000, exifBytes: 70_000 }), 500_000));
		expect(verdict.problem).toBeUndefined();
		expect(verdict.warnings[0]).toMatch(/size in pixels is not in its first 65,536 bytes/);
	});

	it.each([
		[{ kind: 'http_error', status: 301, location: 'https://cdn.example.com/p.jpg?x=1' }, /HTTP 301 \(a redirect to https:\/\/cdn.example.com\/p.jpg\). TikTok does not follow redirects/],
		[{ kind: 'http_error', status: 403 }, /HTTP 403: the photo needs a login or the link has expired/],
		[{ kind: 'http_error', status: 404 }, /HTTP 404: there is no photo at this URL/],
		[{ kind: 'http_error', status: 416 }, /the file is empty/],
		[{ kind: 'http_error', status: 503 }, /HTTP 503, so TikTok would fail the post with photo_pull_failed/],
		[{ kind: 'network_error', message: 'getaddrinfo ENOTFOUND media.example.com' }, /could not be read \(getaddrinfo ENOTFOUND media.example.com\)/],
		[{ kind: 'answer', status: 200, head: Buffer.alloc(0), totalBytes: 0 }, /is empty \(0 bytes\)/],
	] as Array<[PhotoHeadFetch, RegExp]>)('%j is refused', (fetched, message) => {
		const verdict = judgePhoto(4, 5, url, fetched);
		expect(verdict.problem).toMatch(/^Photo 4 of 5 \(https:\/\/media.example.com\/p.jpg\)/);
		expect(verdict.problem).toMatch(message);
	});
});
