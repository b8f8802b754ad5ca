/**
 * TikTok's publish init calls (tiktok-api.md §3): one paced POST that returns the publish_id (and,
 * for FILE_UPLOAD, the pre-signed upload URL). `requestPublishInit` is the generic call any init
 * endpoint can use (video or photo `/post/publish/content/init/`); the typed helpers build the
 * video init of each source.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import type { ChunkPlan } from '../video/chunkPlan';
import { ENDPOINTS } from '../tiktok/constants';
import type { VideoPostRequest } from '../video/videoParameters';
import { buildPostInfo } from './postSettings';
import { tikTokApiRequest } from '../tiktok/transport';

/** A FILE_UPLOAD init: the chunks go to `uploadUrl`, valid one hour from `issuedAt`. */
export interface FileUploadInit {
	publishId: string;
	uploadUrl: string;
	/** Date.now() just before the init call. */
	issuedAt: number;
}

/** A PULL_FROM_URL init: TikTok fetches the video itself. */
export interface PullInit {
	publishId: string;
}

/**
 * POSTs an init body to a publish init endpoint, paced as an init call (6 a minute per token).
 * Resolves with the publish_id and TikTok's whole `data`; throws when TikTok gave no publish_id.
 */
export async function requestPublishInit(
	ctx: IExecuteFunctions,
	itemIndex: number,
	endpoint: string,
	body: IDataObject,
): Promise<{ publishId: string; data: IDataObject }> {
	const { data } = await tikTokApiRequest.call(ctx, 'POST', endpoint, { body, itemIndex, rateLimit: 'init' });
	const publishId = (data as { publish_id?: string }).publish_id;
	if (!publishId) {
		throw new NodeOperationError(ctx.getNode(), 'TikTok accepted the post but returned no publish_id.', {
			itemIndex,
			description: 'This is unexpected from TikTok. Check the TikTok app before running the item again.',
		});
	}
	return { publishId, data: data as IDataObject };
}

/** Direct Post sends the post settings with the source; a draft sends the source only. */
async function initVideo(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	sourceInfo: IDataObject,
): Promise<{ publishId: string; data: IDataObject }> {
	return request.mode === 'direct'
		? await requestPublishInit(ctx, itemIndex, ENDPOINTS.directVideoInit, {
				post_info: buildPostInfo(request.post),
				source_info: sourceInfo,
			})
		: await requestPublishInit(ctx, itemIndex, ENDPOINTS.inboxVideoInit, { source_info: sourceInfo });
}

export async function initFileUpload(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	plan: ChunkPlan,
): Promise<FileUploadInit> {
	const issuedAt = Date.now();
	const { publishId, data } = await initVideo(ctx, itemIndex, request, {
		source: 'FILE_UPLOAD',
		video_size: plan.videoSize,
		chunk_size: plan.chunkSize,
		total_chunk_count: plan.totalChunkCount,
	});
	const uploadUrl = (data as { upload_url?: string }).upload_url;
	if (!uploadUrl) {
		throw new NodeOperationError(ctx.getNode(), 'TikTok accepted the upload but returned no upload_url.', {
			itemIndex,
			description: `This is unexpected from TikTok. No byte was sent, so nothing will be posted (publish_id: ${publishId}). Run the item again.`,
		});
	}
	return { publishId, uploadUrl, issuedAt };
}

export async function initPullFromUrl(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	videoUrl: string,
): Promise<PullInit> {
	const { publishId } = await initVideo(ctx, itemIndex, request, { source: 'PULL_FROM_URL', video_url: videoUrl });
	return { publishId };
}
