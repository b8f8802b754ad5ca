'use strict';
/**
 * Photos: generated test images, the checks TikTok runs on pulled photos, and the /media/ route that
 * serves the images with HTTP Range support.
 *
 * A generated image is "valid-looking", not decodable: the real container and header structures a
 * reader inspects (JPEG markers up to SOS, RIFF/WebP chunks with VP8/VP8L/VP8X headers, PNG IHDR,
 * GIF logical screen), then filler bytes up to the requested size. Every byte is addressable by its
 * position, so a Range request for any part of a 30 MB image costs no more than the part itself.
 *
 * This is the sandbox's own reader of image heads, written separately from the node's
 * (nodes/TikTok/core/media/imageHead.ts), so each one checks the other.
 */
const crypto = require('crypto');
const zlib = require('zlib');

const { parseRange, servingModes, afterHeaderDelay, pumpBody } = require('./serving');

/** TikTok's photo rules (docs/tiktok-api.md §6, G10). "20 MB" read strictly: 20,000,000 bytes. */
const PHOTO_RULES = { maxShortSide: 1080, maxBytes: 20_000_000, formats: ['jpeg', 'webp'] };

const EXTENSIONS = { jpg: 'jpeg', jpeg: 'jpeg', webp: 'webp', png: 'png', gif: 'gif' };
const CONTENT_TYPES = { jpeg: 'image/jpeg', webp: 'image/webp', png: 'image/png', gif: 'image/gif' };
const FILLER_BLOCK = 1 << 16;
const MAX_IMAGE_BYTES = 200_000_000;

const u16be = (n) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u16le = (n) => Buffer.from([n & 0xff, (n >> 8) & 0xff]);
const u24le = (n) => Buffer.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff]);
const u32le = (n) => {
	const b = Buffer.alloc(4);
	b.writeUInt32LE(n >>> 0);
	return b;
};
const u32be = (n) => {
	const b = Buffer.alloc(4);
	b.writeUInt32BE(n >>> 0);
	return b;
};
const jpegSegment = (marker, payload) => Buffer.concat([Buffer.from([0xff, marker]), u16be(payload.length + 2), payload]);

/** JPEG head: SOI, APP0 (JFIF), optional APP1 padding (an "EXIF" block), DQT, SOFn, DHT, SOS. */
function jpegHead({ width, height, sof, exifBytes }) {
	const parts = [Buffer.from([0xff, 0xd8])];
	parts.push(jpegSegment(0xe0, Buffer.concat([Buffer.from('JFIF\0', 'latin1'), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0])])));
	// One segment holds at most 65,533 payload bytes: bigger EXIF blocks take several APP1 segments.
	for (let left = exifBytes; left > 0; ) {
		const n = Math.min(left, 65533);
		const payload = Buffer.alloc(n);
		payload.write('Exif\0\0', 0, 'latin1');
		parts.push(jpegSegment(0xe1, payload));
		left -= n;
	}
	parts.push(jpegSegment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])));
	const components = Buffer.from([1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0]);
	parts.push(jpegSegment(0xc0 + sof, Buffer.concat([Buffer.from([8]), u16be(height), u16be(width), Buffer.from([3]), components])));
	parts.push(jpegSegment(0xc4, Buffer.concat([Buffer.from([0]), Buffer.from([1, ...new Array(15).fill(0)]), Buffer.from([0])])));
	parts.push(jpegSegment(0xda, Buffer.from([3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0])));
	return Buffer.concat(parts);
}

/** The first bytes of a WebP's image chunk: VP8 key frame header or VP8L header. */
function vp8Header(width, height) {
	// frame tag: key frame (bit 0 = 0), version 0, show_frame 1, first partition size 0
	return Buffer.concat([Buffer.from([0x10, 0x00, 0x00, 0x9d, 0x01, 0x2a]), u16le(width & 0x3fff), u16le(height & 0x3fff)]);
}
function vp8lHeader(width, height) {
	const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14);
	return Buffer.concat([Buffer.from([0x2f]), u32le(bits)]);
}

/**
 * WebP head up to the start of the image chunk's payload. The chunk sizes are written for a file of
 * `total` bytes, so the filler that follows is the rest of the image chunk.
 */
function webpHead({ width, height, variant, total }) {
	const chunk = (fourcc, size, data) => Buffer.concat([Buffer.from(fourcc, 'latin1'), u32le(size), data]);
	const parts = [Buffer.from('RIFF', 'latin1'), u32le(total - 8), Buffer.from('WEBP', 'latin1')];
	let used = 12;
	if (variant === 'vp8x') {
		// VP8X: flags, 3 reserved bytes, canvas width-1 and height-1 (24 bits each); then the image chunk.
		parts.push(chunk('VP8X', 10, Buffer.concat([Buffer.from([0, 0, 0, 0]), u24le(width - 1), u24le(height - 1)])));
		used += 18;
	}
	const lossless = variant === 'vp8l';
	const header = lossless ? vp8lHeader(width, height) : vp8Header(width, height);
	parts.push(Buffer.from(lossless ? 'VP8L' : 'VP8 ', 'latin1'), u32le(total - used - 8), header);
	return Buffer.concat(parts);
}

function pngHead({ width, height }) {
	const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 2, 0, 0, 0])]);
	const typed = Buffer.concat([Buffer.from('IHDR', 'latin1'), ihdr]);
	const crc = typeof zlib.crc32 === 'function' ? zlib.crc32(typed) : 0;
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), u32be(13), typed, u32be(crc)]);
}

function gifHead({ width, height }) {
	return Buffer.concat([Buffer.from('GIF89a', 'latin1'), u16le(width), u16le(height), Buffer.from([0, 0, 0])]);
}

/**
 * The layout of a generated image: head, filler, trailer. `spec`: { format, width, height, bytes,
 * seed, sof (JPEG 0|1|2), webp ('vp8'|'vp8l'|'vp8x'), exifBytes (JPEG) }.
 */
function imageLayout(spec) {
	const format = spec.format;
	const width = spec.width;
	const height = spec.height;
	const trailer = format === 'jpeg' ? Buffer.from([0xff, 0xd9]) : Buffer.alloc(0);
	const headFor = (total) => {
		if (format === 'jpeg') return jpegHead({ width, height, sof: spec.sof ?? 0, exifBytes: spec.exifBytes ?? 0 });
		if (format === 'webp') return webpHead({ width, height, variant: spec.webp ?? 'vp8', total });
		if (format === 'png') return pngHead({ width, height });
		if (format === 'gif') return gifHead({ width, height });
		throw new RangeError(`unknown image format ${format}`);
	};
	const minimum = headFor(1 << 20).length + trailer.length;
	const total = Math.max(minimum, spec.bytes ?? minimum + 4096);
	const head = headFor(total);
	// Filler: a 64 KiB pseudo-random block repeated (so any position is known without generating the
	// bytes before it). JPEG entropy data never holds 0xFF, which would read as a marker.
	const block = crypto.createHash('sha256').update(`tiktok-sandbox-image:${spec.seed ?? 0}`).digest();
	const filler = Buffer.alloc(FILLER_BLOCK);
	for (let i = 0; i < FILLER_BLOCK; i += 32) crypto.createHash('sha256').update(block).update(String(i)).digest().copy(filler, i);
	if (format === 'jpeg') for (let i = 0; i < filler.length; i++) if (filler[i] === 0xff) filler[i] = 0xfe;
	return { total, head, trailer, filler, contentType: CONTENT_TYPES[format] };
}

/** Bytes [start, end] (inclusive) of the image, in pieces of at most 1 MiB. */
function* imageRange(layout, start = 0, end = layout.total - 1) {
	const { total, head, trailer, filler } = layout;
	const fillerEnd = total - trailer.length; // exclusive
	let pos = start;
	while (pos <= end) {
		let piece;
		if (pos < head.length) {
			piece = head.subarray(pos, Math.min(head.length, end + 1));
		} else if (pos < fillerEnd) {
			const n = Math.min(end + 1, fillerEnd, pos + (1 << 20)) - pos;
			piece = Buffer.allocUnsafe(n);
			let offset = (pos - head.length) % FILLER_BLOCK;
			for (let written = 0; written < n; ) {
				const take = Math.min(n - written, FILLER_BLOCK - offset);
				filler.copy(piece, written, offset, offset + take);
				written += take;
				offset = 0;
			}
		} else {
			piece = trailer.subarray(pos - fillerEnd, end + 1 - fillerEnd);
		}
		yield piece;
		pos += piece.length;
	}
}

/** A whole generated image in memory (small test images). */
function makeImage(spec) {
	return Buffer.concat([...imageRange(imageLayout(spec))]);
}

/**
 * What TikTok's photo checks read from an image's first bytes: its format (by content, whatever the
 * URL or Content-Type say) and its size in pixels. `null` width/height when the head does not hold them.
 */
function inspectImage(head) {
	const none = (format) => ({ format, width: null, height: null });
	if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return inspectJpeg(head);
	if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return inspectWebp(head);
	if (head.length >= 24 && head.readUInt32BE(0) === 0x89504e47 && head.toString('latin1', 12, 16) === 'IHDR') {
		return { format: 'png', width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
	}
	if (head.length >= 10 && /^GIF8[79]a$/.test(head.toString('latin1', 0, 6))) return { format: 'gif', width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
	return none(null);
}

function inspectJpeg(head) {
	let pos = 2;
	while (pos + 4 <= head.length) {
		if (head[pos] !== 0xff) return { format: 'jpeg', width: null, height: null };
		const marker = head[pos + 1];
		if (marker === 0xff) {
			pos += 1; // fill byte
			continue;
		}
		if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
			pos += 2; // no length
			continue;
		}
		const length = head.readUInt16BE(pos + 2);
		// Start of frame: every SOFn except DHT (C4), JPG (C8) and DAC (CC).
		const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isSof) {
			if (pos + 9 > head.length) break;
			const height = head.readUInt16BE(pos + 5);
			return { format: 'jpeg', width: head.readUInt16BE(pos + 7), height: height || null, sof: marker - 0xc0 };
		}
		if (marker === 0xda || marker === 0xd9) break; // scan data or end before any frame header
		pos += 2 + length;
	}
	return { format: 'jpeg', width: null, height: null };
}

function inspectWebp(head) {
	let pos = 12;
	while (pos + 8 <= head.length) {
		const fourcc = head.toString('latin1', pos, pos + 4);
		const size = head.readUInt32LE(pos + 4);
		const data = pos + 8;
		if (fourcc === 'VP8X' && data + 10 <= head.length) {
			return { format: 'webp', width: head.readUIntLE(data + 4, 3) + 1, height: head.readUIntLE(data + 7, 3) + 1, variant: 'vp8x' };
		}
		if (fourcc === 'VP8 ' && data + 10 <= head.length && head[data + 3] === 0x9d && head[data + 4] === 0x01 && head[data + 5] === 0x2a) {
			return { format: 'webp', width: head.readUInt16LE(data + 6) & 0x3fff, height: head.readUInt16LE(data + 8) & 0x3fff, variant: 'vp8' };
		}
		if (fourcc === 'VP8L' && data + 5 <= head.length && head[data] === 0x2f) {
			const bits = head.readUInt32LE(data + 1);
			return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, variant: 'vp8l' };
		}
		pos = data + size + (size % 2);
	}
	return { format: 'webp', width: null, height: null };
}

/** TikTok's verdict on one pulled photo: null when fine, else the fail_reason. */
function photoFailReason(head, bytes) {
	if (bytes > PHOTO_RULES.maxBytes) return 'photo_pull_failed';
	const info = inspectImage(head);
	if (!PHOTO_RULES.formats.includes(info.format) || !info.width || !info.height) return 'file_format_check_failed';
	if (Math.min(info.width, info.height) > PHOTO_RULES.maxShortSide) return 'picture_size_check_failed';
	return null;
}

/** Parses `/media/<name>.<ext>?…` into an image spec, or null when it is not a valid image URL. */
function imageSpecFromUrl(url) {
	const match = /^\/media\/[\w.-]+\.(jpg|jpeg|webp|png|gif)$/i.exec(url.pathname);
	if (!match) return null;
	const q = url.searchParams;
	const int = (name, fallback) => (q.has(name) ? Number(q.get(name)) : fallback);
	const spec = {
		format: q.get('format') || EXTENSIONS[match[1].toLowerCase()],
		width: int('w', 1080),
		height: int('h', 1350),
		bytes: q.has('bytes') ? int('bytes') : undefined,
		seed: q.get('seed') ?? 0,
		sof: int('sof', 0),
		webp: q.get('webp') || 'vp8',
		exifBytes: int('exifBytes', 0),
	};
	const dimension = (n) => Number.isInteger(n) && n >= 1 && n <= (spec.format === 'webp' && spec.webp !== 'vp8x' ? 16383 : 65535);
	if (!CONTENT_TYPES[spec.format] || !dimension(spec.width) || !dimension(spec.height)) return null;
	if (![0, 1, 2].includes(spec.sof) || !['vp8', 'vp8l', 'vp8x'].includes(spec.webp)) return null;
	if (!Number.isInteger(spec.exifBytes) || spec.exifBytes < 0 || spec.exifBytes > 1_000_000) return null;
	if (spec.bytes !== undefined && (!Number.isInteger(spec.bytes) || spec.bytes < 1 || spec.bytes > MAX_IMAGE_BYTES)) return null;
	return {
		spec,
		ignoreRange: q.get('range') === 'ignore',
		hideSize: q.get('size') === 'hidden',
		stallMs: Math.max(0, Math.min(int('stallMs', 0) || 0, 600_000)),
	};
}

/**
 * GET|HEAD /media/<name>.(jpg|jpeg|webp|png|gif): a generated image. Query: w, h (pixels), bytes
 * (file size), seed, format (jpeg|webp|png|gif, to serve other bytes than the extension says), sof
 * (JPEG 0|1|2), webp (vp8|vp8l|vp8x), exifBytes (JPEG APP1 padding before the frame header).
 * Serving modes: range=ignore (answers every GET with 200 and the whole file), size=hidden (no
 * Content-Length; a range answer says `bytes a-b/*`), stallMs=N (a whole-file GET pauses N ms
 * before its last byte: a pull that stays in progress, to cancel it), and serving.js's headerDelayMs
 * and stallAfterBytes.
 */
function serveImage(req, res, url) {
	const parsed = imageSpecFromUrl(url);
	if (!parsed) {
		res.writeHead(404, { 'Content-Type': 'text/plain' });
		res.end('not found');
		return;
	}
	const layout = imageLayout(parsed.spec);
	const headers = { 'Content-Type': layout.contentType };
	if (!parsed.ignoreRange) headers['Accept-Ranges'] = 'bytes';
	const range = parsed.ignoreRange || req.method !== 'GET' ? null : parseRange(req.headers.range, layout.total);
	const totalText = parsed.hideSize ? '*' : String(layout.total);
	const modes = servingModes(url.searchParams);
	afterHeaderDelay(req, res, modes, () => {
		if (range === 'unsatisfiable') {
			res.writeHead(416, { ...headers, 'Content-Range': `bytes */${totalText}` });
			res.end();
			return;
		}
		let start = 0;
		let end = layout.total - 1;
		if (range) {
			({ start, end } = range);
			headers['Content-Range'] = `bytes ${start}-${end}/${totalText}`;
			headers['Content-Length'] = end - start + 1;
		} else if (!parsed.hideSize) {
			headers['Content-Length'] = layout.total;
		}
		res.writeHead(range ? 206 : 200, headers);
		if (req.method === 'HEAD') return void res.end();
		const stall = !range && parsed.stallMs > 0 && end > start;
		let timer = null;
		res.on('close', () => timer && clearTimeout(timer));
		const finishAfterStall = () => {
			timer = setTimeout(() => {
				timer = null;
				res.end(Buffer.concat([...imageRange(layout, end, end)]));
			}, parsed.stallMs);
			timer.unref();
		};
		pumpBody(res, imageRange(layout, start, stall ? end - 1 : end), {
			stallAfterBytes: modes.stallAfterBytes,
			...(stall ? { onEnd: finishAfterStall } : {}),
		});
	});
}

const IMAGE_PATH = /^\/media\/[\w.-]+\.(jpg|jpeg|webp|png|gif)$/i;

module.exports = { PHOTO_RULES, IMAGE_PATH, imageLayout, imageRange, makeImage, inspectImage, photoFailReason, imageSpecFromUrl, parseRange, serveImage };
