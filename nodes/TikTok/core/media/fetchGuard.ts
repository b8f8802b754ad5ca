/**
 * The time limits of one fetch, enforced without timers of our own: one watchdog per open fetch
 * sleeps (n8n-workflow's `sleep`) until the next moment a limit could be crossed, and when it is, aborts
 * the fetch's AbortController, which n8n's request helper (axios) honours for the request AND for a
 * body being streamed: the pending read rejects and the connection is closed. Only one sleep is pending
 * at a time (not one per piece: on n8n 1.123 a sleep cannot be cancelled, so thousands would pile up).
 *
 * - connect: axios's `timeout` (the fetch passes it): connecting and waiting for the response headers;
 * - idle: no byte for `idleTimeoutMs` while the node waits for one. Time the node spends elsewhere (a
 *   chunk PUT to TikTok, an init's pacing wait) is not waiting and never counts;
 * - deadline: from the first request to the last byte, redirects included;
 * - the execution's cancel signal aborts at once.
 */
import { sleep } from 'n8n-workflow';

import { formatBytes } from '../tiktok/wording';
import type { FetchLimits } from './fetchLimits';

/** Why a fetch failed; `message` is the sentence for the user (host, what, how long). */
export type FetchFailureKind =
	| 'ssrf'
	| 'headers_timeout'
	| 'stalled'
	| 'deadline'
	| 'cancelled'
	| 'network'
	| 'too_many_redirects'
	| 'too_big'
	| 'http';

export class FetchError extends Error {
	constructor(
		readonly kind: FetchFailureKind,
		message: string,
		readonly host: string,
		/** what to do, or n8n's own explanation (an SSRF refusal) */
		readonly description?: string,
		/** the network failure alone, without the sentence around it (`ECONNREFUSED: …`) */
		readonly detail?: string,
	) {
		super(message);
		// isAbortError (tiktok/http.ts) and upload.ts know a cancel by this name
		this.name = kind === 'cancelled' ? 'AbortError' : 'FetchError';
	}
}

/** The clock and sleep the watchdog uses: real ones in n8n, controlled ones in unit tests. */
export interface FetchClock {
	now(): number;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: FetchClock = {
	now: () => Date.now(),
	sleep: async (ms, signal) => await sleep(ms, signal),
};

/** `30 s`, `1.5 s`, `60 minutes`: how long, for messages. */
export function formatDuration(ms: number): string {
	if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} minutes`;
	return `${Math.round(ms / 100) / 10} s`;
}

export interface GuardSubject {
	/** host (and port) of the server, for messages */
	host: string;
	/** 'the video', 'photo 2 of 5', 'the video header (moov box)' */
	what: string;
}

/** One fetch's limits, watched by one sleeping watchdog. */
export class FetchGuard {
	private readonly controller = new AbortController();
	private readonly startedAt: number;
	private failure?: FetchError;
	/** when the pending read started; undefined while the node is not waiting for a byte */
	private waitingSince?: number;
	private closed = false;
	private readonly onCancel = () => this.fail(new FetchError('cancelled', `The execution was cancelled while ${this.subject.what} was being fetched from "${this.subject.host}"`, this.subject.host));

	/** bytes received and the total expected, for the stall and deadline messages */
	bytesRead = 0;
	expectedBytes?: number;

	constructor(
		readonly subject: GuardSubject,
		private readonly limits: FetchLimits,
		private readonly cancelSignal?: AbortSignal,
		private readonly clock: FetchClock = realClock,
	) {
		this.startedAt = clock.now();
		if (cancelSignal?.aborted) this.onCancel();
		else cancelSignal?.addEventListener('abort', this.onCancel, { once: true });
		void this.watch();
	}

	/** Passed to every request of this fetch as its `abortSignal`. */
	get signal(): AbortSignal {
		return this.controller.signal;
	}

	/** The failure the watchdog or a cancel recorded, if any. */
	get recorded(): FetchError | undefined {
		return this.failure;
	}

	/** Runs one request (up to its response headers, which axios's `timeout` limits); a cancel or the deadline ends it with their error. */
	async request<T>(send: () => Promise<T>): Promise<T> {
		if (this.failure) throw this.failure;
		try {
			return await send();
		} catch (error) {
			throw this.failure ?? error;
		}
	}

	/** Runs one read of the body as waiting time; a stall or the deadline ends it with their error. */
	async read<T>(next: () => Promise<T>): Promise<T> {
		if (this.failure) throw this.failure;
		this.waitingSince = this.clock.now();
		try {
			return await next();
		} catch (error) {
			throw this.failure ?? error;
		} finally {
			this.waitingSince = undefined;
		}
	}

	/** Ends the fetch: the watchdog stops and an open request is closed. Safe to call more than once. */
	close(): void {
		if (this.closed) return;
		this.closed = true;
		this.cancelSignal?.removeEventListener('abort', this.onCancel);
		this.controller.abort();
	}

	private fail(error: FetchError): void {
		if (this.failure || this.closed) return;
		this.failure = error;
		this.controller.abort(error);
	}

	/** What has gone wrong at `now`, if anything. */
	private overdue(now: number): FetchError | undefined {
		const { host, what } = this.subject;
		const progress = this.expectedBytes ? `${formatBytes(this.bytesRead)} of ${formatBytes(this.expectedBytes)}` : formatBytes(this.bytesRead);
		if (now - this.startedAt >= this.limits.deadlineMs) {
			return new FetchError('deadline', `Fetching ${what} from "${host}" took longer than ${formatDuration(this.limits.deadlineMs)} (${progress} received)`, host);
		}
		if (this.waitingSince !== undefined && now - this.waitingSince >= this.limits.idleTimeoutMs) {
			return new FetchError('stalled', `The server at "${host}" stopped sending ${what}: no byte for ${formatDuration(this.limits.idleTimeoutMs)} after ${progress}`, host);
		}
		return undefined;
	}

	/** The watchdog: sleeps until the next moment a limit could be crossed, checks, repeats. */
	private async watch(): Promise<void> {
		try {
			while (!this.closed && !this.failure) {
				const now = this.clock.now();
				const late = this.overdue(now);
				if (late) return this.fail(late);
				const deadlineAt = this.startedAt + this.limits.deadlineMs;
				const idleAt = (this.waitingSince ?? now) + this.limits.idleTimeoutMs;
				await this.clock.sleep(Math.max(1, Math.min(deadlineAt, idleAt) - now), this.controller.signal);
			}
		} catch {
			// the sleep ends early when the fetch is closed or aborted (n8n 2.x); nothing left to watch
		}
	}
}
