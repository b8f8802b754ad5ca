/**
 * The key Skip Already Posted records for a video item (post/postedKeys.ts): the Posted Key option when
 * it gives one, else the default of the source. A URL is its own key. A binary is known by its content,
 * not its name: its byte size and a SHA-256 of its first MiB (the head the node reads anyway), so the
 * same file under another name is the same post and the key needs no second read of the video.
 */
import { createHash } from 'node:crypto';

import type { IExecuteFunctions } from 'n8n-workflow';

import type { VideoPostRequest } from './videoParameters';
import { openAhead, type VideoTransfer } from './videoTransfer';

export async function videoPostedKey(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	transfer: VideoTransfer,
): Promise<string> {
	if (request.postedKey) return request.postedKey;
	if (request.source === 'url' || transfer.kind !== 'file') return request.videoUrl;
	const source = await openAhead(ctx, itemIndex, transfer);
	const head = await source.head();
	return `binary:${source.size}:${createHash('sha256').update(head).digest('hex')}`;
}
