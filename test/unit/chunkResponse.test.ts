import {
	bodyMessage,
	interpretChunkResponse,
	interpretSendError,
	parseContentRange,
	type ChunkAttempt,
	type ChunkVerdict,
} from '../../nodes/TikTok/core/video/chunkResponse';

// A 4-chunk upload of 21,000,000 bytes in 5 MiB chunks (the last one takes the remainder).
const TOTAL = 21_000_000;
const CHUNKS = [
	{ index: 0, start: 0, end: 5_242_879 },
	{ index: 1, start: 5_242_880, end: 10_485_759 },
	{ index: 2, start: 10_485_760, end: 15_728_639 },
	{ index: 3, start: 15_728_640, end: 20_999_999 },
];
const FIRST = CHUNKS[0];
const MIDDLE = CHUNKS[1];
const LAST = CHUNKS[3];

function at(chunk: (typeof CHUNKS)[number], attempt = 0, maxRetries = 4): ChunkAttempt {
	return { chunk, isLast: chunk.index === 3, totalChunks: 4, videoSize: TOTAL, attempt, maxRetries };
}

describe('parseContentRange', () => {
	it('parses ranges', () => {
		expect(parseContentRange('bytes 0-9999999/25000000')).toEqual({ last: 9_999_999, total: 25_000_000 });
		expect(parseContentRange('bytes */25000000')).toEqual({ last: -1, total: 25_000_000 });
		expect(parseContentRange('nonsense')).toBeUndefined();
		expect(parseContentRange(undefined)).toBeUndefined();
	});
});

describe('interpretChunkResponse: every answer to a chunk PUT', () => {
	const table: Array<[string, { status: number; contentRange?: string; body?: unknown }, ChunkAttempt, ChunkVerdict]> = [
		// 200 / 201 / 206 in the right place
		['206 after the first chunk', { status: 206 }, at(FIRST), { kind: 'accepted', bytesAccepted: 5_242_880 }],
		['206 after a middle chunk', { status: 206 }, at(MIDDLE), { kind: 'accepted', bytesAccepted: 10_485_760 }],
		['201 after the last chunk', { status: 201 }, at(LAST), { kind: 'accepted', bytesAccepted: TOTAL }],
		['200 after a middle chunk', { status: 200 }, at(MIDDLE), { kind: 'accepted', bytesAccepted: 10_485_760 }],
		['200 after the last chunk', { status: 200 }, at(LAST), { kind: 'accepted', bytesAccepted: TOTAL }],
		// ... and in the wrong place
		[
			'201 before the last chunk',
			{ status: 201 },
			at(MIDDLE),
			{
				kind: 'fail',
				status: 201,
				retryable: false,
				message:
					'TikTok said the upload was complete (HTTP 201) after chunk 2 of 4, before all bytes were sent. The chunk plan and TikTok disagree; run the item again',
			},
		],
		[
			'206 after the last chunk',
			{ status: 206 },
			at(LAST),
			{
				kind: 'fail',
				status: 206,
				retryable: false,
				message:
					'TikTok still expects more bytes (HTTP 206) after the last chunk (21,000,000 bytes sent). The file size and the upload do not match; run the item again',
			},
		],
		// 416: TikTok's Content-Range says where it stands
		['416, TikTok holds exactly this chunk', { status: 416, contentRange: 'bytes 0-10485759/21000000' }, at(MIDDLE), { kind: 'resume', from: 10_485_760 }],
		['416, TikTok holds more than this chunk', { status: 416, contentRange: 'bytes 0-15728639/21000000' }, at(MIDDLE), { kind: 'resume', from: 15_728_640 }],
		['416, TikTok holds everything (last answer lost)', { status: 416, contentRange: 'bytes 0-20999999/21000000' }, at(LAST), { kind: 'resume', from: TOTAL }],
		['416, range past the end is capped at the size', { status: 416, contentRange: 'bytes 0-25000000/21000000' }, at(LAST), { kind: 'resume', from: TOTAL }],
		[
			'416, TikTok holds up to the start of this chunk',
			{ status: 416, contentRange: 'bytes 0-5242879/21000000' },
			at(MIDDLE),
			{ kind: 'retry', status: 416, message: 'TikTok did not accept chunk 2 (HTTP 416, it has 5,242,880 bytes)' },
		],
		[
			'416, nothing stored yet, first chunk',
			{ status: 416, contentRange: 'bytes */21000000' },
			at(FIRST),
			{ kind: 'retry', status: 416, message: 'TikTok did not accept chunk 1 (HTTP 416, it has 0 bytes)' },
		],
		[
			'416, TikTok is behind (cannot go back)',
			{ status: 416, contentRange: 'bytes */21000000' },
			at(MIDDLE),
			{
				kind: 'fail',
				status: 416,
				retryable: false,
				message:
					"TikTok's upload server reports 0 bytes received (HTTP 416) while chunk 2 starts at byte 5,242,880. The upload cannot go back; run the item again",
			},
		],
		[
			'416 without a Content-Range',
			{ status: 416 },
			at(MIDDLE),
			{
				kind: 'fail',
				status: 416,
				retryable: false,
				message:
					"TikTok's upload server reports a different upload position (HTTP 416) while chunk 2 starts at byte 5,242,880. The upload cannot go back; run the item again",
			},
		],
		[
			'416 with an unreadable Content-Range',
			{ status: 416, contentRange: 'bytes=0-10' },
			at(MIDDLE),
			{
				kind: 'fail',
				status: 416,
				retryable: false,
				message:
					"TikTok's upload server reports a different upload position (HTTP 416) while chunk 2 starts at byte 5,242,880. The upload cannot go back; run the item again",
			},
		],
		// 403 / 404 / 400
		[
			'403 (expired upload URL) with a body',
			{ status: 403, body: '{"error":{"code":"access_denied","message":"expired"}}' },
			at(FIRST),
			{
				kind: 'fail',
				status: 403,
				retryable: true,
				message:
					'TikTok refused the upload URL (HTTP 403): it has expired or is not valid (access_denied: expired). Run the item again to get a new upload URL',
			},
		],
		[
			'403 without a body',
			{ status: 403, body: '' },
			at(MIDDLE),
			{
				kind: 'fail',
				status: 403,
				retryable: true,
				message: 'TikTok refused the upload URL (HTTP 403): it has expired or is not valid. Run the item again to get a new upload URL',
			},
		],
		[
			'404',
			{ status: 404, body: Buffer.from('{"error":{"code":"not_found","message":"no upload task"}}') },
			at(FIRST),
			{
				kind: 'fail',
				status: 404,
				retryable: false,
				message: 'TikTok has no upload task for this upload URL (HTTP 404: not_found: no upload task). Run the item again to start a new upload',
			},
		],
		[
			'400',
			{ status: 400, body: { message: 'Content-Range mismatch' } },
			at(MIDDLE),
			{
				kind: 'fail',
				status: 400,
				retryable: false,
				message:
					'TikTok rejected chunk 2 of 4 (HTTP 400: Content-Range mismatch). The chunk headers or size did not match what TikTok expected',
			},
		],
		// temporary trouble: retried
		['408', { status: 408 }, at(MIDDLE), { kind: 'retry', status: 408, message: "TikTok's upload server answered HTTP 408" }],
		['429', { status: 429 }, at(MIDDLE), { kind: 'retry', status: 429, message: "TikTok's upload server answered HTTP 429" }],
		['500', { status: 500 }, at(FIRST), { kind: 'retry', status: 500, message: "TikTok's upload server answered HTTP 500" }],
		['503 on the last chunk', { status: 503 }, at(LAST), { kind: 'retry', status: 503, message: "TikTok's upload server answered HTTP 503" }],
		[
			'503 after the last allowed retry',
			{ status: 503 },
			at(MIDDLE, 4, 4),
			{
				kind: 'fail',
				status: 503,
				retryable: true,
				message:
					"TikTok's upload server answered HTTP 503; gave up on chunk 2 of 4 after 5 attempts. TikTok or the network may be having trouble; try again later",
			},
		],
		[
			'416 behind by this chunk after the last allowed retry',
			{ status: 416, contentRange: 'bytes 0-5242879/21000000' },
			at(MIDDLE, 2, 2),
			{
				kind: 'fail',
				status: 416,
				retryable: true,
				message:
					'TikTok did not accept chunk 2 (HTTP 416, it has 5,242,880 bytes); gave up on chunk 2 of 4 after 3 attempts. TikTok or the network may be having trouble; try again later',
			},
		],
		// anything else
		[
			'409 with a long text body',
			{ status: 409, body: 'x'.repeat(400) },
			at(MIDDLE),
			{ kind: 'fail', status: 409, retryable: false, message: `TikTok's upload server answered HTTP 409 to chunk 2 of 4 (${'x'.repeat(300)}…)` },
		],
		[
			'302 without a body',
			{ status: 302 },
			at(FIRST),
			{ kind: 'fail', status: 302, retryable: false, message: "TikTok's upload server answered HTTP 302 to chunk 1 of 4" },
		],
	];

	it.each(table)('%s', (_name, answer, attempt, verdict) => {
		expect(interpretChunkResponse(answer, attempt)).toEqual(verdict);
	});
});

describe('interpretSendError: a chunk PUT that got no answer', () => {
	it('retries a dropped connection, naming the host and the code', () => {
		const error = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
		expect(interpretSendError(error, 'upload.example.com', at(MIDDLE))).toEqual({
			kind: 'retry',
			status: undefined,
			message: "The connection to TikTok's upload server (upload.example.com) dropped (ECONNRESET)",
		});
	});

	it('gives up on a dropped connection after the last allowed retry', () => {
		const error = new Error('other side closed');
		expect(interpretSendError(error, 'upload.example.com', at(FIRST, 4, 4))).toEqual({
			kind: 'fail',
			status: undefined,
			retryable: true,
			message:
				"The connection to TikTok's upload server (upload.example.com) dropped (connection error); gave up on chunk 1 of 4 after 5 attempts. TikTok or the network may be having trouble; try again later",
		});
	});

	it('stops on any other error, with its code or name only (never the URL)', () => {
		const withConfig = Object.assign(new Error('bad https://up.example.com/?upload_token=SECRET'), {
			code: 'ERR_INVALID_URL',
			config: { url: 'https://up.example.com/?upload_token=SECRET' },
		});
		const verdict = interpretSendError(withConfig, 'up.example.com', at(MIDDLE));
		expect(verdict).toEqual({ kind: 'fail', retryable: false, message: 'Sending chunk 2 of 4 failed (ERR_INVALID_URL)' });
		expect(interpretSendError(new TypeError('x'), 'h', at(LAST))).toEqual({
			kind: 'fail',
			retryable: false,
			message: 'Sending chunk 4 of 4 failed (TypeError)',
		});
	});
});

describe('bodyMessage', () => {
	it("reads TikTok's error code and message, else a short text", () => {
		expect(bodyMessage('{"error":{"code":"c","message":"m"}}')).toBe('c: m');
		expect(bodyMessage({ foo: 1 })).toBe('{"foo":1}');
		expect(bodyMessage('  ')).toBe('');
		expect(bodyMessage(undefined)).toBe('');
		expect(bodyMessage('plain text')).toBe('plain text');
	});
});
