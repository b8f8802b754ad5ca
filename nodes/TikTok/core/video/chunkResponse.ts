/**
 * Pure: what TikTok's answer to one chunk PUT means for the upload (docs/tiktok-api.md §4). 206 = next
 * chunk, 201 = complete (only after the last chunk), 416 = TikTok's Content-Range says where it
 * stands (it may already hold this chunk), 5xx / 408 / 429 / a dropped connection = send the same
 * chunk again, 403 = upload URL expired, anything else = stop with a message the user can act on.
 * uploadChunks (upload.ts) only sends, sleeps and counts on these verdicts.
 */
import { errorCode, isNetworkError } from '../http/failures';
import { formatBytes } from '../tiktok/wording';

/** Where the upload stands when an answer arrives. */
export interface ChunkAttempt {
	chunk: { index: number; start: number; end: number };
	isLast: boolean;
	totalChunks: number;
	videoSize: number;
	/** Retries of this chunk so far (0 on the first send). */
	attempt: number;
	/** Retries allowed per chunk; a retryable answer after that many retries gives up. */
	maxRetries: number;
}

export interface ChunkAnswer {
	status: number;
	/** The response's Content-Range header (TikTok's progress on a 416). */
	contentRange?: string;
	body?: unknown;
}

export type ChunkVerdict =
	/** The chunk is stored; TikTok now holds `bytesAccepted` bytes. */
	| { kind: 'accepted'; bytesAccepted: number }
	/** TikTok already held this chunk (its answer was lost): go on, TikTok holds `from` bytes. */
	| { kind: 'resume'; from: number }
	/** Send the same chunk again after a pause. */
	| { kind: 'retry'; message: string; status?: number }
	/** Stop the upload. `retryable`: running the item again later (with a new init) may succeed. */
	| { kind: 'fail'; message: string; status?: number; retryable: boolean };

/** Parses `bytes <first>-<last>/<total>` (or `bytes *\/<total>`: nothing stored yet -> last = -1). */
export function parseContentRange(value: string | undefined): { last: number; total?: number } | undefined {
	if (!value) return undefined;
	const m = /^\s*bytes\s+(?:(\d+)-(\d+)|\*)\s*\/\s*(\d+|\*)\s*$/i.exec(value);
	if (!m) return undefined;
	const total = m[3] === '*' ? undefined : Number(m[3]);
	if (m[2] === undefined) return { last: -1, total };
	return { last: Number(m[2]), total };
}

/** A short, safe description of the response body (TikTok's error message when there is one). */
export function bodyMessage(body: unknown): string {
	let value: unknown = body;
	if (Buffer.isBuffer(value)) value = value.toString('utf8');
	if (typeof value === 'string') {
		const text = value.trim();
		if (!text) return '';
		try {
			value = JSON.parse(text);
		} catch {
			return text.length > 300 ? `${text.slice(0, 300)}…` : text;
		}
	}
	if (value && typeof value === 'object') {
		const o = value as { error?: { code?: unknown; message?: unknown }; message?: unknown };
		const parts = [o.error?.code, o.error?.message, o.message].filter(
			(p): p is string => typeof p === 'string' && p.length > 0,
		);
		if (parts.length) return parts.join(': ');
		const text = JSON.stringify(value);
		return text.length > 300 ? `${text.slice(0, 300)}…` : text;
	}
	return '';
}

/** A retryable problem: retry, unless this chunk already had all its retries. */
function retryOrGiveUp(at: ChunkAttempt, message: string, status: number | undefined): ChunkVerdict {
	if (at.attempt < at.maxRetries) return { kind: 'retry', message, status };
	return {
		kind: 'fail',
		message: `${message}; gave up on chunk ${at.chunk.index + 1} of ${at.totalChunks} after ${at.attempt + 1} attempts. TikTok or the network may be having trouble; try again later`,
		status,
		retryable: true,
	};
}

/** What an HTTP answer to a chunk PUT means. */
export function interpretChunkResponse(answer: ChunkAnswer, at: ChunkAttempt): ChunkVerdict {
	const { status } = answer;
	if (status === 206 || status === 201 || status === 200) return successVerdict(status, at);
	if (status === 416) return rangeVerdict(answer.contentRange, at);
	if (status >= 500 || status === 429 || status === 408) {
		return retryOrGiveUp(at, `TikTok's upload server answered HTTP ${status}`, status);
	}
	return refusalVerdict(status, bodyMessage(answer.body), at);
}

/** 200/206 before the last chunk and 200/201 after it: stored. 201 early or 206 at the end: the plan and TikTok disagree. */
function successVerdict(status: number, at: ChunkAttempt): ChunkVerdict {
	const { chunk, isLast } = at;
	if (status === 201 && !isLast) {
		return {
			kind: 'fail',
			message: `TikTok said the upload was complete (HTTP 201) after chunk ${chunk.index + 1} of ${at.totalChunks}, before all bytes were sent. The chunk plan and TikTok disagree; run the item again`,
			status,
			retryable: false,
		};
	}
	if (status === 206 && isLast) {
		return {
			kind: 'fail',
			message: `TikTok still expects more bytes (HTTP 206) after the last chunk (${formatBytes(at.videoSize)} sent). The file size and the upload do not match; run the item again`,
			status,
			retryable: false,
		};
	}
	return { kind: 'accepted', bytesAccepted: chunk.end + 1 };
}

/** 416: TikTok's Content-Range says where it stands: it holds this chunk (go on), ends just before it (retry), or elsewhere. */
function rangeVerdict(contentRange: string | undefined, at: ChunkAttempt): ChunkVerdict {
	const { chunk } = at;
	const range = parseContentRange(contentRange);
	// TikTok already stored this chunk (e.g. the connection dropped after it was accepted).
	if (range && range.last >= chunk.end) return { kind: 'resume', from: Math.min(range.last + 1, at.videoSize) };
	if (range && range.last === chunk.start - 1) {
		return retryOrGiveUp(at, `TikTok did not accept chunk ${chunk.index + 1} (HTTP 416, it has ${formatBytes(range.last + 1)})`, 416);
	}
	return {
		kind: 'fail',
		message: `TikTok's upload server reports ${range ? `${formatBytes(range.last + 1)} received` : 'a different upload position'} (HTTP 416) while chunk ${chunk.index + 1} starts at byte ${chunk.start.toLocaleString('en-US')}. The upload cannot go back; run the item again`,
		status: 416,
		retryable: false,
	};
}

/** A refusal: 403 (expired URL, a new init may help), 404, 400, anything else. */
function refusalVerdict(status: number, detail: string, at: ChunkAttempt): ChunkVerdict {
	const nth = `chunk ${at.chunk.index + 1} of ${at.totalChunks}`;
	if (status === 403) {
		return {
			kind: 'fail',
			message: `TikTok refused the upload URL (HTTP 403): it has expired or is not valid${detail ? ` (${detail})` : ''}. Run the item again to get a new upload URL`,
			status,
			retryable: true,
		};
	}
	const message =
		status === 404
			? `TikTok has no upload task for this upload URL (HTTP 404${detail ? `: ${detail}` : ''}). Run the item again to start a new upload`
			: status === 400
				? `TikTok rejected ${nth} (HTTP 400${detail ? `: ${detail}` : ''}). The chunk headers or size did not match what TikTok expected`
				: `TikTok's upload server answered HTTP ${status} to ${nth}${detail ? ` (${detail})` : ''}`;
	return { kind: 'fail', message, status, retryable: false };
}

/**
 * What a chunk PUT that threw (no HTTP answer) means: a dropped connection is retried; anything else
 * stops. Only the error's code or name is used: HTTP client errors carry the URL with its token.
 */
export function interpretSendError(error: unknown, uploadHost: string, at: ChunkAttempt): ChunkVerdict {
	if (isNetworkError(error)) {
		return retryOrGiveUp(at, `The connection to TikTok's upload server (${uploadHost}) dropped (${errorCode(error) ?? 'connection error'})`, undefined);
	}
	return {
		kind: 'fail',
		message: `Sending chunk ${at.chunk.index + 1} of ${at.totalChunks} failed (${errorCode(error) ?? (error as Error)?.name ?? 'error'})`,
		retryable: false,
	};
}
