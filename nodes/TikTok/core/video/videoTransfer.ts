/**
 * How one item's video is handed over to TikTok: chosen before any call (TikTok pulls the URL, or this
 * node uploads the binary or a download of the URL), then init (videoInit.ts) and, for a file, the
 * chunk upload (upload.ts). A refused pull of an unverified domain falls back to a download on Auto;
 * an upload URL refused before any byte was accepted gets one fresh init (nothing can have been posted).
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import type { CreatorInfo } from '../account/creatorInfo';
import { allowsPrivateNetworks, type ExecutionCache } from '../account/executionCache';
import { openBinarySource } from '../media/binarySource';
import { openDownloadSource } from '../media/download';
import { FetchError } from '../media/fetchGuard';
import type { Mp4Header } from '../media/mp4';
import { assertDownloadableUrl, assertPullableUrl } from '../media/urlSafety';
import { readVideoHeader } from '../media/videoHeader';
import type { VideoSource } from '../media/videoSource';
import type { HandOverGuard, PostedElsewhere } from '../post/postedKeys';
import { isTikTokErrorCode, isTikTokRefusal } from '../tiktok/errors';
import { asNodeError, operationError, refusedItemError } from '../tiktok/nodeError';
import { planChunks, type ChunkPlan } from './chunkPlan';
import { UploadCancelledError, UploadError, uploadChunks } from './upload';
import { checkVideoHeader, type VideoChecksReport } from './videoChecks';
import { initPullFromUrl, initUploadOfPlan, type FileUploadInit } from './videoInit';
import type { VideoPostRequest } from './videoParameters';

/** The `uploadMethod` output field. */
export type UploadMethodUsed = 'file_upload' | 'pull_from_url' | 'download_and_upload';

/** This node sends the bytes: from the binary, or from a download of the URL. */
export interface FileTransfer {
	kind: 'file';
	method: UploadMethodUsed;
	open: () => Promise<VideoSource>;
	/** The source opened ahead (for the default key of Skip Already Posted); used by the first upload attempt. */
	opened?: VideoSource;
}

/** How the video will reach TikTok, decided before init: TikTok pulls its URL, or this node sends a file. */
export type VideoTransfer = { kind: 'pull'; url: string; fallbackToDownload: boolean } | FileTransfer;

/** What reached TikTok: the publish_id to follow, how, and the bytes this node sent. */
export interface TransferResult {
	publishId: string;
	method: UploadMethodUsed;
	sent: { bytesSent: number; chunksSent: number };
	/** What the node checked in the video's header before init (the `videoChecks` output field). */
	videoChecks: VideoChecksReport;
	/** Sentences for the output's `note` about how the video was sent. */
	notes: string[];
}

/** Thrown by the claim just before the last chunk: another execution handed the post over first. */
class PostedElsewhereSignal extends Error {
	constructor(readonly ownPublishId: string) {
		super('Another execution handed a post with this key to TikTok first');
	}
}

/** TikTok pulled the URL itself: the node never saw the bytes. */
const PULLED_CHECKS: VideoChecksReport = {
	checked: false,
	note: "TikTok downloaded the video from its URL itself, so the node did not read it: TikTok checks its duration, frame rate and picture size after the download and fails the post if one is out of range (360-4096 px on each side, 23-60 fps, the account's maximum duration).",
};

/** What a stopped upload means for the post: TikTok publishes nothing incomplete. */
const INCOMPLETE_NOT_POSTED = 'TikTok does not publish an incomplete upload, so nothing was posted';

/**
 * Decides how the video will reach TikTok. URL checks (http, user:pass@, private and loopback
 * hosts) need no request, so they run first: a refused URL must not cost a single call to TikTok.
 */
export async function chooseTransfer(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	cache: ExecutionCache,
): Promise<VideoTransfer> {
	if (request.source === 'binary') {
		return {
			kind: 'file',
			method: 'file_upload',
			open: async () => await openBinarySource(ctx, itemIndex, request.binaryPropertyName),
		};
	}
	if (request.uploadMethod === 'download') return await downloadTransfer(ctx, itemIndex, request, cache);

	const allowPrivateNetworks = await allowsPrivateNetworks(ctx, cache);
	try {
		assertPullableUrl(request.videoUrl, { allowPrivateNetworks });
	} catch (error) {
		// TikTok could never pull this URL (an IP address, say); Auto can still download it.
		if (request.uploadMethod === 'auto') return await downloadTransfer(ctx, itemIndex, request, cache);
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, {
			itemIndex,
			description: 'Use an https URL under a domain or URL prefix verified in your TikTok app, or choose the Download and Upload method.',
		});
	}
	return { kind: 'pull', url: request.videoUrl, fallbackToDownload: request.uploadMethod === 'auto' };
}

async function downloadTransfer(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	cache: ExecutionCache,
): Promise<FileTransfer> {
	const allowPrivateNetworks = await allowsPrivateNetworks(ctx, cache);
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
export async function transferVideo(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	transfer: VideoTransfer,
	more: { creator?: CreatorInfo; cache: ExecutionCache; guard?: HandOverGuard },
): Promise<TransferResult | PostedElsewhere> {
	const { creator, cache, guard } = more;
	if (transfer.kind === 'file') {
		const uploaded = await uploadFile(ctx, itemIndex, request, { creator, transfer, guard });
		return 'postedElsewhere' in uploaded ? uploaded : { method: transfer.method, ...uploaded };
	}
	try {
		// TikTok pulls the URL by itself once it accepts the init: the key counts from just before it.
		if (guard && !(await guard.claim())) return { postedElsewhere: true };
		const publishId = await initPullFromUrl(ctx, itemIndex, request, transfer.url);
		return { publishId, method: 'pull_from_url', sent: { bytesSent: 0, chunksSent: 0 }, videoChecks: PULLED_CHECKS, notes: [] };
	} catch (error) {
		if (isTikTokRefusal(error)) await guard?.release();
		if (!transfer.fallbackToDownload || !isTikTokErrorCode(error, 'url_ownership_unverified')) {
			throw asNodeError(ctx.getNode(), error, itemIndex);
		}
		// Auto: the domain is not verified for this app, so this node fetches the video itself.
		const fallback = await downloadTransfer(ctx, itemIndex, request, cache);
		const uploaded = await uploadFile(ctx, itemIndex, request, { creator, transfer: fallback, guard });
		return 'postedElsewhere' in uploaded ? uploaded : { method: fallback.method, ...uploaded };
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
	how: { creator?: CreatorInfo; transfer: FileTransfer; guard?: HandOverGuard },
): Promise<Omit<TransferResult, 'method'> | PostedElsewhere> {
	const { creator, transfer, guard } = how;
	for (let attempt = 1; ; attempt++) {
		const opened = transfer.opened;
		transfer.opened = undefined;
		const { source, checks } = await openChecked(ctx, itemIndex, async () => opened ?? (await transfer.open()), creator);
		let init: FileUploadInit | undefined;
		try {
			const started = await initUploadOfPlan(ctx, itemIndex, request, planFor(ctx, itemIndex, source, request));
			init = started.init;
			const publishId = init.publishId;
			const sent = await uploadChunks(ctx, {
				uploadUrl: init.uploadUrl,
				source,
				plan: started.plan,
				signal: ctx.getExecutionCancelSignal?.(),
				uploadUrlIssuedAt: init.issuedAt,
				// TikTok processes (and posts) the video once its last byte is in: the key counts from just before.
				beforeLastChunk: async () => {
					if (guard && !(await guard.claim(publishId))) throw new PostedElsewhereSignal(publishId);
				},
			});
			return { publishId, sent: { bytesSent: sent.bytesSent, chunksSent: sent.chunksSent }, videoChecks: checks, notes: started.notes };
		} catch (error) {
			if (error instanceof PostedElsewhereSignal) return { postedElsewhere: true, ownPublishId: error.ownPublishId };
			// an answer from TikTok's upload host refusing the chunk: the video is not complete there
			if (error instanceof UploadError && error.status !== undefined && error.status >= 400 && error.status < 500) await guard?.release();
			if (error instanceof UploadError && error.status === 403 && error.bytesAccepted === 0 && attempt === 1) continue;
			throw uploadStoppedError(ctx, itemIndex, error, source.size, init?.publishId);
		} finally {
			source.close();
		}
	}
}

/** Why the upload stopped, for the user: TikTok publishes nothing incomplete. */
function uploadStoppedError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	error: unknown,
	videoSize: number,
	publishId: string | undefined,
): Error {
	const node = ctx.getNode();
	if (error instanceof UploadCancelledError) {
		return new NodeOperationError(node, 'The execution was cancelled during the upload.', {
			itemIndex,
			description: `${INCOMPLETE_NOT_POSTED} (publish_id: ${publishId}).`,
		});
	}
	if (error instanceof UploadError) {
		return operationError(
			node,
			`The upload to TikTok stopped at chunk ${error.chunkIndex + 1} after ${error.bytesAccepted} of ${videoSize} bytes were accepted: ${error.message}`,
			{
				itemIndex,
				description: `${INCOMPLETE_NOT_POSTED}. Run the item again to start a new upload (publish_id of the stopped one: ${publishId}).`,
			},
		);
	}
	return asNodeError(node, error, itemIndex);
}

/** Opens a file transfer's source ahead of the upload (kept for its first attempt); refuses what cannot be read. */
export async function openAhead(ctx: IExecuteFunctions, itemIndex: number, transfer: FileTransfer): Promise<VideoSource> {
	transfer.opened ??= await openSource(ctx, itemIndex, transfer.open);
	return transfer.opened;
}

async function openSource(ctx: IExecuteFunctions, itemIndex: number, open: () => Promise<VideoSource>): Promise<VideoSource> {
	try {
		return await open();
	} catch (error) {
		throw sourceError(ctx, itemIndex, error);
	}
}

/** What could not be opened or read, told for the item. */
function sourceError(ctx: IExecuteFunctions, itemIndex: number, error: unknown): Error {
	if (error instanceof NodeOperationError) return asNodeError(ctx.getNode(), error, itemIndex);
	// e.g. 'Could not download the video from "…" (ENOTFOUND: …)': the sentence itself is the headline;
	// n8n's own explanation (an SSRF refusal) goes before the outcome
	const explained = error instanceof FetchError && error.description ? [error.description] : [];
	return refusedItemError(ctx.getNode(), [(error as Error).message, ...explained], { itemIndex });
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
	const source = await openSource(ctx, itemIndex, open);
	let header: Mp4Header | undefined;
	try {
		header = source.contentType === 'video/webm' ? undefined : await readVideoHeader(source);
	} catch (error) {
		source.close();
		throw sourceError(ctx, itemIndex, error);
	}
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
