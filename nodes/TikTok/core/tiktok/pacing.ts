/**
 * Per-credential sliding-window pacing for TikTok's per-token rate limits
 * (init 6/min, creator_info 20/min, status 30/min).
 *
 * Rule: at most `limit` calls of a kind in any window. A call occupies the window from the moment it
 * is sent until `windowMs + margin` after its answer arrived (the server saw it before the answer, so
 * its own clock can never count more than `limit`). Before a call, if `limit` calls still occupy the
 * window, we sleep (n8n-workflow `sleep`, cancellable) until the oldest one leaves.
 *
 * State lives at module level, keyed by credential id (fallback: credential name), so every node
 * execution in this n8n process sharing a credential shares the budget.
 */
import { sleep } from 'n8n-workflow';

import { RATE_LIMITS } from './constants';

export type PacedKind = 'init' | 'creatorInfo' | 'status';

const BASE_WINDOW_MS = RATE_LIMITS.windowMs;
const LIMITS: Record<PacedKind, number> = {
	init: RATE_LIMITS.init,
	creatorInfo: RATE_LIMITS.creatorInfo,
	status: RATE_LIMITS.status,
};

let testWindowMs: number | undefined;

/** Scale every window (and the 429 backoff) for tests: e.g. 1000 -> limits per second. `undefined` restores. */
export function setPacingWindowForTests(ms: number | undefined): void {
	testWindowMs = ms === undefined ? undefined : Math.max(1, Math.floor(ms));
	slots.clear();
	holds.clear();
}

/** Forget all recorded calls (tests). */
export function resetPacing(): void {
	slots.clear();
	holds.clear();
}

/** Current window length in ms (60 000, or the test window). */
export function pacingWindowMs(): number {
	return testWindowMs ?? BASE_WINDOW_MS;
}

/** Scale a duration defined for the real 60 s window to the current window. */
export function scaleDuration(ms: number): number {
	return Math.round((ms * pacingWindowMs()) / BASE_WINDOW_MS);
}

/** Safety margin added after a call leaves the window: 250 ms per 60 s window, at least 25 ms. */
export function pacingMarginMs(windowMs: number = pacingWindowMs()): number {
	return Math.max(25, Math.round(windowMs / 240));
}

export function pacingLimit(kind: PacedKind): number {
	return LIMITS[kind];
}

/**
 * Pure: how long to wait (ms) before the next call, given the times the previous calls occupy the
 * window from (`callTimes`, any order), so that at most `limit` calls fall in any `windowMs + marginMs`.
 */
export function computePacingDelay(
	callTimes: readonly number[],
	now: number,
	limit: number,
	windowMs: number,
	marginMs = 0,
): number {
	if (limit <= 0) return 0;
	const span = windowMs + marginMs;
	const active = callTimes.filter((t) => t + span > now).sort((a, b) => a - b);
	if (active.length < limit) return 0;
	// the call that must leave so that only limit-1 remain
	const mustLeave = active[active.length - limit];
	return Math.max(0, mustLeave + span - now);
}

interface Slot {
	/** when the call was sent */
	sentAt: number;
	/** when its answer (or failure) arrived; undefined while in flight (counted as "now") */
	doneAt?: number;
}

const slots = new Map<string, Slot[]>();
/**
 * After a 429, no call of that kind leaves this process for that credential until the backoff is over:
 * TikTok counts calls this process cannot see (another n8n worker, another app on the same account),
 * so the window is fuller than the local record says, and every queued call would get a 429 too.
 */
const holds = new Map<string, number>();

function slotTimes(list: Slot[], now: number): number[] {
	return list.map((s) => s.doneAt ?? now);
}

function prune(list: Slot[], now: number, span: number): Slot[] {
	return list.filter((s) => s.doneAt === undefined || s.doneAt + span > now);
}

/** A reserved call slot; call `done()` when the answer (or error) arrived. */
export interface PacingTicket {
	done(): void;
}

const NOOP_TICKET: PacingTicket = { done: () => undefined };

/**
 * Waits until a call of `kind` is allowed for `key`, then reserves it. Returns a ticket whose
 * `done()` must be called when the call finished. Rejects when `abortSignal` fires while waiting.
 */
export async function acquirePacingSlot(
	key: string,
	kind: PacedKind | 'other' | undefined,
	abortSignal?: AbortSignal,
): Promise<PacingTicket> {
	if (kind === undefined || kind === 'other' || !(kind in LIMITS)) return NOOP_TICKET;
	const mapKey = `${key}\u0000${kind}`;
	for (;;) {
		const windowMs = pacingWindowMs();
		const margin = pacingMarginMs(windowMs);
		const now = Date.now();
		const list = prune(slots.get(mapKey) ?? [], now, windowMs + margin);
		slots.set(mapKey, list);
		const held = (holds.get(mapKey) ?? 0) - now;
		const delay = Math.max(held, computePacingDelay(slotTimes(list, now), now, LIMITS[kind], windowMs, margin));
		if (delay <= 0) {
			const slot: Slot = { sentAt: now };
			list.push(slot);
			return {
				done: () => {
					if (slot.doneAt === undefined) slot.doneAt = Date.now();
				},
			};
		}
		await sleep(delay, abortSignal);
	}
}

/**
 * TikTok answered 429 for `kind` on `key`: hold every call of that kind (from this process, for that
 * credential) for `ms`, the backoff the refused call itself waits before its retry.
 */
export function holdAfterRateLimit(key: string, kind: PacedKind | 'other' | undefined, ms: number): void {
	if (kind === undefined || kind === 'other' || !(kind in LIMITS)) return;
	const mapKey = `${key}\u0000${kind}`;
	holds.set(mapKey, Math.max(holds.get(mapKey) ?? 0, Date.now() + ms));
}

/** Backoff before retry `attempt` (0-based) after a 429: a quarter, half, then a full window (+ margin). */
export function rateLimitBackoffMs(attempt: number, retryAfterSec?: number): number {
	const windowMs = pacingWindowMs();
	const factors = [0.25, 0.5, 1];
	const factor = factors[Math.min(attempt, factors.length - 1)];
	const base = Math.round(windowMs * factor) + pacingMarginMs(windowMs);
	if (retryAfterSec !== undefined && Number.isFinite(retryAfterSec) && retryAfterSec > 0) {
		const fromHeader = Math.min(scaleDuration(retryAfterSec * 1000), windowMs) + pacingMarginMs(windowMs);
		return Math.max(base, fromHeader);
	}
	return base;
}
