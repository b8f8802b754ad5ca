/**
 * One video item's request, read from the node's parameters and checked without any call: the
 * source, how it reaches TikTok, the waiting options and, for a Direct Post, its settings.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { readDirectPostChoices } from '../post/directPostRules';
import type { PostMode } from '../post/publishStatus';
import { readPostIdWaitMs, readTimeoutMs } from '../post/waitOptions';
import { chunkSizeFromMegabytes } from './chunkPlan';
import { settingsProblems, type PostSettings } from './videoSettings';

export type UploadMethod = 'auto' | 'pull' | 'download';

/** What every item asks for, whatever the mode: read from the node's parameters, checked before any call. */
interface VideoRequestBase {
	source: 'binary' | 'url';
	binaryPropertyName: string;
	videoUrl: string;
	uploadMethod: UploadMethod;
	expectedAccount: string;
	waitForResult: boolean;
	timeoutMs: number;
	/** undefined = Auto (one request up to 64,000,000 bytes, else 32,000,000-byte chunks) */
	chunkSize?: number;
	keepVideo: boolean;
	/** Skip Already Posted; `postedKey` = the Posted Key option, '' = the default key of the source */
	skipAlreadyPosted: boolean;
	postedKey: string;
}

/** TikTok Publish Video: a direct post, with its caption, privacy and interaction settings. */
export interface DirectPostRequest extends VideoRequestBase {
	mode: 'direct';
	post: PostSettings;
	/** How long to keep polling after PUBLISH_COMPLETE for a public post's id; 0 = not at all. */
	postIdWaitMs: number;
}

/** TikTok Upload Video: a draft sent to the creator's inbox (TikTok takes no post settings). */
export interface DraftRequest extends VideoRequestBase {
	mode: 'inbox';
}

/** Everything one item asks for; the mode decides the type, so a direct post always has its settings. */
export type VideoPostRequest = DirectPostRequest | DraftRequest;

interface SharedOptions {
	chunkSizeMb?: number;
	keepVideo?: boolean;
	timeoutMinutes?: number;
	coverTimestampMs?: number;
	postIdWaitMinutes?: number;
	skipAlreadyPosted?: boolean;
	postedKey?: string;
}

type Refuse = (message: string, description?: string) => NodeOperationError;

export function readVideoPostRequest(
	ctx: IExecuteFunctions,
	itemIndex: number,
	mode: PostMode,
): VideoPostRequest {
	const fail: Refuse = (message, description) =>
		new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
	const options = ctx.getNodeParameter('options', itemIndex, {}) as SharedOptions;
	const base = readRequestBase(ctx, itemIndex, options, fail);
	if (mode === 'inbox') return { ...base, mode };

	const post: PostSettings = {
		...readDirectPostChoices(ctx, itemIndex),
		caption: String(ctx.getNodeParameter('caption', itemIndex, '')),
		allowDuet: ctx.getNodeParameter('allowDuet', itemIndex, false) as boolean,
		allowStitch: ctx.getNodeParameter('allowStitch', itemIndex, false) as boolean,
		coverTimestampMs: options.coverTimestampMs,
	};
	const problems = settingsProblems(post);
	if (problems.length) throw fail(problems[0], problems.slice(1).join(' ') || undefined);
	return { ...base, mode, post, postIdWaitMs: readPostIdWaitMs(ctx, itemIndex, options.postIdWaitMinutes) };
}

/** What every video item asks for: the source, chunk size, waiting. */
function readRequestBase(ctx: IExecuteFunctions, itemIndex: number, options: SharedOptions, fail: Refuse): VideoRequestBase {
	const source = ctx.getNodeParameter('source', itemIndex) as 'binary' | 'url';
	// Chunk Size not added = Auto.
	let chunkSize: number | undefined;
	if (options.chunkSizeMb !== undefined && options.chunkSizeMb !== null) {
		try {
			chunkSize = chunkSizeFromMegabytes(options.chunkSizeMb);
		} catch (error) {
			throw fail((error as Error).message, 'Set Chunk Size (MB) to a number from 5 to 64, or remove the option for Auto.');
		}
	}
	const base: VideoRequestBase = {
		source,
		binaryPropertyName:
			source === 'binary' ? String(ctx.getNodeParameter('binaryPropertyName', itemIndex)).trim() : '',
		videoUrl: source === 'url' ? String(ctx.getNodeParameter('videoUrl', itemIndex)).trim() : '',
		uploadMethod:
			source === 'url' ? (ctx.getNodeParameter('uploadMethod', itemIndex, 'auto') as UploadMethod) : 'auto',
		expectedAccount: String(ctx.getNodeParameter('expectedAccount', itemIndex, '')),
		waitForResult: ctx.getNodeParameter('waitForResult', itemIndex, true) as boolean,
		timeoutMs: readTimeoutMs(ctx, itemIndex, options.timeoutMinutes),
		chunkSize,
		keepVideo: options.keepVideo === true,
		skipAlreadyPosted: options.skipAlreadyPosted === true,
		postedKey: String(options.postedKey ?? '').trim(),
	};
	if (source === 'url' && !base.videoUrl) {
		throw fail('Video URL is empty.', 'Enter the https address of the video, or map it from the input.');
	}
	if (source === 'binary' && !base.binaryPropertyName) {
		throw fail('Input Binary Field is empty.', 'Enter the name of the binary field holding the video, usually "data".');
	}
	return base;
}
