/**
 * Test media generated at test time: MP4-looking bytes of any size (a real ftyp + moov/mvhd header
 * with the given duration, then pattern bytes), served as n8n binary items or over HTTP.
 */
import { makeMp4 } from '../sandbox';
import { binaryItemFromGenerator, patternChunk, sha256OfGenerator, type MakeChunk } from '../helpers';
import type { INodeExecutionData } from 'n8n-workflow';

export function mp4MakeChunk(durationSec = 10): MakeChunk {
	const head = makeMp4(4096, { durationSec });
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
	options: { durationSec?: number; mode?: 'memory' | 'stream'; fileName?: string; mimeType?: string } = {},
): GeneratedVideo {
	const makeChunk = mp4MakeChunk(options.durationSec);
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
