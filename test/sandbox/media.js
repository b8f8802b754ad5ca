'use strict';
/**
 * Generated test media and the byte-level checks TikTok runs on what it receives.
 *
 * The generated MP4 is "valid-looking", not playable: ftyp (isom) + moov/mvhd (duration) + mdat of
 * pseudo-random bytes. That is exactly what the node inspects (duration from mvhd) and what the
 * sandbox checks (ftyp at bytes 4..8). Content is deterministic for (bytes, durationSec, seed), so a
 * test can rebuild the same bytes and compare sha256 with what the sandbox received.
 */
const crypto = require('crypto');
const fs = require('fs');

const FTYP_SIZE = 32;
const MVHD_SIZE = 108;
const MOOV_SIZE = 8 + MVHD_SIZE;
const MDAT_HEADER_SIZE = 8;
const HEADER_SIZE = FTYP_SIZE + MOOV_SIZE + MDAT_HEADER_SIZE;
const BLOCK = 1 << 20;

function mp4Header(totalBytes, durationSec) {
	const header = Buffer.alloc(HEADER_SIZE);
	let o = 0;
	header.writeUInt32BE(FTYP_SIZE, o);
	header.write('ftypisom', o + 4, 'latin1');
	header.writeUInt32BE(0x200, o + 12);
	header.write('isomiso2avc1mp41', o + 16, 'latin1');
	o += FTYP_SIZE;

	header.writeUInt32BE(MOOV_SIZE, o);
	header.write('moov', o + 4, 'latin1');
	o += 8;
	header.writeUInt32BE(MVHD_SIZE, o);
	header.write('mvhd', o + 4, 'latin1');
	// version 0 + flags, creation and modification times stay 0
	header.writeUInt32BE(1000, o + 20); // timescale: milliseconds
	header.writeUInt32BE(Math.round(durationSec * 1000) >>> 0, o + 24);
	header.writeUInt32BE(0x00010000, o + 28); // rate 1.0
	header.writeUInt16BE(0x0100, o + 32); // volume 1.0
	// identity matrix (16.16 / 2.30 fixed point)
	header.writeUInt32BE(0x00010000, o + 44);
	header.writeUInt32BE(0x00010000, o + 60);
	header.writeUInt32BE(0x40000000, o + 76);
	header.writeUInt32BE(2, o + 104); // next_track_ID
	o += MVHD_SIZE;

	const mdatSize = Math.max(MDAT_HEADER_SIZE, totalBytes - FTYP_SIZE - MOOV_SIZE);
	header.writeUInt32BE(mdatSize >>> 0, o);
	header.write('mdat', o + 4, 'latin1');
	return header;
}

/** AES-CTR over zeros: a fast, deterministic pseudo-random stream (no per-byte JS work). */
function payloadCipher(seed) {
	const key = crypto.createHash('sha256').update(`tiktok-sandbox-media:${seed}`).digest();
	return crypto.createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
}

/** Yields the file as Buffers of at most 1 MiB. */
function* mp4Chunks(bytes, opts = {}) {
	if (!Number.isInteger(bytes) || bytes < 1) throw new RangeError('bytes must be a positive integer');
	const durationSec = opts.durationSec ?? 10;
	const header = mp4Header(bytes, durationSec);
	// Files smaller than the header are the header's first bytes (still an ftyp at 4..8 when >= 8).
	if (bytes <= HEADER_SIZE) {
		yield header.subarray(0, bytes);
		return;
	}
	yield header;
	const cipher = payloadCipher(opts.seed ?? 0);
	const zeros = Buffer.alloc(BLOCK);
	let left = bytes - HEADER_SIZE;
	while (left > 0) {
		const n = Math.min(left, BLOCK);
		yield cipher.update(n === BLOCK ? zeros : zeros.subarray(0, n));
		left -= n;
	}
}

/** A whole MP4 in memory: for small test files. */
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

/** Duration in seconds from moov/mvhd when the moov box lies inside `head`; null when unknown. */
function readMp4DurationSec(head) {
	const findBox = (buf, start, end, type) => {
		let pos = start;
		while (pos + 8 <= end) {
			let size = buf.readUInt32BE(pos);
			const name = buf.toString('latin1', pos + 4, pos + 8);
			let headerSize = 8;
			if (size === 1) {
				if (pos + 16 > end) return null;
				size = Number(buf.readBigUInt64BE(pos + 8));
				headerSize = 16;
			} else if (size === 0) size = end - pos;
			if (size < headerSize) return null;
			if (name === type) return { start: pos + headerSize, end: Math.min(pos + size, end), complete: pos + size <= end };
			pos += size;
		}
		return null;
	};
	const moov = findBox(head, 0, head.length, 'moov');
	if (!moov) return null;
	const mvhd = findBox(head, moov.start, moov.end, 'mvhd');
	if (!mvhd || mvhd.end - mvhd.start < 32) return null;
	const version = head[mvhd.start];
	if (version === 1) {
		const timescale = head.readUInt32BE(mvhd.start + 20);
		const duration = Number(head.readBigUInt64BE(mvhd.start + 24));
		return timescale ? duration / timescale : null;
	}
	const timescale = head.readUInt32BE(mvhd.start + 12);
	const duration = head.readUInt32BE(mvhd.start + 16);
	return timescale ? duration / timescale : null;
}

/** GET|HEAD /media/<name>.mp4?bytes=N&durationSec=D&seed=S: a generated MP4 for PULL_FROM_URL demos. */
function serveMedia(req, res, url) {
	const bytes = url.searchParams.has('bytes') ? Number(url.searchParams.get('bytes')) : 1_000_000;
	const durationSec = url.searchParams.has('durationSec') ? Number(url.searchParams.get('durationSec')) : 10;
	const seed = url.searchParams.get('seed') ?? 0;
	if (!/^\/media\/[\w.-]+\.mp4$/.test(url.pathname) || !Number.isInteger(bytes) || bytes < 1 || bytes > 4_000_000_000 || !(durationSec >= 0)) {
		res.writeHead(404, { 'Content-Type': 'text/plain' });
		res.end('not found');
		return;
	}
	res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': bytes });
	if (req.method === 'HEAD') return void res.end();
	const chunks = mp4Chunks(bytes, { durationSec, seed });
	const pump = () => {
		for (;;) {
			const next = chunks.next();
			if (next.done) return void res.end();
			if (!res.write(next.value)) return void res.once('drain', pump);
		}
	};
	res.on('close', () => chunks.return());
	pump();
}

module.exports = { makeMp4, writeMp4File, mp4Chunks, detectVideoFormat, readMp4DurationSec, serveMedia, MP4_HEADER_SIZE: HEADER_SIZE };
