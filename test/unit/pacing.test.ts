/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
import {
	acquirePacingSlot,
	computePacingDelay,
	holdAfterRateLimit,
	pacingLimit,
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

describe('limits, scaling and backoff', () => {
	it('uses TikTok limits', () => {
		expect(pacingLimit('init')).toBe(6);
		expect(pacingLimit('creatorInfo')).toBe(20);
		expect(pacingLimit('status')).toBe(30);
		expect(pacingWindowMs()).toBe(60000);
		expect(pacingMarginMs()).toBe(250);
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
	it('lets limit calls through at once, then waits a window', async () => {
		setPacingWindowForTests(300);
		const started = Date.now();
		for (let i = 0; i < 6; i++) (await acquirePacingSlot('k', 'init')).done();
		expect(Date.now() - started).toBeLessThan(100);
		(await acquirePacingSlot('k', 'init')).done();
		expect(Date.now() - started).toBeGreaterThanOrEqual(300);
	});

	it('keys are independent; other is never paced', async () => {
		setPacingWindowForTests(5000);
		for (let i = 0; i < 6; i++) (await acquirePacingSlot('a', 'init')).done();
		const started = Date.now();
		(await acquirePacingSlot('b', 'init')).done();
		(await acquirePacingSlot('a', 'status')).done();
		for (let i = 0; i < 50; i++) (await acquirePacingSlot('a', 'other')).done();
		expect(Date.now() - started).toBeLessThan(100);
	});

	it('rejects when cancelled while waiting', async () => {
		setPacingWindowForTests(5000);
		for (let i = 0; i < 6; i++) (await acquirePacingSlot('c', 'init')).done();
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 50);
		await expect(acquirePacingSlot('c', 'init', controller.signal)).rejects.toBeDefined();
	});

	it('after a 429, holds every call of that kind for that credential until the backoff is over', async () => {
		setPacingWindowForTests(5000);
		holdAfterRateLimit('d', 'init', 300);
		const started = Date.now();
		(await acquirePacingSlot('d', 'init')).done();
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
	});

	it('a hold concerns only its credential and kind, and never unpaced calls', async () => {
		setPacingWindowForTests(5000);
		holdAfterRateLimit('e', 'init', 10_000);
		holdAfterRateLimit('e', 'other', 10_000);
		const controller = new AbortController();
		const held = acquirePacingSlot('e', 'init', controller.signal);
		let settled = false;
		void held.then(() => (settled = true), () => (settled = true));
		(await acquirePacingSlot('f', 'init')).done();
		(await acquirePacingSlot('e', 'status')).done();
		(await acquirePacingSlot('e', 'other')).done();
		expect(settled).toBe(false);
		controller.abort();
		await expect(held).rejects.toBeDefined();
	});

	it('resetPacing clears holds', async () => {
		setPacingWindowForTests(5000);
		holdAfterRateLimit('g', 'status', 10_000);
		resetPacing();
		const controller = new AbortController();
		const timer = setTimeout(() => controller.abort(), 2000);
		(await acquirePacingSlot('g', 'status', controller.signal)).done();
		clearTimeout(timer);
	});
});
