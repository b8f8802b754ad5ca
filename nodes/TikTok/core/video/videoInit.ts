/**
 * A video's publish init (docs/tiktok-api.md §3) for each way it reaches TikTok: a FILE_UPLOAD of a
 * chunk plan (TikTok answers with the pre-signed upload URL) or a PULL_FROM_URL. Direct Post sends the
 * post settings along, a draft the source only. When TikTok refuses a multi-chunk plan (docs/tiktok-api.md G14), a
 * video that fits one request is initialised once more as one request.
 */
import type { IDataObject, IExecuteFunctions, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { requestPublishInit } from '../post/publishInit';
import { ENDPOINTS } from '../tiktok/constants';
import { codeHeadline, isTikTokErrorCode, logIdNote } from '../tiktok/errors';
import { asNodeError, operationError } from '../tiktok/nodeError';
import { formatBytes } from '../tiktok/wording';
import { singleRequestPlan, type ChunkPlan } from './chunkPlan';
import type { VideoPostRequest } from './videoParameters';
import { buildPostInfo } from './videoSettings';

/** A FILE_UPLOAD init: the chunks go to `uploadUrl`, valid one hour from `issuedAt`. */
export interface FileUploadInit {
	publishId: string;
	uploadUrl: string;
	/** Date.now() just before the init call. */
	issuedAt: number;
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
		throw operationError(ctx.getNode(), 'TikTok accepted the upload but returned no upload_url.', {
			itemIndex,
			description: `This is unexpected from TikTok. No byte was sent, so nothing will be posted (publish_id: ${publishId}). Run the item again.`,
		});
	}
	return { publishId, uploadUrl, issuedAt };
}

/** A PULL_FROM_URL init: TikTok fetches the video itself; resolves with the publish_id. */
export async function initPullFromUrl(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	videoUrl: string,
): Promise<string> {
	const { publishId } = await initVideo(ctx, itemIndex, request, { source: 'PULL_FROM_URL', video_url: videoUrl });
	return publishId;
}

/**
 * Inits the upload of `plan`. TikTok has been seen refusing every multi-chunk init with
 * invalid_params "The chunk size is invalid" while single-request uploads worked (docs/tiktok-api.md G14): then a video
 * that fits one request (<= 64,000,000 bytes) is initialised once more as one request. That is safe:
 * a refused init creates no upload task and no byte was sent. A larger video cannot go in one request,
 * so the error says plainly what happened and what the user can do.
 */
export async function initUploadOfPlan(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	plan: ChunkPlan,
): Promise<{ init: FileUploadInit; plan: ChunkPlan; notes: string[] }> {
	try {
		return { init: await initFileUpload(ctx, itemIndex, request, plan), plan, notes: [] };
	} catch (error) {
		if (plan.totalChunkCount === 1 || !isChunkedUploadRefusal(error)) throw asNodeError(ctx.getNode(), error, itemIndex);
		const single = singleRequestPlan(plan.videoSize);
		if (!single) throw chunkedUploadRefusedError(ctx, itemIndex, plan, error as NodeApiError);
		return {
			init: await initFileUpload(ctx, itemIndex, request, single),
			plan: single,
			notes: [
				`TikTok refused the upload in ${plan.totalChunkCount} chunks ("The chunk size is invalid", a known TikTok-side problem), so the node sent the video in one request instead.`,
			],
		};
	}
}

/** invalid_params "The chunk size is invalid" from an init (docs/tiktok-api.md G14). */
function isChunkedUploadRefusal(error: unknown): boolean {
	if (!isTikTokErrorCode(error, 'invalid_params') && !isTikTokErrorCode(error, 'invalid_param')) return false;
	const tiktokMessage = (error as NodeApiError).errorResponse?.message;
	return typeof tiktokMessage === 'string' && /chunk size is invalid/i.test(tiktokMessage);
}

function chunkedUploadRefusedError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	plan: ChunkPlan,
	refusal: NodeApiError,
): NodeOperationError {
	const megabytes = Math.round(plan.videoSize / 100_000) / 10;
	const logId = refusal.context?.logId;
	const error = operationError(
		ctx.getNode(),
		codeHeadline(`TikTok refused the chunked upload of this ${megabytes} MB video ("The chunk size is invalid")`, 'invalid_params'),
		{
			itemIndex,
			description:
				`The node's plan follows TikTok's rules (${plan.totalChunkCount} chunks of ${formatBytes(plan.chunkSize)}), and nothing was uploaded. ` +
				'TikTok has been seen refusing every upload in several chunks this way while uploads in one request work; it is reported as a TikTok-side problem, not a setting of yours. ' +
				'What you can do: send a video of at most 64 MB (it goes in one request), or give the node an https URL with Upload Method "TikTok Pulls the URL" from a domain or URL prefix verified in your TikTok app (TikTok downloads it, no chunks), or try again later.' +
				(logId ? logIdNote(String(logId)) : ''),
		},
	);
	error.context.tiktokCode = 'invalid_params';
	error.context.logId = logId ?? null;
	return error;
}
