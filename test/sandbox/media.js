'use strict';
/**
 * Generated test media and the byte-level checks TikTok runs on what it receives.
 *
 * The generated file is a structurally real MP4 (or QuickTime MOV), not a playable one: ftyp, then
 * moov with mvhd (duration) and one video track (tkhd with the picture size, mdhd with its timescale,
 * hdlr 'vide', stsd with an avc1 sample entry whose avcC holds an H.264 SPS/PPS for that size and frame
 * rate, stts/stsc/stsz/stco describing equal samples), and mdat with pseudo-random bytes as the samples.
 * The moov box comes first ("fast start", what the node can read from the file's first bytes) or last
 * (`moovAtEnd`, what most cameras and editors write). Content is deterministic for (bytes, options), so a
 * test can rebuild the same bytes and compare sha256 with what the sandbox received.
 *
 * readVideoInfo / readVideoInfoFromFile are the sandbox's own reading of such files (TikTok's checks
 * after an upload: duration, frame rate, picture size). They are written independently of the node's
 * reader (nodes/TikTok/core/mp4.ts), so each checks the other.
 */
const crypto = require('crypto');
const fs = require('fs');

const { parseRange, servingModes, afterHeaderDelay, pumpBody } = require('./serving');

const BLOCK = 1 << 20;
const MOVIE_TIMESCALE = 1000;
// Frame duration of the video track in its own timescale (fps x 1000), so 23.976 or 59.94 fps are exact.
const FRAME_TICKS = 1000;
const DEFAULTS = { durationSec: 10, width: 1080, height: 1920, fps: 30, container: 'mp4', moovAtEnd: false };

// ---------- box writing ----------

const u8 = (...values) => Buffer.from(values);
function u16(n) {
	const b = Buffer.alloc(2);
	b.writeUInt16BE(n & 0xffff);
	return b;
}
function u32(n) {
	const b = Buffer.alloc(4);
	b.writeUInt32BE(n >>> 0);
	return b;
}
const zeros = (n) => Buffer.alloc(n);

function box(type, ...payload) {
	const body = Buffer.concat(payload);
	return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
}
const fullBox = (type, version, flags, ...payload) => box(type, u32(((version << 24) | flags) >>> 0), ...payload);

/** The identity transformation matrix of mvhd/tkhd (16.16 and 2.30 fixed point). */
const MATRIX = Buffer.concat([0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].map(u32));

// ---------- H.264 parameter sets (so a decoder-level reader agrees with the container) ----------

class BitWriter {
	constructor() {
		this.bits = [];
	}
	u(n, value) {
		for (let i = n - 1; i >= 0; i--) this.bits.push(Math.floor(value / 2 ** i) % 2);
	}
	ue(value) {
		const v = value + 1;
		const len = Math.floor(Math.log2(v));
		this.u(len, 0);
		this.u(len + 1, v);
	}
	se(value) {
		this.ue(value <= 0 ? -2 * value : 2 * value - 1);
	}
	/** rbsp_trailing_bits, then emulation prevention (00 00 0x -> 00 00 03 0x). */
	nal(header) {
		this.bits.push(1);
		while (this.bits.length % 8) this.bits.push(0);
		const rbsp = [];
		for (let i = 0; i < this.bits.length; i += 8) rbsp.push(parseInt(this.bits.slice(i, i + 8).join(''), 2));
		const out = [header];
		let zeroRun = 0;
		for (const byte of rbsp) {
			if (zeroRun >= 2 && byte <= 3) {
				out.push(3);
				zeroRun = 0;
			}
			out.push(byte);
			zeroRun = byte === 0 ? zeroRun + 1 : 0;
		}
		return Buffer.from(out);
	}
}

const H264_PROFILE_BASELINE = 66;
const H264_LEVEL = 51;

/** Baseline-profile SPS for width x height (4:2:0, cropped to the exact size) with VUI timing for the frame rate (timescale / FRAME_TICKS). */
function h264Sps(width, height, timescale) {
	const w = new BitWriter();
	w.u(8, H264_PROFILE_BASELINE);
	w.u(8, 0xc0); // constraint_set0 and 1
	w.u(8, H264_LEVEL);
	w.ue(0); // seq_parameter_set_id
	w.ue(0); // log2_max_frame_num_minus4
	w.ue(2); // pic_order_cnt_type
	w.ue(1); // max_num_ref_frames
	w.u(1, 0); // gaps_in_frame_num_value_allowed_flag
	const mbsWide = Math.ceil(width / 16);
	const mbsHigh = Math.ceil(height / 16);
	w.ue(mbsWide - 1);
	w.ue(mbsHigh - 1);
	w.u(1, 1); // frame_mbs_only_flag
	w.u(1, 1); // direct_8x8_inference_flag
	const cropRight = mbsWide * 16 - width;
	const cropBottom = mbsHigh * 16 - height;
	if (cropRight || cropBottom) {
		w.u(1, 1);
		// 4:2:0: crop units are 2 luma samples (sizes here are even)
		w.ue(0);
		w.ue(cropRight >> 1);
		w.ue(0);
		w.ue(cropBottom >> 1);
	} else w.u(1, 0);
	w.u(1, 1); // vui_parameters_present_flag
	w.u(1, 0); // aspect_ratio_info_present_flag
	w.u(1, 0); // overscan_info_present_flag
	w.u(1, 0); // video_signal_type_present_flag
	w.u(1, 0); // chroma_loc_info_present_flag
	w.u(1, 1); // timing_info_present_flag: frame rate = time_scale / (2 * num_units_in_tick)
	w.u(32, FRAME_TICKS);
	w.u(32, 2 * timescale);
	w.u(1, 1); // fixed_frame_rate_flag
	w.u(1, 0); // nal_hrd_parameters_present_flag
	w.u(1, 0); // vcl_hrd_parameters_present_flag
	w.u(1, 0); // pic_struct_present_flag
	w.u(1, 0); // bitstream_restriction_flag
	return w.nal(0x67);
}

function h264Pps() {
	const w = new BitWriter();
	w.ue(0); // pic_parameter_set_id
	w.ue(0); // seq_parameter_set_id
	w.u(1, 0); // entropy_coding_mode_flag (CAVLC)
	w.u(1, 0); // bottom_field_pic_order_in_frame_present_flag
	w.ue(0); // num_slice_groups_minus1
	w.ue(0); // num_ref_idx_l0_default_active_minus1
	w.ue(0); // num_ref_idx_l1_default_active_minus1
	w.u(1, 0); // weighted_pred_flag
	w.u(2, 0); // weighted_bipred_idc
	w.se(0); // pic_init_qp_minus26
	w.se(0); // pic_init_qs_minus26
	w.se(0); // chroma_qp_index_offset
	w.u(1, 1); // deblocking_filter_control_present_flag
	w.u(1, 0); // constrained_intra_pred_flag
	w.u(1, 0); // redundant_pic_cnt_present_flag
	return w.nal(0x68);
}

function avcC(width, height, timescale) {
	const sps = h264Sps(width, height, timescale);
	const pps = h264Pps();
	return box('avcC', u8(1, H264_PROFILE_BASELINE, 0xc0, H264_LEVEL, 0xff, 0xe1), u16(sps.length), sps, u8(1), u16(pps.length), pps);
}

// ---------- the file ----------

function mediaOptions(opts = {}) {
	const o = { ...DEFAULTS };
	for (const key of Object.keys(DEFAULTS)) if (opts[key] !== undefined && opts[key] !== null) o[key] = opts[key];
	o.audio = opts.audio === true;
	if (!(Number.isFinite(o.durationSec) && o.durationSec >= 0)) throw new RangeError('durationSec must be a number >= 0');
	for (const key of ['width', 'height']) {
		if (!Number.isInteger(o[key]) || o[key] < 1 || o[key] > 65535) throw new RangeError(`${key} must be an integer from 1 to 65535`);
	}
	if (!(Number.isFinite(o.fps) && o.fps > 0 && o.fps <= 1000)) throw new RangeError('fps must be a number above 0 and at most 1000');
	if (o.container !== 'mp4' && o.container !== 'mov') throw new RangeError("container must be 'mp4' or 'mov'");
	o.moovAtEnd = o.moovAtEnd === true;
	return o;
}

function ftypBoxes(o) {
	if (o.container === 'mov') return Buffer.concat([box('ftyp', Buffer.from('qt  ', 'latin1'), u32(0x20050300), Buffer.from('qt  ', 'latin1')), box('wide')]);
	return box('ftyp', Buffer.from('isom', 'latin1'), u32(0x200), Buffer.from('isomiso2avc1mp41', 'latin1'));
}

function compressorName(name) {
	const b = zeros(32);
	b[0] = name.length;
	b.write(name, 1, 'latin1');
	return b;
}

function handler(o, type, name) {
	// QuickTime names the media handler component 'mhlr'; ISO files leave pre_defined at 0.
	return fullBox('hdlr', 0, 0, o.container === 'mov' ? Buffer.from('mhlr', 'latin1') : zeros(4), Buffer.from(type, 'latin1'), zeros(12), Buffer.from(`${name}\0`, 'latin1'));
}

/** stbl of one chunk of `count` equal samples of `ticks` each, at `offset` in the file. */
function sampleTable(sampleEntry, count, ticks, sampleSize, offset) {
	return box(
		'stbl',
		fullBox('stsd', 0, 0, u32(1), sampleEntry),
		fullBox('stts', 0, 0, u32(1), u32(count), u32(ticks)),
		fullBox('stsc', 0, 0, u32(1), u32(1), u32(count), u32(1)),
		fullBox('stsz', 0, 0, u32(sampleSize), u32(count)),
		fullBox('stco', 0, 0, u32(1), u32(offset)),
	);
}

const dataInformation = () => box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));

function trackHeader(trackId, durationMs, width, height, volume) {
	return fullBox('tkhd', 0, 3, u32(0), u32(0), u32(trackId), u32(0), u32(durationMs), zeros(8), u16(0), u16(0), u16(volume), u16(0), MATRIX, u32(width * 65536), u32(height * 65536));
}

const mediaHeader = (timescale, duration) => fullBox('mdhd', 0, 0, u32(0), u32(0), u32(timescale), u32(duration), u16(0x55c4) /* 'und' */, u16(0));

function videoTrack(o, trackId, payloadStart, payloadBytes) {
	const timescale = Math.round(o.fps * FRAME_TICKS);
	const ticks = FRAME_TICKS;
	const count = Math.max(1, Math.round(o.durationSec * o.fps));
	const sampleSize = Math.max(1, Math.floor(payloadBytes / count));
	const entry = box('avc1', zeros(6), u16(1), zeros(16), u16(o.width), u16(o.height), u32(0x00480000), u32(0x00480000), u32(0), u16(1), compressorName('TikTok sandbox'), u16(0x18), u16(0xffff), avcC(o.width, o.height, timescale));
	return box(
		'trak',
		trackHeader(trackId, Math.round(o.durationSec * MOVIE_TIMESCALE), o.width, o.height, 0),
		box('mdia', mediaHeader(timescale, count * ticks), handler(o, 'vide', 'VideoHandler'), box('minf', fullBox('vmhd', 0, 1, zeros(8)), dataInformation(), sampleTable(entry, count, ticks, sampleSize, payloadStart))),
	);
}

/** A 48 kHz AAC-labelled sound track (its samples share the mdat): real files have one, often first. */
function audioTrack(o, trackId, payloadStart, payloadBytes) {
	const rate = 48000;
	const count = Math.max(1, Math.round((o.durationSec * rate) / 1024));
	const sampleSize = Math.max(1, Math.floor(payloadBytes / count));
	const entry = box('mp4a', zeros(6), u16(1), zeros(8), u16(2), u16(16), u16(0), u16(0), u32(rate * 65536));
	return box(
		'trak',
		trackHeader(trackId, Math.round(o.durationSec * MOVIE_TIMESCALE), 0, 0, 0x0100),
		box('mdia', mediaHeader(rate, count * 1024), handler(o, 'soun', 'SoundHandler'), box('minf', fullBox('smhd', 0, 0, zeros(4)), dataInformation(), sampleTable(entry, count, 1024, sampleSize, payloadStart))),
	);
}

function movieBox(o, payloadStart, payloadBytes) {
	const mvhd = fullBox('mvhd', 0, 0, u32(0), u32(0), u32(MOVIE_TIMESCALE), u32(Math.round(o.durationSec * MOVIE_TIMESCALE)), u32(0x00010000), u16(0x0100), zeros(10), MATRIX, zeros(24), u32(o.audio ? 3 : 2));
	const tracks = o.audio
		? [audioTrack(o, 2, payloadStart, payloadBytes), videoTrack(o, 1, payloadStart, payloadBytes)]
		: [videoTrack(o, 1, payloadStart, payloadBytes)];
	return box('moov', mvhd, ...tracks);
}

/**
 * The file as prefix + payload bytes + suffix: moov first -> [ftyp, moov, mdat header] + payload;
 * moov last -> [ftyp, (wide), mdat header] + payload + [moov]. The payload fills the file to `bytes`.
 */
function layout(bytes, opts) {
	const o = mediaOptions(opts);
	const ftyp = ftypBoxes(o);
	const moovSize = movieBox(o, 0, 0).length;
	const mdatHeader = (payloadBytes) => Buffer.concat([u32(8 + payloadBytes), Buffer.from('mdat', 'latin1')]);
	if (!o.moovAtEnd) {
		const payloadStart = ftyp.length + moovSize + 8;
		const payloadBytes = Math.max(0, bytes - payloadStart);
		return { prefix: Buffer.concat([ftyp, movieBox(o, payloadStart, payloadBytes), mdatHeader(payloadBytes)]), payloadBytes, suffix: Buffer.alloc(0) };
	}
	const payloadStart = ftyp.length + 8;
	const payloadBytes = Math.max(0, bytes - payloadStart - moovSize);
	return { prefix: Buffer.concat([ftyp, mdatHeader(payloadBytes)]), payloadBytes, suffix: movieBox(o, payloadStart, payloadBytes) };
}

/** AES-CTR over zeros: a fast, deterministic pseudo-random stream (no per-byte JS work). */
function payloadCipher(seed) {
	const key = crypto.createHash('sha256').update(`tiktok-sandbox-media:${seed}`).digest();
	return crypto.createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
}

/** Yields the file as Buffers of at most 1 MiB (plus the header pieces). */
function* mp4Chunks(bytes, opts = {}) {
	if (!Number.isInteger(bytes) || bytes < 1) throw new RangeError('bytes must be a positive integer');
	const { prefix, payloadBytes, suffix } = layout(bytes, opts);
	// Files smaller than the boxes are their first bytes (still an ftyp at 4..8 when >= 8).
	if (payloadBytes === 0) {
		yield Buffer.concat([prefix, suffix]).subarray(0, bytes);
		return;
	}
	yield prefix;
	const cipher = payloadCipher(opts.seed ?? 0);
	const block = Buffer.alloc(BLOCK);
	let left = payloadBytes;
	while (left > 0) {
		const n = Math.min(left, BLOCK);
		yield cipher.update(n === BLOCK ? block : block.subarray(0, n));
		left -= n;
	}
	if (suffix.length) yield suffix;
}

/** The payload cipher positioned at byte `offset` of the payload: AES-CTR's counter block is offset / 16. */
function payloadCipherAt(seed, offset) {
	const key = crypto.createHash('sha256').update(`tiktok-sandbox-media:${seed}`).digest();
	const counter = (BigInt(`0x${key.subarray(16, 32).toString('hex')}`) + BigInt(Math.floor(offset / 16))) % (1n << 128n);
	const iv = Buffer.from(counter.toString(16).padStart(32, '0'), 'hex');
	const cipher = crypto.createCipheriv('aes-128-ctr', key.subarray(0, 16), iv);
	cipher.update(Buffer.alloc(offset % 16));
	return cipher;
}

/**
 * Bytes [start, end] (inclusive) of the file `mp4Chunks(bytes, opts)` yields, in pieces of at most
 * 1 MiB, without generating the bytes before `start` (a Range answer, a read at the end of a 4 GB file).
 */
function* mp4Range(bytes, opts = {}, start = 0, end = bytes - 1) {
	const { prefix, payloadBytes, suffix } = layout(bytes, opts);
	if (payloadBytes === 0) {
		yield Buffer.concat([prefix, suffix]).subarray(0, bytes).subarray(start, end + 1);
		return;
	}
	const payloadEnd = prefix.length + payloadBytes; // exclusive
	let pos = start;
	if (pos < prefix.length) {
		const piece = prefix.subarray(pos, Math.min(prefix.length, end + 1));
		yield piece;
		pos += piece.length;
	}
	if (pos <= end && pos < payloadEnd) {
		const cipher = payloadCipherAt(opts.seed ?? 0, pos - prefix.length);
		const zerosBlock = Buffer.alloc(BLOCK);
		while (pos <= end && pos < payloadEnd) {
			const n = Math.min(BLOCK, end + 1 - pos, payloadEnd - pos);
			yield cipher.update(n === BLOCK ? zerosBlock : zerosBlock.subarray(0, n));
			pos += n;
		}
	}
	if (pos <= end) yield suffix.subarray(pos - payloadEnd, end + 1 - payloadEnd);
}

/** A whole file in memory: for small test files. */
function makeMp4(bytes, opts = {}) {
	return Buffer.concat([...mp4Chunks(bytes, opts)]);
}

/** Streams an MP4 of `bytes` bytes to `path` without holding it in memory. Resolves with the sha256 (hex). */
async function writeMp4File(path, bytes, opts = {}) {
	const hash = crypto.createHash('sha256');
	const out = fs.createWriteStream(path);
	// One error listener for the whole write (one per drain wait would pile up on big files).
	let failed = null;
	out.on('error', (error) => (failed = error));
	try {
		for (const chunk of mp4Chunks(bytes, opts)) {
			hash.update(chunk);
			if (!out.write(chunk)) {
				await new Promise((resolve) => {
					const done = () => {
						out.off('drain', done);
						out.off('error', done);
						resolve();
					};
					out.once('drain', done);
					out.once('error', done);
				});
			}
			if (failed) throw failed;
		}
	} finally {
		await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
	}
	return hash.digest('hex');
}

/** TikTok's container check: ISO-BMFF (MP4/MOV) has `ftyp` at bytes 4..8; WebM starts with EBML magic. */
function detectVideoFormat(head) {
	if (head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp') return 'mp4';
	if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'webm';
	return null;
}

// ---------- reading (TikTok's checks after the upload) ----------

/** Child boxes of buf[start, end): [{ type, start (payload), end }]; stops at anything malformed. */
function children(buf, start, end) {
	const list = [];
	let pos = start;
	while (pos + 8 <= end) {
		let size = buf.readUInt32BE(pos);
		let header = 8;
		if (size === 1) {
			if (pos + 16 > end) break;
			size = Number(buf.readBigUInt64BE(pos + 8));
			header = 16;
		} else if (size === 0) size = end - pos;
		if (size < header || pos + size > end) break;
		list.push({ type: buf.toString('latin1', pos + 4, pos + 8), start: pos + header, end: pos + size });
		pos += size;
	}
	return list;
}
const child = (buf, parent, type) => children(buf, parent.start, parent.end).find((b) => b.type === type);

function readTrack(buf, trak) {
	const mdia = child(buf, trak, 'mdia');
	const hdlr = mdia && child(buf, mdia, 'hdlr');
	const mdhd = mdia && child(buf, mdia, 'mdhd');
	const stbl = mdia && child(buf, mdia, 'minf') && child(buf, child(buf, mdia, 'minf'), 'stbl');
	if (!hdlr || !mdhd || !stbl) return null;
	const track = { handler: buf.toString('latin1', hdlr.start + 8, hdlr.start + 12) };
	const v1 = buf[mdhd.start] === 1;
	const timescale = buf.readUInt32BE(mdhd.start + (v1 ? 20 : 12));
	const stts = child(buf, stbl, 'stts');
	if (stts && timescale) {
		let samples = 0;
		let ticks = 0;
		const entries = buf.readUInt32BE(stts.start + 4);
		for (let i = 0; i < entries && stts.start + 16 + i * 8 <= stts.end; i++) {
			const count = buf.readUInt32BE(stts.start + 8 + i * 8);
			samples += count;
			ticks += count * buf.readUInt32BE(stts.start + 12 + i * 8);
		}
		if (samples && ticks) track.frameRate = samples / (ticks / timescale);
	}
	const stsd = child(buf, stbl, 'stsd');
	// First sample description: 8-byte box header, 6 reserved, data ref index, 16 bytes, then width, height.
	if (stsd && stsd.start + 8 + 36 <= stsd.end) {
		const entry = stsd.start + 8;
		track.width = buf.readUInt16BE(entry + 32);
		track.height = buf.readUInt16BE(entry + 34);
	}
	return track;
}

/** Duration, picture size and frame rate of the video track, from a buffer holding a whole moov box. */
function readMoov(buf, moov) {
	const info = { durationSec: null, width: null, height: null, frameRate: null };
	const mvhd = child(buf, moov, 'mvhd');
	if (mvhd) {
		const v1 = buf[mvhd.start] === 1;
		const timescale = buf.readUInt32BE(mvhd.start + (v1 ? 20 : 12));
		const duration = v1 ? Number(buf.readBigUInt64BE(mvhd.start + 24)) : buf.readUInt32BE(mvhd.start + 16);
		if (timescale) info.durationSec = duration / timescale;
	}
	for (const trak of children(buf, moov.start, moov.end).filter((b) => b.type === 'trak')) {
		const track = readTrack(buf, trak);
		if (track?.handler !== 'vide') continue;
		info.width = track.width ?? null;
		info.height = track.height ?? null;
		info.frameRate = track.frameRate ?? null;
		break;
	}
	return info;
}

/** Reads the video's properties from a buffer with the file's start (moov first); null when not there. */
function readVideoInfo(head) {
	const moov = children(head, 0, head.length).find((b) => b.type === 'moov');
	return moov ? readMoov(head, moov) : null;
}

/** Same, from a whole file on disk: walks the top-level boxes, wherever moov is (start or end). */
function readVideoInfoFromFile(path) {
	let fd;
	try {
		fd = fs.openSync(path, 'r');
		const size = fs.fstatSync(fd).size;
		const header = Buffer.alloc(16);
		let pos = 0;
		while (pos + 8 <= size) {
			fs.readSync(fd, header, 0, 16, pos);
			let boxSize = header.readUInt32BE(0);
			if (boxSize === 1) boxSize = Number(header.readBigUInt64BE(8));
			else if (boxSize === 0) boxSize = size - pos;
			if (boxSize < 8) return null;
			if (header.toString('latin1', 4, 8) === 'moov') {
				if (boxSize > 64 * BLOCK || pos + boxSize > size) return null;
				const moov = Buffer.alloc(boxSize);
				fs.readSync(fd, moov, 0, boxSize, pos);
				return readVideoInfo(moov);
			}
			pos += boxSize;
		}
		return null;
	} catch {
		return null;
	} finally {
		if (fd !== undefined) fs.closeSync(fd);
	}
}

const MEDIA_QUERY = { durationSec: Number, width: Number, height: Number, fps: Number, container: String, moovAtEnd: (v) => v === '1' || v === 'true' || v === 'end', audio: (v) => v === '1' || v === 'true' };

/**
 * GET|HEAD /media/<name>.mp4?bytes=N&durationSec=D&seed=S (and width, height, fps, container=mov,
 * moovAtEnd=1, audio=1): a generated file for PULL_FROM_URL and download demos. Honours one Range
 * (206, Content-Range; 416 past the end) unless `range=ignore` (200 and the whole file, no
 * Accept-Ranges); serving.js's headerDelayMs and stallAfterBytes.
 */
function serveMedia(req, res, url) {
	const bytes = url.searchParams.has('bytes') ? Number(url.searchParams.get('bytes')) : 1_000_000;
	const opts = { seed: url.searchParams.get('seed') ?? 0 };
	for (const [key, parse] of Object.entries(MEDIA_QUERY)) if (url.searchParams.has(key)) opts[key] = parse(url.searchParams.get(key));
	let valid = /^\/media\/[\w.-]+\.(mp4|mov)$/.test(url.pathname) && Number.isInteger(bytes) && bytes >= 1 && bytes <= 4_000_000_000;
	try {
		if (valid) mediaOptions(opts);
	} catch {
		valid = false;
	}
	if (!valid) {
		res.writeHead(404, { 'Content-Type': 'text/plain' });
		res.end('not found');
		return;
	}
	const ignoreRange = url.searchParams.get('range') === 'ignore';
	const headers = { 'Content-Type': opts.container === 'mov' || url.pathname.endsWith('.mov') ? 'video/quicktime' : 'video/mp4' };
	if (!ignoreRange) headers['Accept-Ranges'] = 'bytes';
	const range = ignoreRange || req.method !== 'GET' ? null : parseRange(req.headers.range, bytes);
	const modes = servingModes(url.searchParams);
	afterHeaderDelay(req, res, modes, () => {
		if (range === 'unsatisfiable') {
			res.writeHead(416, { ...headers, 'Content-Range': `bytes */${bytes}` });
			return void res.end();
		}
		const { start, end } = range || { start: 0, end: bytes - 1 };
		if (range) headers['Content-Range'] = `bytes ${start}-${end}/${bytes}`;
		res.writeHead(range ? 206 : 200, { ...headers, 'Content-Length': end - start + 1 });
		if (req.method === 'HEAD') return void res.end();
		pumpBody(res, range ? mp4Range(bytes, opts, start, end) : mp4Chunks(bytes, opts), { stallAfterBytes: modes.stallAfterBytes });
	});
}

module.exports = { makeMp4, writeMp4File, mp4Chunks, mp4Range, mediaOptions, detectVideoFormat, readVideoInfo, readVideoInfoFromFile, serveMedia };
