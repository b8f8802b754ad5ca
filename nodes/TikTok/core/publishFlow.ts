import {
	NodeOperationError,
	type NodeApiError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { assertExpectedAccount } from './account';
import { planChunks, type ChunkPlan } from './chunkPlan';
import { ENDPOINTS, TIKTOK_CREDENTIAL_NAME } from './constants';
import { fetchCreatorInfo, type CreatorInfo } from './creator';
import { tikTokFailReasonError } from './errors';
import { readMp4DurationSeconds } from './mp4';
import type { VideoPostRequest } from './parameters';
import { buildPostInfo, creatorProblems, durationProblem } from './postRules';
import { waitForPublishResult, type WaitResult } from './publishStatus';
import { asNodeError } from './nodeError';
import { isTikTokErrorCode, tikTokApiRequest } from './transport';
import { UploadCancelledError, UploadError, uploadChunks } from './upload';
import { assertDownloadableUrl, assertPullableUrl } from './urlSafety';
import { openBinarySource } from './binarySource';
import { openDownloadSource } from './download';
import type { VideoSource } from './videoSource';

/** State shared by the items of one execution. */
export interface ExecutionCache {
	creatorInfo?: CreatorInfo;
	customEnvironment?: boolean;
}

type UploadMethodUsed = 'file_upload' | 'pull_from_url' | 'download_and_upload';

interface InitResult {
	publishId: string;
	uploadUrl?: string;
	issuedAt: number;
}

/** How the video will reach TikTok, decided before init. */
interface FileDelivery {
	kind: 'file';
	method: UploadMethodUsed;
	open: () => Promise<VideoSource>;
}
type Delivery = { kind: 'pull'; url: string; fallbackToDownload: boolean } | FileDelivery;

/**
 * Posts one item's video, end to end: checks, source, init, chunks, status, output item.
 * Every check that can fail does so before init, so a refused item sends nothing.
 */
export async function postVideo(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	cache: ExecutionCache,
): Promise<INodeExecutionData> {
	const startedAt = Date.now();
	// URL checks (http, user:pass@, private and loopback hosts) need no request, so they come first:
	// a refused URL must not cost a single call to TikTok.
	const delivery = await chooseDelivery(ctx, itemIndex, request, cache);

	await assertExpectedAccount(ctx, request.expectedAccount, itemIndex);

	let creator: CreatorInfo | undefined;
	if (request.mode === 'direct') {
		creator = cache.creatorInfo ??= await fetchCreatorInfo.call(ctx, itemIndex);
		const problems = creatorProblems(request.post!, creator);
		if (problems.length) {
			throw new NodeOperationError(ctx.getNode(), problems[0], {
				itemIndex,
				description: problems.slice(1).join(' ') || undefined,
			});
		}
	}

	let init: InitResult;
	let method: UploadMethodUsed;
	let transfer = { bytesSent: 0, chunksSent: 0 };

	if (delivery.kind === 'pull') {
		try {
			init = await initPost(ctx, itemIndex, request, { source: 'PULL_FROM_URL', video_url: delivery.url });
			method = 'pull_from_url';
		} catch (error) {
			if (!delivery.fallbackToDownload || !isTikTokErrorCode(error, 'url_ownership_unverified')) {
				throw asNodeError(ctx.getNode(), error, itemIndex);
			}
			// Auto: the domain is not verified for this app, so this node fetches the video itself.
			const fallback = await downloadDelivery(ctx, itemIndex, request, cache);
			({ init, transfer } = await uploadFile(ctx, itemIndex, request, creator, fallback.open));
			method = fallback.method;
		}
	} else {
		({ init, transfer } = await uploadFile(ctx, itemIndex, request, creator, delivery.open));
		method = delivery.method;
	}

	let result: WaitResult | undefined;
	if (request.waitForResult) {
		try {
			result = await waitForPublishResult(ctx, {
				publishId: init.publishId,
				mode: request.mode,
				timeoutMs: request.timeoutMs,
				itemIndex,
			});
		} catch (error) {
			// Every byte was already handed over, so TikTok goes on and posts the video: a cancel or a
			// status error here must say so, with the publish_id, and never suggest running it again.
			throw handedOverError(ctx, itemIndex, error, init.publishId);
		}
		if (result.status === 'FAILED') {
			throw tikTokFailReasonError(ctx.getNode(), result.failReason ?? 'unknown', {
				publishId: init.publishId,
				itemIndex,
			});
		}
	}

	const json: IDataObject = {
		publishId: init.publishId,
		status: result?.status ?? (method === 'pull_from_url' ? 'PROCESSING_DOWNLOAD' : 'PROCESSING_UPLOAD'),
		mode: request.mode === 'direct' ? 'direct_post' : 'draft',
		uploadMethod: method,
		bytesSent: transfer.bytesSent,
		chunksSent: transfer.chunksSent,
		seconds: Math.round((Date.now() - startedAt) / 100) / 10,
		timedOut: result?.timedOut ?? false,
		waited: request.waitForResult,
	};
	if (result?.failReason) json.failReason = result.failReason;
	if (result?.postIds.length) {
		json.postIds = result.postIds;
		json.postUrl = postUrl(result.postIds[0], creator?.username);
	}
	if (result?.timedOut) {
		json.note =
			'TikTok had not reported a final status when the timeout ran out. The video was handed over once; check it in the TikTok app, or look up this publish_id later. Do not post it again.';
	} else if (request.mode === 'inbox' && result?.status === 'SEND_TO_USER_INBOX') {
		json.note =
			'The draft is in the TikTok app inbox: open the notification in TikTok to edit the caption and post it.';
	}

	const item: INodeExecutionData = { json, pairedItem: { item: itemIndex } };
	if (request.keepVideo && request.source === 'binary') {
		item.binary = ctx.getInputData()[itemIndex].binary;
	}
	return item;
}

/** An error met after the whole video reached TikTok: it will still be processed and posted. */
function handedOverError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	error: unknown,
	publishId: string,
): NodeApiError | NodeOperationError {
	const handedOver = `The video had already been handed over to TikTok (all its bytes, or its URL to pull), so TikTok will still process and post it (publish_id: ${publishId}). Check the TikTok app before running this item again, so it is not posted twice.`;
	if (ctx.getExecutionCancelSignal?.()?.aborted === true) {
		return new NodeOperationError(ctx.getNode(), "The execution was cancelled while waiting for TikTok's final status.", {
			itemIndex,
			description: handedOver,
		});
	}
	const nodeError = asNodeError(ctx.getNode(), error, itemIndex);
	nodeError.description = `${nodeError.description ? `${nodeError.description} ` : ''}${handedOver}`;
	return nodeError;
}

async function chooseDelivery(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	cache: ExecutionCache,
): Promise<Delivery> {
	if (request.source === 'binary') {
		return {
			kind: 'file',
			method: 'file_upload',
			open: async () => await openBinarySource(ctx, itemIndex, request.binaryPropertyName),
		};
	}
	if (request.uploadMethod === 'download') return await downloadDelivery(ctx, itemIndex, request, cache);

	const allowPrivateNetworks = await isCustomEnvironment(ctx, cache);
	try {
		assertPullableUrl(request.videoUrl, { allowPrivateNetworks });
	} catch (error) {
		// TikTok could never pull this URL (an IP address, say); Auto can still download it.
		if (request.uploadMethod === 'auto') return await downloadDelivery(ctx, itemIndex, request, cache);
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, {
			itemIndex,
			description: 'Use an https URL under a domain or URL prefix verified in your TikTok app, or choose the Download and Upload method.',
		});
	}
	return { kind: 'pull', url: request.videoUrl, fallbackToDownload: request.uploadMethod === 'auto' };
}

async function downloadDelivery(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	cache: ExecutionCache,
): Promise<FileDelivery> {
	const allowPrivateNetworks = await isCustomEnvironment(ctx, cache);
	try {
		assertDownloadableUrl(request.videoUrl, { allowPrivateNetworks });
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, {
			itemIndex,
			description: 'Nothing was sent to TikTok. Use a public https URL of the video file.',
		});
	}
	return {
		kind: 'file',
		method: 'download_and_upload',
		open: async () =>
			await openDownloadSource(ctx, request.videoUrl, {
				allowPrivateNetworks,
				signal: ctx.getExecutionCancelSignal?.(),
			}),
	};
}

/**
 * Opens the source, checks it, inits a FILE_UPLOAD and sends the chunks. When TikTok refuses the
 * upload URL before accepting any byte (expired), one fresh init is safe: nothing was posted.
 */
async function uploadFile(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	creator: CreatorInfo | undefined,
	open: () => Promise<VideoSource>,
): Promise<{ init: InitResult; transfer: { bytesSent: number; chunksSent: number } }> {
	const node = ctx.getNode();
	for (let attempt = 1; ; attempt++) {
		const source = await openChecked(ctx, itemIndex, open, creator);
		let init: InitResult | undefined;
		try {
			const plan = planFor(ctx, itemIndex, source, request);
			init = await initPost(ctx, itemIndex, request, {
				source: 'FILE_UPLOAD',
				video_size: plan.videoSize,
				chunk_size: plan.chunkSize,
				total_chunk_count: plan.totalChunkCount,
			});
			const transfer = await uploadChunks(ctx, {
				uploadUrl: init.uploadUrl!,
				source,
				plan,
				signal: ctx.getExecutionCancelSignal?.(),
				uploadUrlIssuedAt: init.issuedAt,
			});
			return { init, transfer };
		} catch (error) {
			if (error instanceof UploadCancelledError) {
				throw new NodeOperationError(node, 'The execution was cancelled during the upload.', {
					itemIndex,
					description: `TikTok does not publish an incomplete upload, so nothing was posted (publish_id: ${init?.publishId}).`,
				});
			}
			if (error instanceof UploadError) {
				if (error.status === 403 && error.bytesAccepted === 0 && attempt === 1) continue;
				throw new NodeOperationError(
					node,
					`The upload to TikTok stopped at chunk ${error.chunkIndex + 1} after ${error.bytesAccepted} of ${source.size} bytes were accepted: ${error.message}`,
					{
						itemIndex,
						description: `TikTok does not publish an incomplete upload, so nothing was posted. Run the item again to start a new upload (publish_id of the stopped one: ${init?.publishId}).`,
					},
				);
			}
			throw asNodeError(node, error, itemIndex);
		} finally {
			source.close();
		}
	}
}

async function openChecked(
	ctx: IExecuteFunctions,
	itemIndex: number,
	open: () => Promise<VideoSource>,
	creator: CreatorInfo | undefined,
): Promise<VideoSource> {
	let source: VideoSource;
	try {
		source = await open();
	} catch (error) {
		if (error instanceof NodeOperationError) throw asNodeError(ctx.getNode(), error, itemIndex);
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, {
			itemIndex,
			description: 'Nothing was sent to TikTok.',
		});
	}
	if (creator && source.contentType === 'video/mp4') {
		const problem = durationProblem(readMp4DurationSeconds(await source.head()), creator);
		if (problem) {
			source.close();
			throw new NodeOperationError(ctx.getNode(), problem, { itemIndex, description: 'Nothing was sent to TikTok.' });
		}
	}
	return source;
}

function planFor(
	ctx: IExecuteFunctions,
	itemIndex: number,
	source: VideoSource,
	request: VideoPostRequest,
): ChunkPlan {
	try {
		return planChunks(source.size, request.chunkSize);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, {
			itemIndex,
			description: 'Nothing was sent to TikTok. TikTok accepts videos up to 4 GB.',
		});
	}
}

async function initPost(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	sourceInfo: IDataObject,
): Promise<InitResult> {
	const direct = request.mode === 'direct';
	const body: IDataObject = direct
		? { post_info: buildPostInfo(request.post!), source_info: sourceInfo }
		: { source_info: sourceInfo };
	const issuedAt = Date.now();
	const { data } = await tikTokApiRequest.call(
		ctx,
		'POST',
		direct ? ENDPOINTS.directVideoInit : ENDPOINTS.inboxVideoInit,
		{ body, itemIndex, rateLimit: 'init' },
	);
	const response = data as { publish_id?: string; upload_url?: string };
	if (!response.publish_id) {
		throw new NodeOperationError(ctx.getNode(), 'TikTok accepted the post but returned no publish_id.', {
			itemIndex,
			description: 'This is unexpected from TikTok. Check the TikTok app before running the item again.',
		});
	}
	return { publishId: response.publish_id, uploadUrl: response.upload_url, issuedAt };
}

async function isCustomEnvironment(ctx: IExecuteFunctions, cache: ExecutionCache): Promise<boolean> {
	if (cache.customEnvironment === undefined) {
		const credentials = await ctx.getCredentials(TIKTOK_CREDENTIAL_NAME);
		cache.customEnvironment = credentials.environment === 'custom';
	}
	return cache.customEnvironment;
}

/**
 * TikTok's canonical web address for a post needs the creator's handle (known from creator_info on
 * Direct Post); without it, the embed address works from the id alone.
 */
export function postUrl(postId: string, username?: string): string {
	return username
		? `https://www.tiktok.com/@${encodeURIComponent(username)}/video/${postId}`
		: `https://www.tiktok.com/embed/v2/${postId}`;
}

