/**
 * FetchGuard: the idle timeout, the deadline and the cancel signal of one fetch, driven by a clock the
 * test moves (no wall clock, no fake timers): the watchdog's sleeps resolve when the test advances time.
 */
import { FetchError, FetchGuard, formatDuration, type FetchClock } from '../../nodes/TikTok/core/media/fetchGuard';
import type { FetchLimits } from '../../nodes/TikTok/core/media/fetchLimits';

/** A clock whose sleeps end when `advance` passes their time. */
class TestClock implements FetchClock {
	time = 1_000_000;
	private sleepers: Array<{ at: number; resolve: () => void }> = [];
	sleeps = 0;

	now(): number {
		return this.time;
	}

	async sleep(ms: number, signal?: AbortSignal): Promise<void> {
		this.sleeps++;
		await new Promise<void>((resolve, reject) => {
			const sleeper = { at: this.time + ms, resolve };
			this.sleepers.push(sleeper);
			signal?.addEventListener('abort', () => {
				this.sleepers = this.sleepers.filter((s) => s !== sleeper);
				reject(new Error('aborted'));
			});
		});
	}

	/** Moves time on in steps, letting every woken watchdog run. */
	async advance(ms: number): Promise<void> {
		const end = this.time + ms;
		for (;;) {
			await flush();
			const due = this.sleepers.filter((s) => s.at <= end).sort((a, b) => a.at - b.at)[0];
			if (!due) break;
			this.time = Math.max(this.time, due.at);
			this.sleepers = this.sleepers.filter((s) => s !== due);
			due.resolve();
		}
		this.time = end;
		await flush();
	}

	pending(): number {
		return this.sleepers.length;
	}
}

async function flush(): Promise<void> {
	for (let i = 0; i < 10; i++) await Promise.resolve();
}

const LIMITS: FetchLimits = { connectTimeoutMs: 5_000, idleTimeoutMs: 30_000, deadlineMs: 600_000, maxRedirects: 0, maxBytes: 1e9 };

/** A read that stays pending until the guard aborts (as axios's stream does), or until `deliver`. */
function pendingRead(guard: FetchGuard) {
	let deliver!: (value: string) => void;
	const promise = guard.read(
		async () =>
			await new Promise<string>((resolve, reject) => {
				deliver = resolve;
				guard.signal.addEventListener('abort', () => reject(new Error('canceled')));
			}),
	);
	promise.catch(() => undefined);
	return { promise, deliver: (value: string) => deliver(value) };
}

function newGuard(clock: TestClock, signal?: AbortSignal, limits = LIMITS) {
	return new FetchGuard({ host: 'media.example.com', what: 'the video' }, limits, signal, clock);
}

describe('FetchGuard', () => {
	it('a read with no byte for the idle time fails with the host, what stalled and how long', async () => {
		const clock = new TestClock();
		const guard = newGuard(clock);
		guard.expectedBytes = 50_000_000;
		guard.bytesRead = 5_242_880;
		const read = pendingRead(guard);
		await clock.advance(29_999);
		expect(guard.recorded).toBeUndefined();
		await clock.advance(1);
		await expect(read.promise).rejects.toMatchObject({
			kind: 'stalled',
			message: 'The server at "media.example.com" stopped sending the video: no byte for 30 s after 5,242,880 bytes of 50,000,000 bytes',
		});
		expect(guard.signal.aborted).toBe(true);
	});

	it('each piece starts the idle time again; time the node is not waiting never counts', async () => {
		const clock = new TestClock();
		const guard = newGuard(clock);
		for (let i = 0; i < 5; i++) {
			const read = pendingRead(guard);
			await clock.advance(20_000);
			read.deliver('piece');
			await expect(read.promise).resolves.toBe('piece');
			// the node is busy elsewhere (a chunk PUT, pacing): not waiting for the server
			await clock.advance(60_000);
		}
		expect(guard.recorded).toBeUndefined();
		guard.close();
	});

	it('the deadline ends a fetch that trickles below the idle limit', async () => {
		const clock = new TestClock();
		const guard = newGuard(clock, undefined, { ...LIMITS, deadlineMs: 120_000 });
		let failure: unknown;
		for (let i = 0; i < 10 && !failure; i++) {
			const read = pendingRead(guard);
			await clock.advance(29_000);
			if (guard.recorded) failure = await read.promise.catch((e: unknown) => e);
			else read.deliver('byte');
		}
		expect(failure).toBeInstanceOf(FetchError);
		expect(failure).toMatchObject({ kind: 'deadline', message: expect.stringMatching(/^Fetching the video from "media\.example\.com" took longer than 2 minutes/) });
	});

	it('the execution\'s cancel aborts at once, before or during the fetch', async () => {
		const clock = new TestClock();
		const cancel = new AbortController();
		const guard = newGuard(clock, cancel.signal);
		const read = pendingRead(guard);
		cancel.abort();
		await expect(read.promise).rejects.toMatchObject({ kind: 'cancelled', name: 'AbortError' });
		const already = newGuard(new TestClock(), cancel.signal);
		expect(already.recorded?.kind).toBe('cancelled');
	});

	it('one sleep at a time, ended by close', async () => {
		const clock = new TestClock();
		const guard = newGuard(clock);
		for (let i = 0; i < 100; i++) {
			const read = pendingRead(guard);
			read.deliver('piece');
			await read.promise;
		}
		expect(clock.pending()).toBe(1);
		guard.close();
		await flush();
		expect(clock.pending()).toBe(0);
		expect(guard.recorded).toBeUndefined();
	});

	it('formats durations for messages', () => {
		expect([formatDuration(30_000), formatDuration(1_500), formatDuration(3_600_000), formatDuration(90_000)]).toEqual(['30 s', '1.5 s', '60 minutes', '90 s']);
	});
});
