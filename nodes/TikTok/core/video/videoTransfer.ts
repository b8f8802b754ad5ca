/**
 * How one item's video reaches TikTok: chosen before any call (TikTok pulls the URL, or this node
 * uploads the binary or a download of the URL), then init and, for a file, the chunk upload. A
 * refused pull of an unverified domain falls back to a download on Auto; an upload URL refused
 * before any byte was accepted gets one fresh init (nothing can have been posted).
 */
import { NodeApiError, NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { openBinarySource } from '../media/binarySource';
import { planChunks, singleRequestPlan, type ChunkPlan } from './chunkPlan';
import type { CreatorInfo } from '../account/creatorInfo';
import { openDownloadSource } from '../media/download';
import { isCustomEnvironment, type ExecutionCache } from '../account/executionCache';
import { formatBytes } from '../tiktok/wording';
import { initFileUpload, initPullFromUrl, type FileUploadInit } from '../post/publishInit';
import { readMp4Header } from '../media/mp4';
import { asNodeError, operationError, refusedItemError } from '../tiktok/nodeError';
import type { VideoPostRequest } from './videoParameters';
import { codeHeadline, isTikTokErrorCode, logIdNote } from '../tiktok/errors';
import { UploadCancelledError, UploadError, uploadChunks } from './upload';
import { assertDownloadableUrl, assertPullableUrl } from '../media/urlSafety';
import { checkVideoHeader, type VideoChecksReport } from '../media/videoChecks';
import type { VideoSource } from '../media/videoSource';

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
	/** What the node checked in the video's header before init (the `videoChecks` output field). */
	videoChecks: VideoChecksReport;
	/** Sentences for the output's `note` about how the video was sent. */
	notes: string[];
}

/** TikTok pulled the URL itself: the node never saw the bytes. */
const PULLED_CHECKS: VideoChecksReport = {
	checked: false,
	note: "TikTok downloaded the video from its URL itself, so the node did not read it: TikTok checks its duration, frame rate and picture size after the download and fails the post if one is out of range (360-4096 px on each side, 23-60 fps, the account's maximum duration).",
};

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
		throw refusedItemError(ctx.getNode(), [(error as Error).message, 'Use a public https URL of the video file.'], { itemIndex });
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
		return { publishId, method: 'pull_from_url', transfer: { bytesSent: 0, chunksSent: 0 }, videoChecks: PULLED_CHECKS, notes: [] };
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
		const { source, checks } = await openChecked(ctx, itemIndex, open, creator);
		let init: FileUploadInit | undefined;
		try {
			const started = await initUpload(ctx, itemIndex, request, planFor(ctx, itemIndex, source, request));
			init = started.init;
			const transfer = await uploadChunks(ctx, {
				uploadUrl: init.uploadUrl,
				source,
				plan: started.plan,
				signal: ctx.getExecutionCancelSignal?.(),
				uploadUrlIssuedAt: init.issuedAt,
			});
			return {
				publishId: init.publishId,
				transfer: { bytesSent: transfer.bytesSent, chunksSent: transfer.chunksSent },
				videoChecks: checks,
				notes: started.notes,
			};
		} catch (error) {
			if (error instanceof UploadCancelledError) {
				throw new NodeOperationError(node, 'The execution was cancelled during the upload.', {
					itemIndex,
					description: `TikTok does not publish an incomplete upload, so nothing was posted (publish_id: ${init?.publishId}).`,
				});
			}
			if (error instanceof UploadError) {
				if (error.status === 403 && error.bytesAccepted === 0 && attempt === 1) continue;
				throw operationError(
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

/**
 * Inits the upload of `plan`. TikTok has been seen refusing every multi-chunk init with
 * invalid_params "The chunk size is invalid" while single-request uploads worked (G14): then a video
 * that fits one request (<= 64,000,000 bytes) is initialised once more as one request. That is safe:
 * a refused init creates no upload task and no byte was sent. A larger video cannot go in one request,
 * so the error says plainly what happened and what the user can do.
 */
async function initUpload(
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

/** invalid_params "The chunk size is invalid" from an init (G14). */
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

/**
 * Opens the source and refuses, before init, what cannot be read or what TikTok would fail after the
 * upload: a picture size, frame rate or duration out of range, read from the MP4/MOV header.
 */
async function openChecked(
	ctx: IExecuteFunctions,
	itemIndex: number,
	open: () => Promise<VideoSource>,
	creator: CreatorInfo | undefined,
): Promise<{ source: VideoSource; checks: VideoChecksReport }> {
	let source: VideoSource;
	try {
		source = await open();
	} catch (error) {
		if (error instanceof NodeOperationError) throw asNodeError(ctx.getNode(), error, itemIndex);
		// e.g. 'Could not download the video from "…" (ENOTFOUND: …)': the sentence itself is the headline
		throw refusedItemError(ctx.getNode(), [(error as Error).message], { itemIndex });
	}
	const header = source.contentType === 'video/webm' ? undefined : readMp4Header(await source.head());
	const { problems, report } = checkVideoHeader(header, source.contentType, creator);
	if (problems.length) {
		source.close();
		throw refusedItemError(ctx.getNode(), problems, { itemIndex });
	}
	return { source, checks: report };
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
		throw refusedItemError(ctx.getNode(), [(error as Error).message, 'TikTok accepts videos up to 4 GB.'], { itemIndex });
	}
}
