/**
 * How one item's video reaches TikTok: chosen before any call (TikTok pulls the URL, or this node
 * uploads the binary or a download of the URL), then init and, for a file, the chunk upload. A
 * refused pull of an unverified domain falls back to a download on Auto; an upload URL refused
 * before any byte was accepted gets one fresh init (nothing can have been posted).
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { openBinarySource } from './binarySource';
import { planChunks, type ChunkPlan } from './chunkPlan';
import type { CreatorInfo } from './creator';
import { openDownloadSource } from './download';
import { isCustomEnvironment, type ExecutionCache } from './executionCache';
import { initFileUpload, initPullFromUrl, type FileUploadInit } from './init';
import { readMp4DurationSeconds } from './mp4';
import { asNodeError } from './nodeError';
import type { VideoPostRequest } from './parameters';
import { durationProblem } from './postRules';
import { isTikTokErrorCode } from './transport';
import { UploadCancelledError, UploadError, uploadChunks } from './upload';
import { assertDownloadableUrl, assertPullableUrl } from './urlSafety';
import type { VideoSource } from './videoSource';

/** The `uploadMethod` output field. */
export type UploadMethodUsed = 'file_upload' | 'pull_from_url' | 'download_and_upload';

/** This node sends the bytes: from the binary, or from a download of the URL. */
interface FileDelivery {
	kind: 'file';
	method: UploadMethodUsed;
	open: () => Promise<VideoSource>;
}

/** How the video will reach TikTok, decided before init. */
export type Delivery = { kind: 'pull'; url: string; fallbackToDownload: boolean } | FileDelivery;

/** What reached TikTok: the publish_id to follow, how, and the bytes this node sent. */
export interface Delivered {
	publishId: string;
	method: UploadMethodUsed;
	transfer: { bytesSent: number; chunksSent: number };
}

/**
 * Decides how the video will reach TikTok. URL checks (http, user:pass@, private and loopback
 * hosts) need no request, so they run first: a refused URL must not cost a single call to TikTok.
 */
export async function chooseDelivery(
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
 * Hands the video over to TikTok the chosen way. `creator` (Direct Post) checks the video's
 * duration before init.
 */
export async function deliverVideo(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	delivery: Delivery,
	creator: CreatorInfo | undefined,
	cache: ExecutionCache,
): Promise<Delivered> {
	if (delivery.kind === 'file') {
		return { method: delivery.method, ...(await uploadFile(ctx, itemIndex, request, creator, delivery.open)) };
	}
	try {
		const { publishId } = await initPullFromUrl(ctx, itemIndex, request, delivery.url);
		return { publishId, method: 'pull_from_url', transfer: { bytesSent: 0, chunksSent: 0 } };
	} catch (error) {
		if (!delivery.fallbackToDownload || !isTikTokErrorCode(error, 'url_ownership_unverified')) {
			throw asNodeError(ctx.getNode(), error, itemIndex);
		}
		// Auto: the domain is not verified for this app, so this node fetches the video itself.
		const fallback = await downloadDelivery(ctx, itemIndex, request, cache);
		return { method: fallback.method, ...(await uploadFile(ctx, itemIndex, request, creator, fallback.open)) };
	}
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
): Promise<Omit<Delivered, 'method'>> {
	const node = ctx.getNode();
	for (let attempt = 1; ; attempt++) {
		const source = await openChecked(ctx, itemIndex, open, creator);
		let init: FileUploadInit | undefined;
		try {
			const plan = planFor(ctx, itemIndex, source, request);
			init = await initFileUpload(ctx, itemIndex, request, plan);
			const transfer = await uploadChunks(ctx, {
				uploadUrl: init.uploadUrl,
				source,
				plan,
				signal: ctx.getExecutionCancelSignal?.(),
				uploadUrlIssuedAt: init.issuedAt,
			});
			return { publishId: init.publishId, transfer: { bytesSent: transfer.bytesSent, chunksSent: transfer.chunksSent } };
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

/** Opens the source; refuses (before init) what cannot be read or is too long for the creator. */
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
