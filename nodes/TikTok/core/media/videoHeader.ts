/**
 * The MP4/MOV header of a video before anything is sent to TikTok: from the head when the moov box is
 * at the start, else from the end of the file when the source can be read there (moovAtEnd.ts), else
 * the reason it could not be, for the output's `videoChecks` note.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { fetchRange } from './fetch';
import { FetchError } from './fetchGuard';
import { fetchLimits } from './fetchLimits';
import { readMoovAtEnd, type ForwardReader } from './moovAtEnd';
import { readMp4Header, type Mp4Header } from './mp4';
import type { VideoSource } from './videoSource';

/** Failures that are the item's error, not a note: the same server (or n8n) stops the download too. */
const FATAL_KINDS = new Set(['stalled', 'deadline', 'cancelled', 'ssrf']);

/** Reads the header wherever it is in the file; never throws for a header it cannot reach. */
export async function readVideoHeader(source: VideoSource): Promise<Mp4Header> {
	const header = readMp4Header(await source.head());
	if (header.status !== 'moov_not_at_start') return header;
	if (header.nextBoxAt === undefined) return { status: 'moov_unreachable', reason: 'its media data runs to the end of the file' };
	const reader = source.readerAt?.() ?? 'this source can only be read once';
	if (typeof reader === 'string') return { status: 'moov_unreachable', reason: reader };
	let failure: unknown;
	try {
		return await readMoovAtEnd(reader, source.size, header.nextBoxAt);
	} catch (error) {
		failure = error;
	} finally {
		reader.close();
	}
	if (failure instanceof FetchError && FATAL_KINDS.has(failure.kind)) throw failure;
	return { status: 'moov_unreachable', reason: `reading it failed: ${(failure as Error)?.message ?? String(failure)}` };
}

/** A reader of a download's final URL by ranged GETs, under the video header limits. */
export function rangedUrlReader(
	ctx: IExecuteFunctions,
	url: URL,
	options: { checkUrl: (url: string) => URL; signal?: AbortSignal },
): ForwardReader {
	return {
		read: async (offset, length) =>
			await fetchRange(ctx, {
				url,
				start: offset,
				end: offset + length - 1,
				what: 'the video header (moov box)',
				action: 'read',
				limits: fetchLimits('videoHeader'),
				checkUrl: options.checkUrl,
				signal: options.signal,
			}),
		close: () => undefined,
	};
}
