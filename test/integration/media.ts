/**
 * Test media generated at test time: MP4/MOV files of any size (the sandbox generator's real header:
 * duration, picture size, frame rate; moov first, then pattern bytes), served as n8n binary items or
 * over HTTP. Files with their moov at the end are built whole by the generator (keep them small).
 */
import { makeMp4, type Mp4Options } from '../sandbox';
import { binaryItemFromGenerator, patternChunk, sha256OfGenerator, type MakeChunk } from '../helpers';
import type { INodeExecutionData } from 'n8n-workflow';

export function mp4MakeChunk(durationSec = 10, video: Mp4Options = {}): MakeChunk {
	const head = makeMp4(4096, { durationSec, ...video });
	return (offset, length) => {
		if (offset >= head.length) return patternChunk(offset, length);
		const fromHead = head.subarray(offset, Math.min(head.length, offset + length));
		if (fromHead.length === length) return Buffer.from(fromHead);
		return Buffer.concat([fromHead, patternChunk(head.length, length - fromHead.length)]);
	};
}

export interface GeneratedVideo {
	item: INodeExecutionData;
	size: number;
	sha256: string;
}

export function mp4Item(
	size: number,
	options: { durationSec?: number; mode?: 'memory' | 'stream'; fileName?: string; mimeType?: string; video?: Mp4Options } = {},
): GeneratedVideo {
	const whole = options.video?.moovAtEnd ? makeMp4(size, { durationSec: options.durationSec, ...options.video }) : undefined;
	const makeChunk: MakeChunk = whole
		? (offset, length) => Buffer.from(whole.subarray(offset, offset + length))
		: mp4MakeChunk(options.durationSec, options.video);
	return {
		item: binaryItemFromGenerator(size, makeChunk, {
			fileName: options.fileName ?? 'video.mp4',
			mimeType: options.mimeType ?? 'video/mp4',
			mode: options.mode ?? 'stream',
		}),
		size,
		sha256: sha256OfGenerator(size, makeChunk),
	};
}
