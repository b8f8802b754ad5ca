/**
 * The MP4/MOV header (moov box) when it is at the end of the file, as most cameras, phones and ffmpeg
 * without `+faststart` write it. The head (first bytes) gives where the media data (mdat) ends; from
 * there the top-level boxes are walked with a reader that only moves forward: a 16-byte box header at a
 * time, then the moov box itself, parsed by mp4.ts. Readers: a ranged GET (download), a second stream
 * of n8n's filesystem binary read forward, a Buffer (in-memory and database binary).
 */
import { formatBytes } from '../tiktok/wording';
import { readMp4Header, type Mp4Header } from './mp4';

/** The largest moov box read: a 10-minute 60 fps video's is ~0.6 MB, an hour's ~4 MB. */
export const MAX_MOOV_BYTES = 16 * 1_048_576;
/** Top-level boxes looked at after the media data (free, udta, uuid… before moov). */
const MAX_BOXES_AFTER_MEDIA = 32;

/** Bytes [offset, offset + length) of the file; every call asks for a later offset than the last. */
export interface ForwardReader {
	read(offset: number, length: number): Promise<Buffer | { unsupported: string }>;
	close(): void;
}

interface TopLevelBox {
	type: string;
	/** undefined = the box runs to the end of the file */
	size?: number;
	headerLength: number;
}

/** A top-level box header (8 bytes, 16 with a 64-bit size); undefined when damaged. */
export function parseBoxHeader(bytes: Buffer): TopLevelBox | undefined {
	if (bytes.length < 8) return undefined;
	const type = bytes.toString('latin1', 4, 8);
	if (!/^[\x20-\x7e]{4}$/.test(type)) return undefined;
	const size = bytes.readUInt32BE(0);
	if (size === 0) return { type, headerLength: 8 };
	if (size !== 1) return size < 8 ? undefined : { type, size, headerLength: 8 };
	if (bytes.length < 16) return undefined;
	const large = bytes.readBigUInt64BE(8);
	if (large < 16n || large > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
	return { type, size: Number(large), headerLength: 16 };
}

function unreachable(reason: string): Mp4Header {
	return { status: 'moov_unreachable', reason };
}

async function readMoov(reader: ForwardReader, offset: number, size: number, fileSize: number): Promise<Mp4Header> {
	if (size > MAX_MOOV_BYTES) {
		return unreachable(`its moov box is ${formatBytes(size)}, more than the ${formatBytes(MAX_MOOV_BYTES)} the node reads`);
	}
	if (offset + size > fileSize) return { status: 'unreadable' };
	const moov = await reader.read(offset, size);
	if (!Buffer.isBuffer(moov)) return unreachable(moov.unsupported);
	return { ...readMp4Header(moov), headerAt: 'end' };
}

/**
 * Finds and reads the moov box after the media data. `firstBoxAt`: where the first top-level box
 * beyond the head starts (mp4.ts `nextBoxAt`).
 */
export async function readMoovAtEnd(reader: ForwardReader, fileSize: number, firstBoxAt: number): Promise<Mp4Header> {
	let offset = firstBoxAt;
	for (let count = 0; count < MAX_BOXES_AFTER_MEDIA && offset + 8 <= fileSize; count++) {
		const bytes = await reader.read(offset, Math.min(16, fileSize - offset));
		if (!Buffer.isBuffer(bytes)) return unreachable(bytes.unsupported);
		const box = parseBoxHeader(bytes);
		if (!box) return { status: 'unreadable' };
		const size = box.size ?? fileSize - offset;
		if (box.type === 'moov') return await readMoov(reader, offset, size, fileSize);
		if (box.size === undefined) break;
		offset += size;
	}
	return unreachable('no moov box was found after the media data');
}

/** A reader over a Buffer holding the whole file (in-memory or database binary). */
export function bufferReader(buffer: Buffer): ForwardReader {
	return { read: async (offset, length) => buffer.subarray(offset, offset + length), close: () => undefined };
}

/**
 * A reader over a stream of the whole file, read forward and dropped up to each offset (n8n's
 * filesystem binary: a second stream of the file, closed when done). Memory: one piece plus the
 * bytes asked for.
 */
export function skippingStreamReader(open: () => Promise<AsyncIterable<unknown> & { destroy?: () => unknown }>): ForwardReader {
	let stream: (AsyncIterable<unknown> & { destroy?: () => unknown }) | undefined;
	let iterator: AsyncIterator<unknown> | undefined;
	let position = 0; // file offset of `pending[0]`
	let pending = Buffer.alloc(0);
	const more = async (): Promise<boolean> => {
		stream ??= await open();
		iterator ??= stream[Symbol.asyncIterator]();
		const next = await iterator.next();
		if (next.done) return false;
		const piece = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
		pending = pending.length ? Buffer.concat([pending, piece]) : piece;
		return true;
	};
	return {
		async read(offset, length) {
			if (offset < position) return { unsupported: 'the header lies before a part already read' };
			for (;;) {
				const drop = Math.min(pending.length, offset - position);
				if (drop > 0) {
					pending = pending.subarray(drop);
					position += drop;
				}
				if (position === offset && pending.length >= length) return Buffer.from(pending.subarray(0, length));
				if (!(await more())) return { unsupported: 'the file ended before its header' };
			}
		},
		close() {
			stream?.destroy?.();
			void iterator?.return?.()?.catch?.(() => undefined);
		},
	};
}
