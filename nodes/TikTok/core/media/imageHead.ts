/**
 * Pure: what the first bytes of an image say: its format (by content, whatever the URL or the
 * Content-Type claim) and, for JPEG and WebP, its size in pixels. The photo node reads the head of
 * each photo before TikTok pulls it, to refuse what TikTok would fail later (docs/tiktok-api.md §6, G10).
 */

export type ImageFormat =
	| 'jpeg'
	| 'webp'
	| 'png'
	| 'gif'
	| 'bmp'
	| 'tiff'
	| 'heic'
	| 'avif'
	| 'video'
	| 'html'
	| 'unknown';

/** How each format is named in messages ("Photo 2 is <name>"). */
export const IMAGE_FORMAT_NAMES: Readonly<Record<ImageFormat, string>> = {
	jpeg: 'a JPEG image',
	webp: 'a WebP image',
	png: 'a PNG image',
	gif: 'a GIF image',
	bmp: 'a BMP image',
	tiff: 'a TIFF image',
	heic: 'a HEIC/HEIF image',
	avif: 'an AVIF image',
	video: 'a video, not an image',
	html: 'a web page (HTML), not an image',
	unknown: 'not an image format TikTok reads',
};

export interface ImageHead {
	format: ImageFormat;
	/** Pixels, when the head holds the image's frame header (JPEG, WebP, PNG, GIF). */
	width?: number;
	height?: number;
}

/** Reads the format and, when the head holds it, the pixel size of an image. Never throws. */
export function readImageHead(head: Uint8Array): ImageHead {
	const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
	if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
		return { format: 'jpeg', ...jpegSize(bytes) };
	}
	if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') {
		return { format: 'webp', ...webpSize(bytes) };
	}
	if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) {
		const ihdr = bytes.length >= 24 && ascii(bytes, 12, 16) === 'IHDR';
		return ihdr ? { format: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) } : { format: 'png' };
	}
	if (bytes.length >= 6 && /^GIF8[79]a$/.test(ascii(bytes, 0, 6))) {
		return bytes.length >= 10
			? { format: 'gif', width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) }
			: { format: 'gif' };
	}
	if (bytes.length >= 2 && ascii(bytes, 0, 2) === 'BM') return { format: 'bmp' };
	if (bytes.length >= 4 && (ascii(bytes, 0, 4) === 'II*\u0000' || ascii(bytes, 0, 4) === 'MM\u0000*')) {
		return { format: 'tiff' };
	}
	if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') return { format: isoBrandFormat(ascii(bytes, 8, 12)) };
	if (bytes.length >= 4 && ascii(bytes, 0, 4) === '\u001aE\u00df\u00a3') return { format: 'video' }; // WebM/Matroska
	if (looksLikeHtml(bytes)) return { format: 'html' };
	return { format: 'unknown' };
}

function ascii(bytes: Buffer, start: number, end: number): string {
	return bytes.toString('latin1', start, end);
}

/** ISO-BMFF files share one container: the major brand tells a HEIC or AVIF photo from a video. */
function isoBrandFormat(brand: string): ImageFormat {
	if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'].includes(brand)) return 'heic';
	if (brand === 'avif' || brand === 'avis') return 'avif';
	return 'video';
}

function looksLikeHtml(bytes: Buffer): boolean {
	const text = bytes.toString('utf8', 0, Math.min(bytes.length, 256)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
	return text.startsWith('<!doctype html') || text.startsWith('<html') || text.startsWith('<?xml') || text.startsWith('<head');
}

/**
 * JPEG: walks the marker segments up to the frame header (SOF0 baseline, SOF1 extended, SOF2
 * progressive and the rarer SOFn), whose height and width follow the precision byte. EXIF blocks
 * can push it far into the file; when it is not in the head, the size stays unknown.
 */
function jpegSize(bytes: Buffer): { width?: number; height?: number } {
	let pos = 2;
	while (pos + 4 <= bytes.length) {
		if (bytes[pos] !== 0xff) return {};
		const marker = bytes[pos + 1];
		if (marker === 0xff) {
			pos += 1; // fill byte before a marker
			continue;
		}
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
			pos += 2; // markers without a length
			continue;
		}
		if (marker === 0xd9 || marker === 0xda) return {}; // end of image or scan data before any frame header
		const length = bytes.readUInt16BE(pos + 2);
		const isFrameHeader = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isFrameHeader) {
			if (pos + 9 > bytes.length) return {};
			const height = bytes.readUInt16BE(pos + 5);
			const width = bytes.readUInt16BE(pos + 7);
			// A height of 0 is defined later in the file (DNL marker): unknown here.
			return height > 0 && width > 0 ? { width, height } : {};
		}
		if (length < 2) return {};
		pos += 2 + length;
	}
	return {};
}

/**
 * WebP: RIFF chunks. VP8X (extended) states the canvas; VP8 (lossy) has 14-bit sizes after its key
 * frame start code; VP8L (lossless) packs width-1 and height-1 in 14 bits each after its signature.
 */
function webpSize(bytes: Buffer): { width?: number; height?: number } {
	let pos = 12;
	while (pos + 8 <= bytes.length) {
		const fourcc = ascii(bytes, pos, pos + 4);
		const size = bytes.readUInt32LE(pos + 4);
		const data = pos + 8;
		if (fourcc === 'VP8X') {
			if (data + 10 > bytes.length) return {};
			return { width: bytes.readUIntLE(data + 4, 3) + 1, height: bytes.readUIntLE(data + 7, 3) + 1 };
		}
		if (fourcc === 'VP8 ') {
			const startCode = data + 10 <= bytes.length && bytes[data + 3] === 0x9d && bytes[data + 4] === 0x01 && bytes[data + 5] === 0x2a;
			if (!startCode) return {};
			return { width: bytes.readUInt16LE(data + 6) & 0x3fff, height: bytes.readUInt16LE(data + 8) & 0x3fff };
		}
		if (fourcc === 'VP8L') {
			if (data + 5 > bytes.length || bytes[data] !== 0x2f) return {};
			const bits = bytes.readUInt32LE(data + 1);
			return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
		}
		pos = data + size + (size % 2); // chunks are padded to an even size
	}
	return {};
}
