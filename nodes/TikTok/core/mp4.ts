/**
 * Reads the duration of an MP4/MOV file from its header (moov -> mvhd) when the moov box is near the
 * start of the file ("fast start"), e.g. within the first 1 MB given by VideoSource.head(). Returns
 * undefined when moov is not at the start (mdat first) or the bytes are not MP4/MOV: the caller then
 * cannot check the duration before uploading and TikTok checks it instead.
 */

/** Top-level box types that may come first in an MP4/MOV file. */
const FIRST_BOX_TYPES = new Set(['ftyp', 'moov', 'wide', 'free', 'skip', 'pnot', 'mdat']);

interface Box {
	type: string;
	/** offset of the box */
	start: number;
	/** offset of the box's payload */
	bodyStart: number;
	/** end offset of the box (may lie beyond the buffer); undefined = to the end of the file */
	end?: number;
}

function readBox(buf: Buffer, offset: number, limit: number): Box | undefined {
	if (offset + 8 > limit) return undefined;
	let size = buf.readUInt32BE(offset);
	const type = buf.toString('latin1', offset + 4, offset + 8);
	if (!/^[\x20-\x7e]{4}$/.test(type)) return undefined;
	let headerLength = 8;
	if (size === 1) {
		if (offset + 16 > limit) return undefined;
		const big = buf.readBigUInt64BE(offset + 8);
		if (big > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
		size = Number(big);
		headerLength = 16;
	} else if (size === 0) {
		return { type, start: offset, bodyStart: offset + 8 };
	}
	if (size < headerLength) return undefined;
	return { type, start: offset, bodyStart: offset + headerLength, end: offset + size };
}

function readMvhd(buf: Buffer, bodyStart: number, limit: number): number | undefined {
	if (bodyStart + 4 > limit) return undefined;
	const version = buf[bodyStart];
	let timescale: number;
	let duration: number;
	if (version === 0) {
		// version+flags 4, creation 4, modification 4, timescale 4, duration 4
		if (bodyStart + 20 > limit) return undefined;
		timescale = buf.readUInt32BE(bodyStart + 12);
		const raw = buf.readUInt32BE(bodyStart + 16);
		if (raw === 0xffffffff) return undefined;
		duration = raw;
	} else if (version === 1) {
		// version+flags 4, creation 8, modification 8, timescale 4, duration 8
		if (bodyStart + 32 > limit) return undefined;
		timescale = buf.readUInt32BE(bodyStart + 20);
		const raw = buf.readBigUInt64BE(bodyStart + 24);
		if (raw === 0xffffffffffffffffn || raw > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
		duration = Number(raw);
	} else {
		return undefined;
	}
	if (timescale === 0) return undefined;
	return duration / timescale;
}

/**
 * Duration in seconds from the MP4/MOV header in `head` (the first bytes of the file), or undefined
 * when it cannot be read from these bytes.
 */
export function readMp4DurationSeconds(head: Buffer): number | undefined {
	if (!Buffer.isBuffer(head) || head.length < 8) return undefined;
	let offset = 0;
	let first = true;
	while (offset + 8 <= head.length) {
		const box = readBox(head, offset, head.length);
		if (!box) return undefined;
		if (first) {
			if (!FIRST_BOX_TYPES.has(box.type)) return undefined;
			first = false;
		}
		if (box.type === 'moov') {
			const limit = Math.min(box.end ?? head.length, head.length);
			let child = box.bodyStart;
			while (child + 8 <= limit) {
				const inner = readBox(head, child, limit);
				if (!inner) return undefined;
				if (inner.type === 'mvhd') return readMvhd(head, inner.bodyStart, Math.min(inner.end ?? limit, limit));
				if (inner.end === undefined) return undefined;
				child = inner.end;
			}
			return undefined;
		}
		if (box.type === 'mdat' || box.end === undefined) return undefined;
		offset = box.end;
	}
	return undefined;
}
