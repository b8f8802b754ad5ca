/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * Reading the MP4/MOV header at the end of a file (moovAtEnd.ts): the walk over the top-level boxes
 * after the media data, the box headers it reads (64-bit sizes, boxes to the end of the file), its
 * limits, and the readers (a Buffer; a stream read forward, as n8n's filesystem binary is).
 */
import { Readable } from 'node:stream';

import { bufferReader, MAX_MOOV_BYTES, parseBoxHeader, readMoovAtEnd, skippingStreamReader, type ForwardReader } from '../../nodes/TikTok/core/media/moovAtEnd';
import { readMp4Header } from '../../nodes/TikTok/core/media/mp4';
import { makeMp4 } from '../sandbox';

const u32 = (n: number) => {
	const b = Buffer.alloc(4);
	b.writeUInt32BE(n);
	return b;
};
const box = (type: string, payload: Buffer) => Buffer.concat([u32(8 + payload.length), Buffer.from(type, 'latin1'), payload]);

/** A reader that records what it was asked for. */
function recording(reader: ForwardReader) {
	const asked: Array<[number, number]> = [];
	return { asked, reader: { read: async (offset: number, length: number) => (asked.push([offset, length]), await reader.read(offset, length)), close: () => reader.close() } };
}

function streamOf(file: Buffer, piece: number) {
	const pieces: Buffer[] = [];
	for (let at = 0; at < file.length; at += piece) pieces.push(file.subarray(at, at + piece));
	return Readable.from(pieces);
}

describe('readMoovAtEnd', () => {
	const file = makeMp4(3_000_000, { moovAtEnd: true, width: 5000, height: 2800, fps: 25, durationSec: 12 });
	const head = file.subarray(0, 1_048_576);

	it('reads the header after mdat with two reads: the box header, then the moov box', async () => {
		const first = readMp4Header(head);
		expect(first.status).toBe('moov_not_at_start');
		const { asked, reader } = recording(bufferReader(file));
		const header = await readMoovAtEnd(reader, file.length, first.nextBoxAt!);
		expect(header).toMatchObject({ status: 'read', headerAt: 'end', width: 5000, height: 2800, frameRate: 25, durationSec: 12 });
		expect(asked).toEqual([
			[first.nextBoxAt, 16],
			[first.nextBoxAt, file.length - first.nextBoxAt!],
		]);
	});

	it('steps over other boxes after the media data (free, udta) to the moov box', async () => {
		const moov = file.subarray(file.lastIndexOf('moov', file.length, 'latin1') - 4);
		const mdatEnd = file.length - moov.length;
		const padded = Buffer.concat([file.subarray(0, mdatEnd), box('free', Buffer.alloc(1000)), box('udta', Buffer.alloc(40)), moov]);
		expect(await readMoovAtEnd(bufferReader(padded), padded.length, mdatEnd)).toMatchObject({ status: 'read', width: 5000 });
	});

	it('says why when there is no moov, when it is too big to read, or when the reader cannot', async () => {
		const noMoov = Buffer.concat([head.subarray(0, 100), box('free', Buffer.alloc(100))]);
		expect(await readMoovAtEnd(bufferReader(noMoov), noMoov.length, 100)).toEqual({ status: 'moov_unreachable', reason: 'no moov box was found after the media data' });
		const huge = Buffer.concat([u32(MAX_MOOV_BYTES + 1), Buffer.from('moov', 'latin1')]);
		const hugeReader: ForwardReader = { read: async () => huge, close: () => undefined };
		expect(await readMoovAtEnd(hugeReader, 100 + MAX_MOOV_BYTES + 1, 100)).toEqual({
			status: 'moov_unreachable',
			reason: `its moov box is ${(MAX_MOOV_BYTES + 1).toLocaleString('en-US')} bytes, more than the ${MAX_MOOV_BYTES.toLocaleString('en-US')} bytes the node reads`,
		});
		const refusing: ForwardReader = { read: async () => ({ unsupported: 'the server ignored Range' }), close: () => undefined };
		expect(await readMoovAtEnd(refusing, file.length, 1000)).toEqual({ status: 'moov_unreachable', reason: 'the server ignored Range' });
	});

	it('a damaged box header is unreadable, not a guess', async () => {
		const damaged = Buffer.concat([head.subarray(0, 100), Buffer.from([0, 0, 0, 3, 0x6d, 0x6f, 0x6f, 0x76])]);
		expect(await readMoovAtEnd(bufferReader(damaged), damaged.length, 100)).toEqual({ status: 'unreadable' });
	});
});

describe('parseBoxHeader', () => {
	it('reads 32-bit sizes, 64-bit sizes (size 1) and boxes to the end of the file (size 0)', () => {
		expect(parseBoxHeader(Buffer.concat([u32(5000), Buffer.from('mdat')]))).toEqual({ type: 'mdat', size: 5000, headerLength: 8 });
		const large = Buffer.alloc(16);
		large.writeUInt32BE(1, 0);
		large.write('mdat', 4, 'latin1');
		large.writeBigUInt64BE(5_000_000_000n, 8);
		expect(parseBoxHeader(large)).toEqual({ type: 'mdat', size: 5_000_000_000, headerLength: 16 });
		expect(parseBoxHeader(Buffer.concat([u32(0), Buffer.from('mdat')]))).toEqual({ type: 'mdat', headerLength: 8 });
		expect(parseBoxHeader(Buffer.concat([u32(7), Buffer.from('mdat')]))).toBeUndefined();
		expect(parseBoxHeader(Buffer.concat([u32(100), Buffer.from([0, 1, 2, 3])]))).toBeUndefined();
	});
});

describe('skippingStreamReader (n8n filesystem binary: a second stream, read forward)', () => {
	const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));

	it('gives the bytes at increasing offsets across piece boundaries, and the same offset again', async () => {
		let opened = 0;
		const reader = skippingStreamReader(async () => (opened++, streamOf(data, 4096)));
		for (const [offset, length] of [
			[10, 20],
			[10, 100],
			[4090, 20],
			[150_000, 60_000],
			[299_990, 10],
		]) {
			expect(((await reader.read(offset, length)) as Buffer).equals(data.subarray(offset, offset + length))).toBe(true);
		}
		expect(opened).toBe(1);
		reader.close();
	});

	it('cannot go back, and says so when the file ends first', async () => {
		const reader = skippingStreamReader(async () => streamOf(data, 4096));
		await reader.read(200_000, 10);
		expect(await reader.read(1000, 10)).toEqual({ unsupported: 'the header lies before a part already read' });
		expect(await reader.read(299_995, 10)).toEqual({ unsupported: 'the file ended before its header' });
	});

	it('closes the stream it opened', async () => {
		const stream = streamOf(data, 4096);
		const reader = skippingStreamReader(async () => stream);
		await reader.read(0, 10);
		reader.close();
		expect(stream.destroyed).toBe(true);
	});
});
