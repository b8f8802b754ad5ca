/**
 * A publish_id's status (status/fetch), and waiting on it: for TikTok's final status, and after
 * PUBLISH_COMPLETE for a public post's id (moderation). Every wait of an execution runs in one paced,
 * cancellable poll loop (a batch waits once); a timeout is an answer, not a failure, so a workflow
 * that runs again never posts twice.
 */
import { NodeOperationError, sleep, type IExecuteFunctions } from 'n8n-workflow';

import type { Settled } from '../runItems';
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

/** Where one followed publish_id stands when the loop hands a status, an error or the timeout to its caller. */
export interface PollState {
	polls: number;
	waitedMs: number;
	deadlinePassed: boolean;
}

/**
 * What the caller does with each answer about one publish_id; a result ends its wait, undefined polls
 * again. `restart` begins a new wait on the same publish_id (its own schedule and timeout, from now):
 * after PUBLISH_COMPLETE, the wait for the post id.
 */
export interface PollHandlers<T> {
	onStatus(status: PublishStatus, state: PollState, restart: (timeoutMs: number) => void): T | undefined;
	/** A status fetch failed: throw, end with a result, or poll again. */
	onError(error: unknown, state: PollState): T | undefined;
	onTimeout(state: PollState): T;
}

/** One publish_id to follow: its schedule counts from `since` (its hand-over), its timeout too. */
export interface Watch<T> {
	publishId: string;
	itemIndex: number;
	since: number;
	timeoutMs: number;
	handlers: PollHandlers<T>;
}

interface Schedule {
	since: number;
	deadline: number;
	polls: number;
	due: number;
}

const startSchedule = (since: number, timeoutMs: number): Schedule => ({
	since,
	deadline: since + timeoutMs,
	polls: 0,
	due: Math.min(since + pollDelayMs(0), since + timeoutMs),
});

const stateOf = (schedule: Schedule): PollState => ({
	polls: schedule.polls,
	waitedMs: Date.now() - schedule.since,
	deadlinePassed: Date.now() >= schedule.deadline,
});

/**
 * The one poll loop: follows every publish_id of `watches` at once, one status call at a time. Each
 * keeps its own schedule (pollDelayMs from its own start) and deadline; the loop calls the one due
 * first, so all of them share the transport's pacing (TikTok's 30 status calls a minute per token).
 * Every watch gets at least one poll, even when its deadline passed before the loop began. The sleep
 * is cancellable: a cancelled execution ends the loop by throwing. Results come in `watches` order.
 */
export async function pollPublishStatuses<T>(ctx: IExecuteFunctions, watches: Array<Watch<T>>): Promise<Array<Settled<T>>> {
	const signal = ctx.getExecutionCancelSignal?.();
	const open = watches.map((watch, index) => ({ index, watch, schedule: startSchedule(watch.since, watch.timeoutMs) }));
	const settled: Array<Settled<T>> = [];
	while (open.length) {
		const next = open.reduce((best, entry) => (entry.schedule.due < best.schedule.due ? entry : best));
		const wait = next.schedule.due - Date.now();
		if (wait > 0) await sleep(wait, signal);
		const ended = await pollOnce(ctx, next.watch, next.schedule);
		if (signal?.aborted) throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled.');
		if (ended === undefined) continue;
		settled[next.index] = ended;
		open.splice(open.indexOf(next), 1);
	}
	return settled;
}

/** One status call for one watch and what its handlers make of it; undefined = poll it again. */
async function pollOnce<T>(ctx: IExecuteFunctions, watch: Watch<T>, schedule: Schedule): Promise<Settled<T> | undefined> {
	schedule.polls++;
	let answer: { status: PublishStatus } | { error: unknown };
	try {
		answer = { status: await fetchPublishStatus(ctx, watch.publishId, watch.itemIndex) };
	} catch (error) {
		answer = { error };
	}
	const restart = (timeoutMs: number) => Object.assign(schedule, startSchedule(Date.now(), timeoutMs));
	try {
		const ended =
			'status' in answer
				? watch.handlers.onStatus(answer.status, stateOf(schedule), restart)
				: watch.handlers.onError(answer.error, stateOf(schedule));
		if (ended !== undefined) return { ok: true, value: ended };
		if (Date.now() >= schedule.deadline) return { ok: true, value: watch.handlers.onTimeout(stateOf(schedule)) };
		schedule.due = Math.min(Date.now() + pollDelayMs(schedule.polls), schedule.deadline);
		return undefined;
	} catch (error) {
		return { ok: false, error };
	}
}

/**
 * The wait for TikTok's final status: a final status ends it. A timeout is not a failure: it ends with
 * the last status and `timedOut`, so a retry of the workflow never posts the video twice. A status fetch
 * that fails transiently (5xx) is retried at the next poll; other errors end the wait by throwing.
 */
export function finalStatusHandlers(ctx: IExecuteFunctions, args: { mode: PostMode; itemIndex: number }): PollHandlers<WaitResult> {
	let last: PublishStatus = { status: 'PROCESSING_UPLOAD', postIds: [] };
	return {
		onStatus: (status, { polls }) => {
			last = status;
			return isFinalStatus(status.status, args.mode) ? { ...status, timedOut: false, polls } : undefined;
		},
		onError: (error, { deadlinePassed }) => {
			if (!isTransient(error) || deadlinePassed) throw asNodeError(ctx.getNode(), error, args.itemIndex);
			return undefined;
		},
		onTimeout: ({ polls }) => ({ ...last, timedOut: true, polls }),
	};
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
 * The wait for a public post's id after PUBLISH_COMPLETE: TikTok gives it only once moderation has
 * passed (usually under a minute, sometimes hours). The post is published either way, so an error ends
 * the wait instead of failing the item.
 */
export function postIdHandlers(): PollHandlers<PostIdWait> {
	return {
		onStatus: ({ postIds }, { polls, waitedMs }) => (postIds.length ? { postIds, polls, waitedMs } : undefined),
		onError: (error, { polls, waitedMs }) =>
			isTransient(error) ? undefined : { postIds: [], polls, waitedMs, error: (error as Error).message },
		onTimeout: ({ polls, waitedMs }) => ({ postIds: [], polls, waitedMs }),
	};
}

function isTransient(error: unknown): boolean {
	const httpCode = Number((error as { httpCode?: string | number }).httpCode);
	return httpCode >= 500 && httpCode < 600;
}
