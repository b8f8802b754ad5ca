/**
 * Content type of the video for TikTok's chunk PUT (docs/tiktok-api.md §4, §6): MP4, MOV (QuickTime) or WebM.
 * Derived from the MIME type or the file extension, then checked against the first bytes of the file so
 * that a mislabelled or non-video file (e.g. a PNG named .mp4) is rejected before anything is uploaded.
 */

export type VideoContentType = 'video/mp4' | 'video/quicktime' | 'video/webm';

export const ACCEPTED_VIDEO_TYPES_TEXT = 'MP4 (.mp4, .m4v), MOV (.mov) or WebM (.webm)';

const MIME_TO_TYPE: Record<string, VideoContentType> = {
	'video/mp4': 'video/mp4',
	'video/x-m4v': 'video/mp4',
	'video/m4v': 'video/mp4',
	'application/mp4': 'video/mp4',
	'video/quicktime': 'video/quicktime',
	'video/mov': 'video/quicktime',
	'video/x-quicktime': 'video/quicktime',
	'video/webm': 'video/webm',
};

const EXTENSION_TO_TYPE: Record<string, VideoContentType> = {
	mp4: 'video/mp4',
	m4v: 'video/mp4',
	mov: 'video/quicktime',
	qt: 'video/quicktime',
	webm: 'video/webm',
};

/** MIME types that say nothing about the content: fall back to the file extension. */
const GENERIC_MIME_TYPES = new Set([
	'',
	'application/octet-stream',
	'binary/octet-stream',
	'application/binary',
	'application/unknown',
	'application/x-unknown',
	'application/force-download',
	'application/download',
]);

function normalizeMime(mimeType: string | undefined): string {
	if (!mimeType) return '';
	return mimeType.split(';')[0].trim().toLowerCase();
}

/** The extension of a file name or URL path (lower case, without the dot), or '' if none. */
export function fileExtension(name: string | undefined): string {
	if (!name) return '';
	const base = name.split(/[?#]/)[0].split(/[\\/]/).pop() ?? '';
	const dot = base.lastIndexOf('.');
	if (dot < 0) return '';
	return base.slice(dot + 1).toLowerCase();
}

export interface MediaTypeInput {
	/** MIME type from the binary data or the Content-Type response header. */
	mimeType?: string;
	/** File name (binary) or URL path (download). */
	fileName?: string;
	/** Extension recorded with the binary data, without the dot. */
	fileExtension?: string;
}

/**
 * Content type for the chunk PUT. Uses the MIME type when it names an accepted video type; when the
 * MIME type is missing, generic (application/octet-stream) or another video/* type, falls back to the
 * extension. Throws an error naming what was given and what is accepted otherwise.
 */
export function resolveVideoContentType(input: MediaTypeInput): VideoContentType {
	const mime = normalizeMime(input.mimeType);
	const fromMime = MIME_TO_TYPE[mime];
	if (fromMime) return fromMime;

	const ext = (input.fileExtension ?? '').replace(/^\./, '').toLowerCase() || fileExtension(input.fileName);
	const fromExt = EXTENSION_TO_TYPE[ext];
	if (fromExt && (GENERIC_MIME_TYPES.has(mime) || mime.startsWith('video/'))) return fromExt;

	const given: string[] = [];
	if (mime) given.push(`type "${mime}"`);
	if (input.fileName) given.push(`file name "${input.fileName}"`);
	else if (ext) given.push(`extension ".${ext}"`);
	const what = given.length ? given.join(' and ') : 'no file type or file name';
	throw new Error(
		`The file is not a video TikTok accepts (got ${what}). TikTok accepts ${ACCEPTED_VIDEO_TYPES_TEXT}; convert the video or fix its file name or MIME type`,
	);
}

export type SniffedContainer = 'iso-bmff' | 'quicktime' | 'webm';

/** Top-level box types a QuickTime/MP4 file may start with (old QuickTime files have no ftyp). */
const ISO_FIRST_BOXES = new Set(['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

/**
 * Looks at the first bytes: an `ftyp` box (MP4/MOV; brand `qt  ` = QuickTime) or the EBML magic
 * 1A 45 DF A3 (WebM/Matroska). Returns undefined when neither matches.
 */
export function sniffVideoContainer(head: Buffer): SniffedContainer | undefined {
	if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
	if (head.length >= 8) {
		const type = head.toString('latin1', 4, 8);
		if (type === 'ftyp') {
			const brand = head.length >= 12 ? head.toString('latin1', 8, 12) : '';
			return brand === 'qt  ' ? 'quicktime' : 'iso-bmff';
		}
		if (ISO_FIRST_BOXES.has(type)) return 'quicktime';
	}
	return undefined;
}

function describeNonVideo(head: Buffer): string | undefined {
	const startsWith = (bytes: number[]) => bytes.every((b, i) => head[i] === b);
	if (startsWith([0x89, 0x50, 0x4e, 0x47])) return 'a PNG image';
	if (startsWith([0xff, 0xd8, 0xff])) return 'a JPEG image';
	if (startsWith([0x47, 0x49, 0x46, 0x38])) return 'a GIF image';
	if (startsWith([0x25, 0x50, 0x44, 0x46])) return 'a PDF document';
	if (startsWith([0x50, 0x4b, 0x03, 0x04])) return 'a ZIP archive';
	if (startsWith([0x52, 0x49, 0x46, 0x46])) return 'a RIFF file (AVI/WAV/WebP)';
	if (startsWith([0x49, 0x44, 0x33])) return 'an MP3 file';
	const text = head.toString('latin1', 0, Math.min(head.length, 64)).trimStart().toLowerCase();
	if (text.startsWith('<!doctype html') || text.startsWith('<html')) return 'an HTML page';
	if (text.startsWith('<?xml') || text.startsWith('<')) return 'an XML/HTML document';
	if (text.startsWith('{') || text.startsWith('[')) return 'JSON text';
	return undefined;
}

/**
 * Checks the first bytes of the file against the declared content type and returns the content type to
 * send. MP4 and MOV share one container format, so either label is kept for either; a WebM labelled as
 * MP4 (or the reverse) is corrected to what the bytes say. Anything that is not a video throws.
 */
export function checkVideoBytes(head: Buffer, declared: VideoContentType, label = 'The file'): VideoContentType {
	const sniffed = sniffVideoContainer(head);
	if (sniffed === 'webm') return 'video/webm';
	if (sniffed === 'iso-bmff' || sniffed === 'quicktime') {
		if (declared !== 'video/webm') return declared;
		return sniffed === 'quicktime' ? 'video/quicktime' : 'video/mp4';
	}
	const actual = describeNonVideo(head);
	throw new Error(
		`${label} is labelled ${declared} but its content is ${actual ?? 'not an MP4, MOV or WebM video'}. TikTok accepts ${ACCEPTED_VIDEO_TYPES_TEXT}; check that the right file or URL is used`,
	);
}
