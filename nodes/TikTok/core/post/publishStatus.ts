/**
 * A publish_id's status (status/fetch), and waiting on it: for TikTok's final status, and after
 * PUBLISH_COMPLETE for a public post's id (moderation). Both waits share one paced, cancellable poll
 * loop; a timeout is an answer, not a failure, so a workflow that runs again never posts twice.
 */
import { NodeOperationError, sleep, type IExecuteFunctions, type NodeApiError } from 'n8n-workflow';

import { ENDPOINTS } from '../tiktok/constants';
import { asNodeError } from '../tiktok/nodeError';
import { tikTokApiRequest } from '../tiktok/transport';

export type PostMode = 'direct' | 'inbox';

/** How every output note about a wait that ran out begins. */
export const TIMED_OUT = 'TikTok had not reported a final status when the timeout ran out.';

export interface PublishStatus {
	status: string;
	failReason?: string;
	/** Post ids as strings: they are 64-bit and would lose precision as numbers. */
	postIds: string[];
	uploadedBytes?: number;
	downloadedBytes?: number;
}

export interface WaitResult extends PublishStatus {
	timedOut: boolean;
	polls: number;
}

interface StatusResponse {
	status?: string;
	fail_reason?: string;
	publicaly_available_post_id?: Array<string | number>;
	uploaded_bytes?: number;
	downloaded_bytes?: number;
}

/**
 * Poll intervals: quick at first (small videos finish in seconds), then slower. With the
 * transport's pacing this stays within TikTok's 30 status calls a minute per token.
 */
const DEFAULT_POLL_INTERVALS_MS = [1000, 2000, 3000, 5000, 5000, 10000];
let pollIntervalsMs = DEFAULT_POLL_INTERVALS_MS;

/** Scaled-down intervals for tests; `undefined` restores the defaults. */
export function setPollIntervalsForTests(intervals: number[] | undefined): void {
	pollIntervalsMs = intervals ?? DEFAULT_POLL_INTERVALS_MS;
}

export function pollDelayMs(pollNumber: number): number {
	return pollIntervalsMs[Math.min(pollNumber, pollIntervalsMs.length - 1)];
}

/** A status after which nothing more will happen for this publish_id (in this mode). */
export function isFinalStatus(status: string, mode: PostMode): boolean {
	if (status === 'FAILED' || status === 'PUBLISH_COMPLETE') return true;
	return mode === 'inbox' && status === 'SEND_TO_USER_INBOX';
}

export async function fetchPublishStatus(
	ctx: IExecuteFunctions,
	publishId: string,
	itemIndex: number,
): Promise<PublishStatus> {
	const { data } = await tikTokApiRequest.call(ctx, 'POST', ENDPOINTS.statusFetch, {
		body: { publish_id: publishId },
		itemIndex,
		rateLimit: 'status',
	});
	const response = data as StatusResponse;
	return {
		status: response.status ?? 'UNKNOWN',
		failReason: response.fail_reason || undefined,
		postIds: (response.publicaly_available_post_id ?? []).map(String),
		uploadedBytes: response.uploaded_bytes,
		downloadedBytes: response.downloaded_bytes,
	};
}

/** Where a poll loop stands when it hands a status, an error or the timeout to its caller. */
interface PollState {
	polls: number;
	waitedMs: number;
	deadlinePassed: boolean;
}

/** What a poll loop's caller does with each answer; a result ends the loop, undefined polls again. */
interface PollHandlers<T> {
	onStatus(status: PublishStatus, state: PollState): T | undefined;
	/** A status fetch failed: throw, end with a result, or poll again. */
	onError(error: unknown, state: PollState): T | undefined;
	onTimeout(state: PollState): T;
}

/**
 * The one poll loop: fetches the status of a publish_id on the paced schedule (pollDelayMs, within
 * TikTok's 30 status calls a minute with the transport's pacing) until a handler ends it or
 * `timeoutMs` has passed. The sleep is cancellable: a cancelled execution ends the wait by throwing.
 */
async function pollPublishStatus<T>(
	ctx: IExecuteFunctions,
	args: { publishId: string; timeoutMs: number; itemIndex: number },
	handlers: PollHandlers<T>,
): Promise<T> {
	const signal = ctx.getExecutionCancelSignal?.();
	const startedAt = Date.now();
	const deadline = startedAt + args.timeoutMs;
	let polls = 0;
	const state = (): PollState => ({ polls, waitedMs: Date.now() - startedAt, deadlinePassed: Date.now() >= deadline });
	for (;;) {
		const remaining = deadline - Date.now();
		if (remaining <= 0) return handlers.onTimeout(state());
		await sleep(Math.min(pollDelayMs(polls), remaining), signal);
		polls++;
		let status: PublishStatus;
		try {
			status = await fetchPublishStatus(ctx, args.publishId, args.itemIndex);
		} catch (error) {
			const ended = handlers.onError(error, state());
			if (ended !== undefined) return ended;
			continue;
		}
		const ended = handlers.onStatus(status, state());
		if (ended !== undefined) return ended;
	}
}

/**
 * Polls until a final status or the deadline. A timeout is not a failure: the caller returns the
 * last status with `timedOut`, so a retry of the workflow never posts the video twice.
 * A status fetch that fails transiently (5xx) is retried at the next poll; other errors stop here.
 */
export async function waitForPublishResult(
	ctx: IExecuteFunctions,
	args: { publishId: string; mode: PostMode; timeoutMs: number; itemIndex: number },
): Promise<WaitResult> {
	let last: PublishStatus = { status: 'PROCESSING_UPLOAD', postIds: [] };
	return await pollPublishStatus<WaitResult>(ctx, args, {
		onStatus: (status, { polls }) => {
			last = status;
			return isFinalStatus(status.status, args.mode) ? { ...status, timedOut: false, polls } : undefined;
		},
		onError: (error, { deadlinePassed }) => {
			if (!isTransient(error) || deadlinePassed) throw asNodeError(ctx.getNode(), error, args.itemIndex);
			return undefined;
		},
		onTimeout: ({ polls }) => ({ ...last, timedOut: true, polls }),
	});
}

/** What waiting for a public post's id (TikTok's moderation) gave. */
export interface PostIdWait {
	postIds: string[];
	polls: number;
	waitedMs: number;
	/** the wait ended on an error other than a transient one; the post is published all the same */
	error?: string;
}

/**
 * After PUBLISH_COMPLETE, TikTok gives a public post its id only once moderation has passed (usually
 * under a minute, sometimes hours): keeps polling, on the same paced schedule, until the id appears or
 * `timeoutMs` has passed. The post is published either way, so an error here ends the wait instead of
 * failing the item; only a cancel throws.
 */
export async function waitForPostId(
	ctx: IExecuteFunctions,
	args: { publishId: string; timeoutMs: number; itemIndex: number },
): Promise<PostIdWait> {
	return await pollPublishStatus<PostIdWait>(ctx, args, {
		onStatus: ({ postIds }, { polls, waitedMs }) => (postIds.length ? { postIds, polls, waitedMs } : undefined),
		onError: (error, { polls, waitedMs }) => {
			if (ctx.getExecutionCancelSignal?.()?.aborted) throw asNodeError(ctx.getNode(), error, args.itemIndex);
			return isTransient(error) ? undefined : { postIds: [], polls, waitedMs, error: (error as Error).message };
		},
		onTimeout: ({ polls, waitedMs }) => ({ postIds: [], polls, waitedMs }),
	});
}

function isTransient(error: unknown): boolean {
	const httpCode = Number((error as { httpCode?: string | number }).httpCode);
	return httpCode >= 500 && httpCode < 600;
}

/**
 * Waits for the final status of media TikTok already has (every byte, or the URLs to pull). TikTok
 * goes on with the post whatever happens here, so a cancel or a status error must say so, with the
 * publish_id (`handedOver` is that sentence), and never suggest running the item again.
 */
export async function waitAfterHandover(
	ctx: IExecuteFunctions,
	args: { publishId: string; mode: PostMode; timeoutMs: number; itemIndex: number; handedOver: string },
): Promise<WaitResult> {
	try {
		return await waitForPublishResult(ctx, args);
	} catch (error) {
		throw handedOverError(ctx, args.itemIndex, error, args.handedOver);
	}
}

function handedOverError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	error: unknown,
	handedOver: string,
): NodeApiError | NodeOperationError {
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
