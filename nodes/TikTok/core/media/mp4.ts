/**
 * Reads what an MP4/MOV file's header says about its video (duration, picture size, frame rate) from
 * a buffer that starts with the file's first bytes (the first 1 MiB given by the video source's head())
 * or with the moov box itself. When mdat comes first, the header is at the end of the file: the result
 * says where the next top-level box starts, and moovAtEnd.ts reads it there when the source allows.
 * Pure functions, no I/O.
 *
 * Boxes read (ISO/IEC 14496-12, QuickTime uses the same layout for these):
 *   moov/mvhd                          duration of the presentation
 *   moov/trak/mdia/hdlr                'vide' marks the video track (the first one counts)
 *   moov/trak/mdia/mdhd                the track's timescale
 *   moov/trak/mdia/minf/stbl/stts      sample durations -> frames per second (average)
 *   moov/trak/mdia/minf/stbl/stsd      first sample entry: coded width and height
 *   moov/trak/tkhd                     presentation width and height (when stsd has none)
 */

/** Top-level box types that may come first in an MP4/MOV file. */
const FIRST_BOX_TYPES = new Set(['ftyp', 'moov', 'wide', 'free', 'skip', 'pnot', 'mdat']);

export interface Mp4Header {
	/**
	 * `read`: the moov box starts within these bytes (fields it holds are set; a field whose box lies
	 * beyond them stays undefined). `moov_not_at_start`: the media data (or the end of these bytes)
	 * comes first. `moov_unreachable`: it is at the end and could not be read there (`reason`).
	 * `unreadable`: not an MP4/MOV file, or its boxes are damaged.
	 */
	status: 'read' | 'moov_not_at_start' | 'moov_unreachable' | 'unreadable';
	/** moov_not_at_start: where the first top-level box beyond these bytes starts (after mdat) */
	nextBoxAt?: number;
	/** moov_unreachable: why, for the output's note */
	reason?: string;
	/** read: where the moov box was, at the start of the file or (moovAtEnd.ts) at its end */
	headerAt?: 'start' | 'end';
	durationSec?: number;
	width?: number;
	height?: number;
	frameRate?: number;
}

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

/** The part of a box that lies within the buffer: [bodyStart, limit). */
function limitOf(box: Box, parentLimit: number): number {
	return Math.min(box.end ?? parentLimit, parentLimit);
}

/** Child boxes of [start, limit), in order; stops at the first damaged or cut-off header. */
function childBoxes(buf: Buffer, start: number, limit: number): Box[] {
	const boxes: Box[] = [];
	let offset = start;
	while (offset + 8 <= limit) {
		const box = readBox(buf, offset, limit);
		if (!box) break;
		boxes.push(box);
		if (box.end === undefined) break;
		offset = box.end;
	}
	return boxes;
}

function findChild(buf: Buffer, parent: Box, limit: number, type: string): Box | undefined {
	return childBoxes(buf, parent.bodyStart, limitOf(parent, limit)).find((b) => b.type === type);
}

/** mvhd and mdhd share this layout: version 0 = 32-bit times, version 1 = 64-bit. */
function readTimescaleAndDuration(
	buf: Buffer,
	bodyStart: number,
	limit: number,
): { timescale: number; duration?: number } | undefined {
	if (bodyStart + 4 > limit) return undefined;
	const version = buf[bodyStart];
	if (version === 0) {
		// version+flags 4, creation 4, modification 4, timescale 4, duration 4
		if (bodyStart + 20 > limit) return undefined;
		const raw = buf.readUInt32BE(bodyStart + 16);
		return { timescale: buf.readUInt32BE(bodyStart + 12), duration: raw === 0xffffffff ? undefined : raw };
	}
	if (version === 1) {
		// version+flags 4, creation 8, modification 8, timescale 4, duration 8
		if (bodyStart + 32 > limit) return undefined;
		const raw = buf.readBigUInt64BE(bodyStart + 24);
		const unknown = raw === 0xffffffffffffffffn || raw > BigInt(Number.MAX_SAFE_INTEGER);
		return { timescale: buf.readUInt32BE(bodyStart + 20), duration: unknown ? undefined : Number(raw) };
	}
	return undefined;
}

function readMvhd(buf: Buffer, box: Box, limit: number): number | undefined {
	const t = readTimescaleAndDuration(buf, box.bodyStart, limitOf(box, limit));
	if (!t || !t.timescale || t.duration === undefined) return undefined;
	return t.duration / t.timescale;
}

/** Average frames per second: samples / (sum of sample durations / timescale). */
function readFrameRate(buf: Buffer, stts: Box, limit: number, timescale: number): number | undefined {
	const end = limitOf(stts, limit);
	if (stts.bodyStart + 8 > end || !timescale) return undefined;
	const entries = buf.readUInt32BE(stts.bodyStart + 4);
	// every entry must be inside the buffer: a partial table would give a wrong average
	if (stts.bodyStart + 8 + entries * 8 > end) return undefined;
	let samples = 0;
	let ticks = 0;
	for (let i = 0; i < entries; i++) {
		const entry = stts.bodyStart + 8 + i * 8;
		const count = buf.readUInt32BE(entry);
		samples += count;
		ticks += count * buf.readUInt32BE(entry + 4);
	}
	if (!samples || !ticks) return undefined;
	return samples / (ticks / timescale);
}

/** Coded width and height from the first sample entry (VisualSampleEntry) of stsd. */
function readSampleEntrySize(buf: Buffer, stsd: Box, limit: number): { width: number; height: number } | undefined {
	const end = limitOf(stsd, limit);
	// version+flags 4, entry_count 4, then the entry: size 4, format 4, reserved 6, data ref 2,
	// pre_defined/reserved 16, width 2, height 2
	const entry = stsd.bodyStart + 8;
	if (entry + 36 > end || buf.readUInt32BE(stsd.bodyStart + 4) < 1) return undefined;
	const width = buf.readUInt16BE(entry + 32);
	const height = buf.readUInt16BE(entry + 34);
	return width && height ? { width, height } : undefined;
}

/** Presentation width and height from tkhd (16.16 fixed point). */
function readTkhdSize(buf: Buffer, tkhd: Box, limit: number): { width: number; height: number } | undefined {
	const end = limitOf(tkhd, limit);
	const version = buf[tkhd.bodyStart];
	// version 0: 4 + 4*5 + 8 + 8 + 36 = 76 bytes before width; version 1: 12 more (64-bit times and duration)
	const sizeAt = tkhd.bodyStart + (version === 1 ? 88 : 76);
	if (sizeAt + 8 > end) return undefined;
	const width = Math.round(buf.readUInt32BE(sizeAt) / 65536);
	const height = Math.round(buf.readUInt32BE(sizeAt + 4) / 65536);
	return width && height ? { width, height } : undefined;
}

interface VideoTrack {
	width?: number;
	height?: number;
	frameRate?: number;
}

/** The track's picture size and frame rate if it is a video track, else undefined. */
function readVideoTrack(buf: Buffer, trak: Box, limit: number): VideoTrack | undefined {
	const mdia = findChild(buf, trak, limit, 'mdia');
	if (!mdia) return undefined;
	const hdlr = findChild(buf, mdia, limit, 'hdlr');
	// version+flags 4, pre_defined (QuickTime: component type) 4, handler type 4
	if (!hdlr || hdlr.bodyStart + 12 > limitOf(hdlr, limit)) return undefined;
	if (buf.toString('latin1', hdlr.bodyStart + 8, hdlr.bodyStart + 12) !== 'vide') return undefined;

	const track: VideoTrack = {};
	const mdhd = findChild(buf, mdia, limit, 'mdhd');
	const minf = findChild(buf, mdia, limit, 'minf');
	const stbl = minf && findChild(buf, minf, limit, 'stbl');
	const stsd = stbl && findChild(buf, stbl, limit, 'stsd');
	const size = (stsd && readSampleEntrySize(buf, stsd, limit)) ?? tkhdSize(buf, trak, limit);
	if (size) Object.assign(track, size);
	const timescale = mdhd && readTimescaleAndDuration(buf, mdhd.bodyStart, limitOf(mdhd, limit))?.timescale;
	const stts = stbl && findChild(buf, stbl, limit, 'stts');
	if (stts && timescale) track.frameRate = readFrameRate(buf, stts, limit, timescale);
	return track;
}

function tkhdSize(buf: Buffer, trak: Box, limit: number) {
	const tkhd = findChild(buf, trak, limit, 'tkhd');
	return tkhd && readTkhdSize(buf, tkhd, limit);
}

function readMoov(buf: Buffer, moov: Box): Mp4Header {
	const limit = limitOf(moov, buf.length);
	const header: Mp4Header = { status: 'read' };
	let video: VideoTrack | undefined;
	for (const box of childBoxes(buf, moov.bodyStart, limit)) {
		if (box.type === 'mvhd' && header.durationSec === undefined) header.durationSec = readMvhd(buf, box, limit);
		else if (box.type === 'trak' && !video) video = readVideoTrack(buf, box, limit);
	}
	if (video) Object.assign(header, video);
	return header;
}

/**
 * What the MP4/MOV header in `head` (the first bytes of the file) says about the video. Values are
 * as written in the file; checking them against TikTok's limits is the caller's job.
 */
export function readMp4Header(head: Buffer): Mp4Header {
	if (!Buffer.isBuffer(head) || head.length < 8) return { status: 'unreadable' };
	let offset = 0;
	let first = true;
	let afterMedia = false;
	while (offset + 8 <= head.length) {
		const box = readBox(head, offset, head.length);
		if (!box) return { status: 'unreadable' };
		if (first) {
			if (!FIRST_BOX_TYPES.has(box.type)) return { status: 'unreadable' };
			first = false;
		}
		if (box.type === 'moov') {
			// a moov after the media data and cut off here is read whole from the file (moovAtEnd.ts)
			if (afterMedia && box.end !== undefined && box.end > head.length) return { status: 'moov_not_at_start', nextBoxAt: box.start };
			return { ...readMoov(head, box), headerAt: afterMedia ? 'end' : 'start' };
		}
		if (box.end === undefined) return { status: 'moov_not_at_start' };
		if (box.end > head.length) return { status: 'moov_not_at_start', nextBoxAt: box.end };
		if (box.type === 'mdat') afterMedia = true;
		offset = box.end;
	}
	// the boxes before moov (e.g. a large free box) fill the bytes we have
	return { status: 'moov_not_at_start', nextBoxAt: offset };
}

/** Duration in seconds from the header in `head`, or undefined when it cannot be read from these bytes. */
export function readMp4DurationSeconds(head: Buffer): number | undefined {
	return readMp4Header(head).durationSec;
}
