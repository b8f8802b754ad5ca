/**
 * readImageHead on images generated at test time: the sandbox's generator writes the real header
 * structures (JPEG markers, RIFF/VP8/VP8L/VP8X, PNG, GIF), and file(1) agrees with it
 * (test/sandbox-tests/photos.test.ts). Property-based over pixel sizes, variants and EXIF sizes.
 */
import fc from 'fast-check';

import { readImageHead } from '../../nodes/TikTok/core/media/imageHead';
import { inspectImage, makeImage, type ImageSpec } from '../sandbox';

const HEAD = 65_536;

describe('readImageHead: generated images', () => {
	it.each<[string, ImageSpec]>([
		['baseline JPEG (SOF0)', { format: 'jpeg', width: 1086, height: 1448 }],
		['extended JPEG (SOF1)', { format: 'jpeg', width: 1080, height: 1920, sof: 1 }],
		['progressive JPEG (SOF2)', { format: 'jpeg', width: 941, height: 1672, sof: 2 }],
		['JPEG with a 40 KB EXIF block', { format: 'jpeg', width: 4032, height: 3024, exifBytes: 40_000 }],
		['lossy WebP (VP8)', { format: 'webp', width: 1080, height: 1350 }],
		['lossless WebP (VP8L)', { format: 'webp', width: 16383, height: 1, webp: 'vp8l' }],
		['extended WebP (VP8X)', { format: 'webp', width: 65535, height: 20000, webp: 'vp8x' }],
		['PNG', { format: 'png', width: 2000, height: 1000 }],
		['GIF', { format: 'gif', width: 300, height: 200 }],
	])('%s: format and pixels from the first 64 KiB', (_name, spec) => {
		const image = makeImage({ ...spec, bytes: 200_000 });
		expect(readImageHead(image.subarray(0, HEAD))).toEqual({ format: spec.format, width: spec.width, height: spec.height });
	});

	it('agrees with the sandbox reader for any size, variant and EXIF block (property)', () => {
		fc.assert(
			fc.property(
				fc.record({
					format: fc.constantFrom<'jpeg' | 'webp'>('jpeg', 'webp'),
					width: fc.integer({ min: 1, max: 16383 }),
					height: fc.integer({ min: 1, max: 16383 }),
					sof: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
					webp: fc.constantFrom<'vp8' | 'vp8l' | 'vp8x'>('vp8', 'vp8l', 'vp8x'),
					exifBytes: fc.integer({ min: 0, max: 120_000 }),
				}),
				(spec) => {
					const image = makeImage({ ...spec, bytes: 1 });
					const head = image.subarray(0, HEAD);
					const mine = readImageHead(head);
					const sandbox = inspectImage(head);
					expect(mine.format).toBe(spec.format);
					expect([mine.width ?? null, mine.height ?? null]).toEqual([sandbox.width, sandbox.height]);
					const inHead = spec.format === 'webp' || spec.exifBytes < HEAD - 200;
					if (inHead) expect([mine.width, mine.height]).toEqual([spec.width, spec.height]);
				},
			),
			{ numRuns: 200 },
		);
	});

	it('a JPEG frame header beyond the head leaves the size unknown (not a wrong size)', () => {
		const image = makeImage({ format: 'jpeg', width: 5000, height: 5000, exifBytes: 70_000 });
		expect(readImageHead(image.subarray(0, HEAD))).toEqual({ format: 'jpeg' });
		expect(readImageHead(image)).toEqual({ format: 'jpeg', width: 5000, height: 5000 });
	});

	it('heads cut anywhere never throw and never invent a size', () => {
		const images = [
			makeImage({ format: 'jpeg', width: 1200, height: 900, exifBytes: 300 }),
			makeImage({ format: 'webp', width: 1200, height: 900, webp: 'vp8x' }),
			makeImage({ format: 'webp', width: 1200, height: 900, webp: 'vp8l' }),
			makeImage({ format: 'png', width: 1200, height: 900 }),
		];
		for (const image of images) {
			for (let cut = 0; cut < 700; cut++) {
				const head = readImageHead(image.subarray(0, cut));
				if (head.width !== undefined) expect([head.width, head.height]).toEqual([1200, 900]);
			}
		}
	});
});

describe('readImageHead: hand-made heads', () => {
	const jpeg = (...segments: number[][]) => Buffer.from([0xff, 0xd8, ...segments.flat()]);
	const sof = (marker: number, height: number, width: number) => [0xff, marker, 0, 17, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0];

	it('skips fill bytes and restart-style markers before the frame header', () => {
		expect(readImageHead(jpeg([0xff, 0xff], [0xff, 0xe0, 0, 4, 0, 0], sof(0xc2, 1080, 720)))).toEqual({ format: 'jpeg', width: 720, height: 1080 });
	});

	it('DHT (C4), JPG (C8) and DAC (CC) are not frame headers', () => {
		expect(readImageHead(jpeg([0xff, 0xc4, 0, 4, 9, 9], [0xff, 0xcc, 0, 4, 9, 9], sof(0xc1, 100, 200)))).toEqual({ format: 'jpeg', width: 200, height: 100 });
	});

	it('a height of 0 (given later by a DNL marker) and scan data before any frame header: size unknown', () => {
		expect(readImageHead(jpeg(sof(0xc0, 0, 500)))).toEqual({ format: 'jpeg' });
		expect(readImageHead(jpeg([0xff, 0xda, 0, 2], sof(0xc0, 10, 10)))).toEqual({ format: 'jpeg' });
		expect(readImageHead(jpeg([0xff, 0xe0, 0, 4, 0, 0], [0x00, 0x11], sof(0xc0, 10, 10)))).toEqual({ format: 'jpeg' });
	});

	it.each([
		['HEIC', Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic', 'latin1'), Buffer.alloc(12)]), 'heic'],
		['AVIF', Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypavif', 'latin1'), Buffer.alloc(12)]), 'avif'],
		['MP4', Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom', 'latin1'), Buffer.alloc(12)]), 'video'],
		['WebM', Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0]), 'video'],
		['TIFF', Buffer.from('II*\u0000\u0008\u0000', 'latin1'), 'tiff'],
		['BMP', Buffer.from('BM\u0000\u0000\u0000\u0000', 'latin1'), 'bmp'],
		['an HTML login page', Buffer.from('\uFEFF  <!DOCTYPE html><html><body>Sign in</body></html>'), 'html'],
		['plain text', Buffer.from('not an image at all'), 'unknown'],
		['nothing', Buffer.alloc(0), 'unknown'],
	])('%s is recognised as %s', (_name, head, format) => {
		expect(readImageHead(head).format).toBe(format);
	});
});
