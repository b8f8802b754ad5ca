/**
 * Pure: the verdict on one photo from what its server answered to the node's ranged GET: refuse what
 * TikTok would fail after pulling it (not JPEG/WebP, short side over 1080 px (docs/tiktok-api.md G10), over 20 MB), and
 * say what could not be checked (no Range support, no stated size, pixels beyond the head).
 */
import { IMAGE_FORMAT_NAMES, readImageHead, type ImageHead } from '../media/imageHead';
import { redactUrl } from '../media/urlSafety';
import { photoLabel } from './photoRules';

/** docs/tiktok-api.md G10: one photo over 1080 px on its short side fails the whole post (picture_size_check_failed). */
export const MAX_PHOTO_SHORT_SIDE = 1080;
/** "20 MB" read strictly (the decimal reading is the smaller one). */
export const MAX_PHOTO_BYTES = 20_000_000;
/** How much of each photo the node reads: enough for the headers, never the whole photo. */
export const PHOTO_HEAD_BYTES = 65_536;

/** What the node got when it asked a photo's server for the first bytes. */
export type PhotoHeadFetch =
	| {
			kind: 'answer';
			/** 206 (Range answered) or 200 (the server sent the whole file, or ignored Range) */
			status: number;
			head: Uint8Array;
			/** total file size when the server stated it (Content-Range total, or Content-Length of a 200) */
			totalBytes?: number;
	  }
	| { kind: 'http_error'; status: number; location?: string }
	| { kind: 'network_error'; message: string }
	/** n8n's SSRF protection refused the request (with n8n's reason) */
	| { kind: 'refused_by_n8n'; message: string };

export interface PhotoCheck {
	/** 1-based */
	position: number;
	format: string;
	width?: number;
	height?: number;
	/** file size in bytes, when the server stated it */
	bytes?: number;
}

export interface PhotoVerdict {
	check: PhotoCheck;
	/** what TikTok would fail: the post must not be started */
	problem?: string;
	/** what could not be checked, for the output's note */
	warnings: string[];
}

/**
 * The file size a server states: the total of `Content-Range: bytes a-b/total` on a 206, or the
 * Content-Length of a whole-file 200 (not when the body is compressed: then it counts other bytes).
 */
export function statedTotalBytes(
	status: number,
	headers: { contentRange?: string; contentLength?: string; contentEncoding?: string },
): number | undefined {
	if (status === 206) {
		const match = /^\s*bytes\s+\d+-\d+\/(\d+)\s*$/i.exec(headers.contentRange ?? '');
		return match ? Number(match[1]) : undefined;
	}
	const encoding = headers.contentEncoding?.trim().toLowerCase();
	if (status !== 200 || (encoding && encoding !== 'identity')) return undefined;
	const length = headers.contentLength?.trim();
	return length && /^\d+$/.test(length) ? Number(length) : undefined;
}

/** Why a photo whose server gave no usable answer fails the post. */
function unansweredProblem(label: string, fetched: Exclude<PhotoHeadFetch, { kind: 'answer' }>): string {
	if (fetched.kind === 'network_error') {
		return `${label} could not be read (${fetched.message}). TikTok would fail the post with photo_pull_failed: check that the URL is public and reachable.`;
	}
	if (fetched.kind === 'refused_by_n8n') {
		return `${label} was not read: ${fetched.message}. n8n's SSRF protection refuses private and local addresses: ask the n8n administrator to allow this host, or use a public URL (TikTok cannot pull a photo from a private network either).`;
	}
	return `${label}: ${httpProblem(fetched.status, fetched.location)}`;
}

/** Judges one photo from what its server answered: refuse what TikTok would fail, note what is unknown. */
export function judgePhoto(position: number, total: number, url: string, fetched: PhotoHeadFetch): PhotoVerdict {
	const label = photoLabel(position, total, url);
	const check: PhotoCheck = { position, format: 'unknown' };
	if (fetched.kind !== 'answer') return { check, warnings: [], problem: unansweredProblem(label, fetched) };

	const head: ImageHead = readImageHead(fetched.head);
	check.format = head.format;
	if (head.width !== undefined) check.width = head.width;
	if (head.height !== undefined) check.height = head.height;
	if (fetched.totalBytes !== undefined) check.bytes = fetched.totalBytes;

	const warnings: string[] = [];
	if (fetched.status === 200) {
		// A 200 to a ranged GET means the server ignored the range and started sending the whole file.
		warnings.push(`${label}: the server does not answer Range requests (it started sending the whole file); the node read the first ${PHOTO_HEAD_BYTES.toLocaleString('en-US')} bytes at most and stopped.`);
	}
	if (fetched.head.length === 0) {
		return { check, warnings, problem: `${label} is empty (0 bytes). Check the URL.` };
	}
	if (head.format !== 'jpeg' && head.format !== 'webp') {
		return {
			check,
			warnings,
			problem: `${label} is ${IMAGE_FORMAT_NAMES[head.format]}. TikTok accepts only JPEG or WebP photos (file_format_check_failed otherwise): convert it to JPEG or WebP.`,
		};
	}
	if (fetched.totalBytes !== undefined && fetched.totalBytes > MAX_PHOTO_BYTES) {
		return {
			check,
			warnings,
			problem: `${label} is ${fetched.totalBytes.toLocaleString('en-US')} bytes, over TikTok's limit of 20 MB (${MAX_PHOTO_BYTES.toLocaleString('en-US')} bytes) per photo. Compress it or lower its resolution.`,
		};
	}
	if (head.width !== undefined && head.height !== undefined) {
		const shortSide = Math.min(head.width, head.height);
		if (shortSide > MAX_PHOTO_SHORT_SIDE) {
			return {
				check,
				warnings,
				problem: `${label} is ${head.width} × ${head.height} px: its short side (${shortSide} px) is over TikTok's limit of ${MAX_PHOTO_SHORT_SIDE} px, and one such photo fails the whole post (picture_size_check_failed). Resize it so its short side is at most ${MAX_PHOTO_SHORT_SIDE} px.`,
			};
		}
	} else {
		warnings.push(`${label}: its size in pixels is not in its first ${PHOTO_HEAD_BYTES.toLocaleString('en-US')} bytes (a large EXIF block?), so the 1080 px rule was not checked; TikTok checks it (picture_size_check_failed).`);
	}
	if (fetched.totalBytes === undefined) {
		warnings.push(`${label}: the server did not state the file size, so the 20 MB limit was not checked; TikTok checks it.`);
	}
	return { check, warnings };
}

function httpProblem(status: number, location?: string): string {
	if (status >= 300 && status < 400) {
		return `the server answered HTTP ${status} (a redirect${location ? ` to ${redactUrl(location)}` : ''}). TikTok does not follow redirects: use the final URL of the photo.`;
	}
	if (status === 401 || status === 403) {
		return `the server answered HTTP ${status}: the photo needs a login or the link has expired, so TikTok could not pull it either. Use a public or freshly signed link.`;
	}
	if (status === 404 || status === 410) return `the server answered HTTP ${status}: there is no photo at this URL. Check the URL.`;
	if (status === 416) return 'the server answered HTTP 416 to a read of the first bytes: the file is empty. Check the URL.';
	return `the server answered HTTP ${status}, so TikTok would fail the post with photo_pull_failed. Check that the URL is right and the server is up.`;
}
