/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readMp4DurationSeconds, readMp4Header } from '../../nodes/TikTok/core/media/mp4';
import { referenceVideoInfo } from '../helpers/mp4Reference';
import { makeMp4, readVideoInfo, type Mp4Options } from '../sandbox';

function box(type: string, payload: Buffer): Buffer {
	const header = Buffer.alloc(8);
	header.writeUInt32BE(8 + payload.length, 0);
	header.write(type, 4, 'latin1');
	return Buffer.concat([header, payload]);
}

function largeBox(type: string, payload: Buffer): Buffer {
	const header = Buffer.alloc(16);
	header.writeUInt32BE(1, 0);
	header.write(type, 4, 'latin1');
	header.writeBigUInt64BE(BigInt(16 + payload.length), 8);
	return Buffer.concat([header, payload]);
}

function openEndedBox(type: string, payload: Buffer): Buffer {
	const header = Buffer.alloc(8);
	header.writeUInt32BE(0, 0);
	header.write(type, 4, 'latin1');
	return Buffer.concat([header, payload]);
}

const ftyp = box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2avc1mp41', 'latin1'));

function mvhdV0(timescale: number, duration: number): Buffer {
	const p = Buffer.alloc(100);
	p.writeUInt32BE(0, 0); // version 0 + flags
	p.writeUInt32BE(3_000_000_000, 4); // creation
	p.writeUInt32BE(3_000_000_001, 8); // modification
	p.writeUInt32BE(timescale, 12);
	p.writeUInt32BE(duration, 16);
	return box('mvhd', p);
}

function mvhdV1(timescale: number, duration: bigint): Buffer {
	const p = Buffer.alloc(112);
	p.writeUInt8(1, 0);
	p.writeBigUInt64BE(3_000_000_000n, 4);
	p.writeBigUInt64BE(3_000_000_001n, 12);
	p.writeUInt32BE(timescale, 20);
	p.writeBigUInt64BE(duration, 24);
	return box('mvhd', p);
}

const mdat = (n: number) => box('mdat', Buffer.alloc(n, 7));

describe('readMp4DurationSeconds', () => {
	it('reads a version 0 mvhd when moov comes first (fast start)', () => {
		const file = Buffer.concat([ftyp, box('moov', Buffer.concat([mvhdV0(1000, 12_345), box('trak', Buffer.alloc(50))])), mdat(1000)]);
		expect(readMp4DurationSeconds(file)).toBeCloseTo(12.345, 6);
	});

	it('reads a version 1 mvhd with a 64-bit duration', () => {
		const file = Buffer.concat([ftyp, box('moov', mvhdV1(90_000, 5_400_000n)), mdat(10)]);
		expect(readMp4DurationSeconds(file)).toBe(60);
	});

	it('finds mvhd after other moov children and skips free/wide boxes', () => {
		const moov = box('moov', Buffer.concat([box('udta', Buffer.alloc(20)), mvhdV0(600, 600 * 75)]));
		const file = Buffer.concat([ftyp, box('free', Buffer.alloc(30)), box('wide', Buffer.alloc(0)), moov]);
		expect(readMp4DurationSeconds(file)).toBe(75);
	});

	it('handles 64-bit box sizes (size == 1) at the top level and inside moov', () => {
		const file = Buffer.concat([ftyp, largeBox('free', Buffer.alloc(40)), largeBox('moov', mvhdV0(1000, 3000))]);
		expect(readMp4DurationSeconds(file)).toBe(3);
	});

	it('handles a moov with size 0 (extends to the end of the file)', () => {
		const file = Buffer.concat([ftyp, openEndedBox('moov', mvhdV0(25, 250))]);
		expect(readMp4DurationSeconds(file)).toBe(10);
	});

	it('reads mvhd from a head that cuts moov short', () => {
		const moov = box('moov', Buffer.concat([mvhdV0(1000, 42_000), box('trak', Buffer.alloc(500_000))]));
		const file = Buffer.concat([ftyp, moov]);
		expect(readMp4DurationSeconds(file.subarray(0, 400))).toBe(42);
	});

	it('returns undefined when mdat comes before moov', () => {
		const file = Buffer.concat([ftyp, mdat(5000), box('moov', mvhdV0(1000, 1000))]);
		expect(readMp4DurationSeconds(file.subarray(0, 2000))).toBeUndefined();
	});

	it('returns undefined when moov lies beyond the head', () => {
		const file = Buffer.concat([ftyp, box('free', Buffer.alloc(3000)), box('moov', mvhdV0(1000, 1000))]);
		expect(readMp4DurationSeconds(file.subarray(0, 1000))).toBeUndefined();
	});

	it('returns undefined for a size-0 box that is not moov', () => {
		const file = Buffer.concat([ftyp, openEndedBox('mdat', Buffer.alloc(100))]);
		expect(readMp4DurationSeconds(file)).toBeUndefined();
	});

	it('returns undefined for non-MP4 data', () => {
		expect(readMp4DurationSeconds(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'))).toBeUndefined();
		expect(readMp4DurationSeconds(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
		expect(readMp4DurationSeconds(Buffer.alloc(0))).toBeUndefined();
		expect(readMp4DurationSeconds(Buffer.alloc(4))).toBeUndefined();
		expect(readMp4DurationSeconds(Buffer.from('<html><body>not found</body></html>'))).toBeUndefined();
	});

	it('returns undefined for corrupt sizes, a zero timescale or an unknown duration', () => {
		const tiny = Buffer.alloc(8);
		tiny.writeUInt32BE(4, 0);
		tiny.write('ftyp', 4, 'latin1');
		expect(readMp4DurationSeconds(Buffer.concat([tiny, Buffer.alloc(20)]))).toBeUndefined();
		expect(readMp4DurationSeconds(Buffer.concat([ftyp, box('moov', mvhdV0(0, 1000))]))).toBeUndefined();
		expect(readMp4DurationSeconds(Buffer.concat([ftyp, box('moov', mvhdV0(1000, 0xffffffff))]))).toBeUndefined();
		expect(readMp4DurationSeconds(Buffer.concat([ftyp, box('moov', mvhdV1(1000, 0xffffffffffffffffn))]))).toBeUndefined();
		expect(readMp4DurationSeconds(Buffer.concat([ftyp, box('moov', box('trak', Buffer.alloc(10)))]))).toBeUndefined();
	});
});

/** The first 1 MiB of a file, as the video source's head() gives it. */
const headOf = (file: Buffer) => file.subarray(0, 1_048_576);

describe('readMp4Header on real MP4/MOV structures (generated at test time, checked with MP4Box.js)', () => {
	const cases: Array<[string, Mp4Options]> = [
		['portrait 1080 x 1920, 30 fps', { width: 1080, height: 1920, fps: 30, durationSec: 15 }],
		['landscape 1920 x 1080, 29.97 fps, 61.5 s', { width: 1920, height: 1080, fps: 29.97, durationSec: 61.5 }],
		['the smallest accepted, 360 x 360, 23.976 fps', { width: 360, height: 360, fps: 23.976, durationSec: 3 }],
		['the largest accepted, 4096 x 2160, 59.94 fps', { width: 4096, height: 2160, fps: 59.94, durationSec: 20 }],
		['too small, 320 x 240, 15 fps', { width: 320, height: 240, fps: 15, durationSec: 8 }],
		['too large, 5000 x 5000, 120 fps', { width: 5000, height: 5000, fps: 120, durationSec: 2 }],
		['a QuickTime MOV with a sound track first', { container: 'mov', audio: true, width: 720, height: 1280, fps: 25, durationSec: 12.5 }],
		['an MP4 with a sound track first, 10 minutes', { audio: true, width: 1080, height: 1920, fps: 60, durationSec: 600 }],
	];

	it.each(cases)('%s: the node, the sandbox and MP4Box.js read the same values', (_name, options) => {
		const file = makeMp4(300_000, options);
		const reference = referenceVideoInfo(file);
		const header = readMp4Header(headOf(file));
		expect(header.status).toBe('read');
		expect(header.width).toBe(options.width);
		expect(header.height).toBe(options.height);
		expect(header.durationSec).toBeCloseTo(options.durationSec!, 6);
		expect(header.frameRate).toBeCloseTo(options.fps!, 6);
		// the independent parser agrees with both the generator's intent and the node's reading
		expect(reference).toMatchObject({ width: header.width, height: header.height, codec: expect.stringMatching(/^avc1\./) });
		expect(reference.durationSec).toBeCloseTo(header.durationSec!, 6);
		expect(reference.frameRate).toBeCloseTo(header.frameRate!, 6);
		expect(reference.brands[0]).toBe(options.container === 'mov' ? 'qt  ' : 'isom');
		expect(reference.tracks).toBe(options.audio ? 2 : 1);
		// and so does the sandbox's own reader (what TikTok's checks after the upload see)
		expect(readVideoInfo(file)).toEqual({ durationSec: header.durationSec, width: header.width, height: header.height, frameRate: header.frameRate });
	});

	// ffprobe is not a project dependency (Debian package ffmpeg): where it is installed, it also reads
	// the generated files, down to the H.264 SPS in avcC; elsewhere this test is skipped.
	const hasFfprobe = spawnSync('ffprobe', ['-version']).status === 0;
	(hasFfprobe ? it : it.skip)('ffprobe (when installed) reads the same picture size, frame rate and duration', () => {
		const dir = mkdtempSync(join(tmpdir(), 'mp4-ffprobe-'));
		try {
			for (const [name, options] of cases) {
				const file = join(dir, `${name.replace(/\W+/g, '-')}.${options.container === 'mov' ? 'mov' : 'mp4'}`);
				writeFileSync(file, makeMp4(300_000, options));
				const probe = spawnSync('ffprobe', ['-v', 'quiet', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,avg_frame_rate:format=duration', '-of', 'json', file], { encoding: 'utf8' });
				const out = JSON.parse(probe.stdout);
				const [num, den] = out.streams[0].avg_frame_rate.split('/').map(Number);
				expect({ name, codec: out.streams[0].codec_name, width: out.streams[0].width, height: out.streams[0].height }).toEqual({ name, codec: 'h264', width: options.width, height: options.height });
				expect(num / den).toBeCloseTo(options.fps!, 3);
				expect(Number(out.format.duration)).toBeCloseTo(options.durationSec!, 3);
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it.each([
		['MP4', { moovAtEnd: true } as Mp4Options],
		['MOV', { moovAtEnd: true, container: 'mov' } as Mp4Options],
	])('an %s whose moov is after mdat: moov_not_at_start from the head, with where the next box starts (the end of mdat)', (_name, options) => {
		const file = makeMp4(3_000_000, { ...options, fps: 15 });
		const moovAt = file.lastIndexOf('moov', file.length, 'latin1') - 4;
		expect(readMp4Header(headOf(file))).toEqual({ status: 'moov_not_at_start', nextBoxAt: moovAt });
		expect(referenceVideoInfo(file).frameRate).toBe(15);
		// the whole file in hand (a small file): the moov after mdat is read, and said to be at the end
		expect(readMp4Header(file)).toMatchObject({ status: 'read', headerAt: 'end', frameRate: 15 });
		// a buffer that starts with the moov box (what moovAtEnd.ts reads there) is read too
		expect(readMp4Header(file.subarray(moovAt))).toMatchObject({ status: 'read', frameRate: 15 });
	});

	it('a head that ends inside the moov box gives what lies within it and leaves the rest undefined', () => {
		const file = makeMp4(300_000, { width: 720, height: 1280, fps: 30, durationSec: 9 });
		const stts = file.indexOf('stts', 0, 'latin1');
		const cut = readMp4Header(file.subarray(0, stts + 8));
		expect(cut.status).toBe('read');
		expect(cut.durationSec).toBe(9);
		expect(cut.frameRate).toBeUndefined();
		const early = readMp4Header(file.subarray(0, file.indexOf('trak', 0, 'latin1') + 20));
		expect(early).toMatchObject({ status: 'read', durationSec: 9 });
		expect(early.width).toBeUndefined();
	});

	it('takes the first video track, whichever track comes first', () => {
		const file = makeMp4(300_000, { audio: true, width: 480, height: 854, fps: 24 });
		expect(file.indexOf('soun', 0, 'latin1')).toBeLessThan(file.indexOf('vide', 0, 'latin1'));
		expect(readMp4Header(headOf(file))).toMatchObject({ width: 480, height: 854, frameRate: 24 });
	});

	it('a variable frame rate (several stts entries) gives the average; the picture size falls back to tkhd', () => {
		const stts = box('stts', Buffer.concat([u32(0), u32(2), u32(100), u32(1000), u32(50), u32(2000)]));
		const trak = box('trak', Buffer.concat([tkhdV1(1280, 720), box('mdia', Buffer.concat([mdhdV0(30_000), hdlr('vide'), box('minf', box('stbl', Buffer.concat([stts])))]))]));
		const file = Buffer.concat([ftyp, box('moov', Buffer.concat([mvhdV0(1000, 10_000), trak])), mdat(100)]);
		// 150 frames in (100 * 1000 + 50 * 2000) / 30,000 s = 6.667 s
		expect(readMp4Header(file)).toMatchObject({ status: 'read', durationSec: 10, width: 1280, height: 720 });
		expect(readMp4Header(file).frameRate).toBeCloseTo(22.5, 6);
	});

	it('ignores non-video tracks and leaves the video fields undefined when there is no video track', () => {
		const trak = box('trak', box('mdia', Buffer.concat([mdhdV0(48_000), hdlr('soun')])));
		expect(readMp4Header(Buffer.concat([ftyp, box('moov', Buffer.concat([mvhdV0(1000, 5000), trak]))]))).toEqual({ status: 'read', headerAt: 'start', durationSec: 5 });
	});

	it('is unreadable for what is not MP4/MOV, and for damaged boxes', () => {
		expect(readMp4Header(Buffer.from('<html><body>not found</body></html>')).status).toBe('unreadable');
		expect(readMp4Header(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0, 0, 0])).status).toBe('unreadable');
		expect(readMp4Header(Buffer.alloc(3)).status).toBe('unreadable');
		const broken = Buffer.concat([ftyp, Buffer.from([0, 0, 0, 4, 0x6d, 0x6f, 0x6f, 0x76])]);
		expect(readMp4Header(broken).status).toBe('unreadable');
	});

	it('says moov_not_at_start when boxes before moov fill the head', () => {
		const file = Buffer.concat([ftyp, box('free', Buffer.alloc(5000)), box('moov', mvhdV0(1000, 1000))]);
		expect(readMp4Header(file.subarray(0, 3000))).toEqual({ status: 'moov_not_at_start', nextBoxAt: ftyp.length + 5008 });
	});
});

function u32(n: number): Buffer {
	const b = Buffer.alloc(4);
	b.writeUInt32BE(n >>> 0);
	return b;
}

function mdhdV0(timescale: number): Buffer {
	return box('mdhd', Buffer.concat([u32(0), u32(0), u32(0), u32(timescale), u32(0), Buffer.from([0x55, 0xc4, 0, 0])]));
}

function hdlr(type: string): Buffer {
	return box('hdlr', Buffer.concat([u32(0), Buffer.from('mhlr', 'latin1'), Buffer.from(type, 'latin1'), Buffer.alloc(12), Buffer.from('Handler\0', 'latin1')]));
}

/** tkhd version 1 (64-bit times and duration): width and height 16.16 at the end. */
function tkhdV1(width: number, height: number): Buffer {
	const p = Buffer.alloc(96);
	p.writeUInt8(1, 0);
	p.writeUInt32BE(width * 65536, 88);
	p.writeUInt32BE(height * 65536, 92);
	return box('tkhd', p);
}
