import { readMp4DurationSeconds } from '../../nodes/TikTok/core/mp4';

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
