import {
	acquirePacingSlot,
	computePacingDelay,
	type PacedKind,
	holdAfterRateLimit,
	pacingMarginMs,
	pacingWindowMs,
	rateLimitBackoffMs,
	resetPacing,
	scaleDuration,
	setPacingWindowForTests,
} from '../../nodes/TikTok/core/tiktok/pacing';

afterEach(() => {
	setPacingWindowForTests(undefined);
	resetPacing();
});

describe('computePacingDelay (pure)', () => {
	it('no wait while fewer than limit calls are in the window', () => {
		expect(computePacingDelay([], 1000, 6, 60000)).toBe(0);
		expect(computePacingDelay([1, 2, 3, 4, 5], 1000, 6, 60000)).toBe(0);
	});

	it('waits until the oldest call leaves the window, plus the margin', () => {
		expect(computePacingDelay([0, 10, 20, 30, 40, 50], 1000, 6, 60000, 250)).toBe(60000 + 250 - 1000);
		// unsorted input
		expect(computePacingDelay([50, 0, 40, 10, 30, 20], 1000, 6, 60000, 0)).toBe(59000);
	});

	it('ignores calls that already left the window', () => {
		expect(computePacingDelay([0, 100, 200], 60300, 2, 60000, 0)).toBe(0);
		expect(computePacingDelay([0, 100, 200], 60050, 2, 60000, 0)).toBe(50);
	});

	it('with more than limit active calls, waits for enough of them to leave', () => {
		expect(computePacingDelay([0, 1, 2, 3], 10, 2, 100, 0)).toBe(2 + 100 - 10);
	});

	it('simulated schedule never exceeds the limit in any window', () => {
		const limit = 6;
		const windowMs = 60000;
		const margin = pacingMarginMs(windowMs);
		const sent: number[] = [];
		let now = 0;
		for (let i = 0; i < 40; i++) {
			now += Math.floor((i * 7919) % 5000);
			const wait = computePacingDelay(sent, now, limit, windowMs, margin);
			now += wait;
			expect(computePacingDelay(sent, now, limit, windowMs, margin)).toBe(0);
			sent.push(now);
		}
		for (let i = 0; i + limit < sent.length; i++) expect(sent[i + limit] - sent[i]).toBeGreaterThanOrEqual(windowMs + margin);
	});
});

/**
 * Everything below runs on jest's fake clock: Date.now() stands still unless the test moves it, and
 * n8n-workflow's `sleep` (what pacing waits with) only wakes when the test advances the clock. So
 * "went through at once" means "settled without the clock moving", and a wait is measured to the
 * millisecond instead of against a wall clock that a loaded CI machine stretches.
 */
beforeEach(() => {
	jest.useFakeTimers();
});

afterEach(() => {
	jest.useRealTimers();
});

type Settled = 'pending' | 'resolved' | 'rejected';

/** How a promise stands once every job already queued has run, without moving the fake clock. */
async function stateOf(promise: Promise<unknown>): Promise<Settled> {
	let state: Settled = 'pending';
	promise.then(
		() => (state = 'resolved'),
		() => (state = 'rejected'),
	);
	await jest.advanceTimersByTimeAsync(0);
	return state;
}

/**
 * The promise must reject with the signal's abort reason. n8n-workflow's `sleep` rejects with the reason
 * itself when it is an Error, else wraps it (`cause`): under jest the default reason, a DOMException
 * from Node's realm, is not an Error of the test's realm, so it arrives wrapped.
 */
async function expectCancelledWith(promise: Promise<unknown>, signal: AbortSignal): Promise<void> {
	// settled without the clock moving: the abort itself ended the wait
	expect(await stateOf(promise)).toBe('rejected');
	const error = await promise.then(
		() => 'resolved instead of rejecting',
		(thrown: unknown) => thrown,
	);
	const reason = error instanceof Error && error.cause !== undefined ? error.cause : error;
	expect(reason).toBe(signal.reason);
}

/** Takes `count` slots of `kind` for `key` and marks each call answered (at the current fake time). */
async function callsAnswered(key: string, kind: PacedKind, count: number): Promise<void> {
	for (let i = 0; i < count; i++) {
		const slot = acquirePacingSlot(key, kind);
		expect(await stateOf(slot)).toBe('resolved');
		(await slot).done();
	}
}

/** Moves the fake clock to 1 ms before `waitMs` and to `waitMs`: the call must be let through exactly then. */
async function expectLetThroughAfter(slot: Promise<unknown>, waitMs: number): Promise<void> {
	await jest.advanceTimersByTimeAsync(waitMs - 1);
	expect(await stateOf(slot)).toBe('pending');
	await jest.advanceTimersByTimeAsync(1);
	expect(await stateOf(slot)).toBe('resolved');
}

describe('limits, scaling and backoff', () => {
	it.each([
		['init', 6],
		['creatorInfo', 20],
		['status', 30],
	] as Array<[PacedKind, number]>)('TikTok limits %s to %i calls a minute: those go at once, the next one waits the minute + 250 ms', async (kind, limit) => {
		await callsAnswered('tiktok', kind, limit);
		await expectLetThroughAfter(acquirePacingSlot('tiktok', kind), 60_000 + 250);
	});

	it('scales with setPacingWindowForTests', () => {
		setPacingWindowForTests(1000);
		expect(pacingWindowMs()).toBe(1000);
		expect(scaleDuration(60000)).toBe(1000);
		expect(pacingMarginMs()).toBe(25);
	});

	it('backs off a quarter, half, then a full window, bounded', () => {
		expect(rateLimitBackoffMs(0)).toBe(15000 + 250);
		expect(rateLimitBackoffMs(1)).toBe(30000 + 250);
		expect(rateLimitBackoffMs(2)).toBe(60000 + 250);
		expect(rateLimitBackoffMs(9)).toBe(60000 + 250);
		expect(rateLimitBackoffMs(0, 40)).toBe(40000 + 250);
		expect(rateLimitBackoffMs(0, 4000)).toBe(60000 + 250);
	});
});

describe('acquirePacingSlot', () => {
	it('lets limit calls through at once, then waits until the oldest answer is a window + margin old', async () => {
		setPacingWindowForTests(300);
		const started = Date.now();
		await callsAnswered('k', 'init', 6);
		expect(Date.now()).toBe(started);
		await expectLetThroughAfter(acquirePacingSlot('k', 'init'), 300 + 25);
	});

	it('a call occupies the window from when it was sent until its answer is a window old', async () => {
		setPacingWindowForTests(300);
		const inFlight = [];
		for (let i = 0; i < 6; i++) inFlight.push(await acquirePacingSlot('slow', 'init'));
		// the answers arrive 1 s later: the window counts from then, not from when the calls were sent
		await jest.advanceTimersByTimeAsync(1000);
		const next = acquirePacingSlot('slow', 'init');
		await jest.advanceTimersByTimeAsync(5000);
		expect(await stateOf(next)).toBe('pending');
		for (const ticket of inFlight) ticket.done();
		await expectLetThroughAfter(next, 300 + 25);
	});

	it('keys are independent; other is never paced', async () => {
		setPacingWindowForTests(5000);
		await callsAnswered('a', 'init', 6);
		const started = Date.now();
		// 57 more calls, none of them waits: another credential, another kind, unpaced calls
		await callsAnswered('b', 'init', 1);
		await callsAnswered('a', 'status', 1);
		for (let i = 0; i < 50; i++) expect(await stateOf(acquirePacingSlot('a', 'other'))).toBe('resolved');
		expect(await stateOf(acquirePacingSlot('a', undefined))).toBe('resolved');
		expect(Date.now()).toBe(started);
		expect(jest.getTimerCount()).toBe(0);
	});

	it('rejects with the abort when cancelled while waiting, and the cancelled call takes no slot', async () => {
		setPacingWindowForTests(5000);
		await callsAnswered('c', 'init', 6);
		const started = Date.now();
		const controller = new AbortController();
		const waiting = acquirePacingSlot('c', 'init', controller.signal);
		expect(await stateOf(waiting)).toBe('pending');
		controller.abort();
		await expectCancelledWith(waiting, controller.signal);
		expect(Date.now()).toBe(started); // it did not wait the window out
		// the window empties on time and holds 6 new calls: the cancelled one left nothing behind
		await jest.advanceTimersByTimeAsync(5000 + 25);
		await callsAnswered('c', 'init', 6);
		expect(await stateOf(acquirePacingSlot('c', 'init'))).toBe('pending');
	});

	it("rejects with the signal's own reason (what n8n's cancel gives), also when the signal was aborted before the wait began", async () => {
		setPacingWindowForTests(5000);
		await callsAnswered('r', 'init', 6);
		const reason = new Error('Execution was cancelled');
		const controller = new AbortController();
		const waiting = acquirePacingSlot('r', 'init', controller.signal);
		controller.abort(reason);
		await expectCancelledWith(waiting, controller.signal);
		expect(controller.signal.reason).toBe(reason);
		await expectCancelledWith(acquirePacingSlot('r', 'init', controller.signal), controller.signal);
	});

	it('after a 429, holds every call of that kind for that credential until the backoff is over', async () => {
		setPacingWindowForTests(5000);
		holdAfterRateLimit('d', 'init', 300);
		await expectLetThroughAfter(acquirePacingSlot('d', 'init'), 300);
	});

	it('a hold concerns only its credential and kind, and never unpaced calls', async () => {
		setPacingWindowForTests(5000);
		holdAfterRateLimit('e', 'init', 10_000);
		holdAfterRateLimit('e', 'other', 10_000);
		const controller = new AbortController();
		const held = acquirePacingSlot('e', 'init', controller.signal);
		expect(await stateOf(acquirePacingSlot('f', 'init'))).toBe('resolved');
		expect(await stateOf(acquirePacingSlot('e', 'status'))).toBe('resolved');
		expect(await stateOf(acquirePacingSlot('e', 'other'))).toBe('resolved');
		expect(await stateOf(held)).toBe('pending');
		controller.abort();
		await expectCancelledWith(held, controller.signal);
	});

	it('resetPacing clears holds and recorded calls', async () => {
		setPacingWindowForTests(5000);
		holdAfterRateLimit('g', 'status', 10_000);
		await callsAnswered('g', 'init', 6);
		// before the reset both wait: the status call for the hold, the 7th init for the window
		const controller = new AbortController();
		const heldStatus = acquirePacingSlot('g', 'status', controller.signal);
		const seventhInit = acquirePacingSlot('g', 'init', controller.signal);
		expect([await stateOf(heldStatus), await stateOf(seventhInit)]).toEqual(['pending', 'pending']);
		controller.abort();
		await expectCancelledWith(heldStatus, controller.signal);
		await expectCancelledWith(seventhInit, controller.signal);

		resetPacing();
		const started = Date.now();
		expect(await stateOf(acquirePacingSlot('g', 'status'))).toBe('resolved');
		await callsAnswered('g', 'init', 6);
		expect(Date.now()).toBe(started);
	});
});
