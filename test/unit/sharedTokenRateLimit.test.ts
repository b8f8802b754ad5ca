/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * Two n8n workers (queue mode) posting for ONE TikTok account: each process paces its own calls to
 * TikTok's limit, but neither sees the other's, so TikTok answers 429 to the calls over its per-token
 * budget. Those 429s must be absorbed by the transport's backoff, not fail items.
 *
 * Each "worker" is a separate copy of transport.ts + pacing.ts (jest.isolateModules), so each has its
 * own pacing state, exactly like two processes; both sign with the same token against one sandbox.
 * Windows are scaled down (TikTok's per-minute limits per WINDOW_MS).
 *
 * The worker whose calls got in first keeps the account's whole budget while it has a backlog (its
 * pacing sends again the moment its previous calls leave TikTok's window), so the other worker is
 * refused until that backlog is gone: 24 inits = 4 windows. With 3 retries (refused for good after
 * about 3 windows) B's items failed with rate_limit_exceeded; the transport now retries 6 times.
 *
 * Time is jest's fake clock (onVirtualClock below): on the wall clock, B's last retry came less than
 * one window after A's backlog cleared, a margin that a loaded CI machine's slower answers could eat.
 */
import { ENDPOINTS } from '../../nodes/TikTok/core/tiktok/constants';
import { createTestContext, sandboxCredentials } from '../helpers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSandbox } = require('../sandbox');

type TransportModule = typeof import('../../nodes/TikTok/core/tiktok/transport');
type PacingModule = typeof import('../../nodes/TikTok/core/tiktok/pacing');

const WINDOW_MS = 1000;
const SMALL_UPLOAD = {
	source_info: { source: 'FILE_UPLOAD', video_size: 1000, chunk_size: 1000, total_chunk_count: 1 },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let sandbox: any;

beforeAll(async () => {
	sandbox = await startSandbox({ rateLimits: { windowMs: WINDOW_MS, init: 6, creatorInfo: 20, status: 30 } });
});

afterAll(async () => {
	await sandbox.close();
});

/** A worker process: its own copy of the transport and of the pacing state it keeps in memory. */
function workerProcess(): { transport: TransportModule; pacing: PacingModule } {
	let loaded: { transport: TransportModule; pacing: PacingModule } | undefined;
	jest.isolateModules(() => {
		loaded = {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			transport: require('../../nodes/TikTok/core/tiktok/transport'),
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			pacing: require('../../nodes/TikTok/core/tiktok/pacing'),
		};
	});
	loaded!.pacing.setPacingWindowForTests(WINDOW_MS);
	return loaded!;
}

/** Requests being answered right now, over every worker (the virtual clock only moves when this is 0). */
let inFlight = 0;
/** Per init item: how many of its tries TikTok refused with 429 (the transport logs one warning per retry). */
const refusalsPerItem: number[] = [];

async function postInits(transport: TransportModule, credentials: ReturnType<typeof sandboxCredentials>, count: number): Promise<string[]> {
	return await Promise.all(
		Array.from({ length: count }, async () => {
			const ctx = createTestContext({ credentials });
			const send = ctx.helpers.httpRequestWithAuthentication;
			ctx.helpers.httpRequestWithAuthentication = async function counted(this: ThisParameterType<typeof send>, ...args: Parameters<typeof send>) {
				inFlight++;
				try {
					return await send.apply(this, args);
				} finally {
					inFlight--;
				}
			} as typeof send;
			try {
				await transport.tikTokApiRequest.call(ctx, 'POST', ENDPOINTS.inboxVideoInit, { body: SMALL_UPLOAD, rateLimit: 'init' });
				return 'ok';
			} catch (error) {
				return (error as Error).message;
			} finally {
				refusalsPerItem.push(ctx.harness.logs.filter((line) => line.level === 'warn' && /rate limit/.test(line.message)).length);
			}
		}),
	);
}

const nextTurn = async () => await new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `work` on jest's clock, which both workers' pacing and backoff (Date.now, n8n's sleep) and the
 * sandbox's rate window (Date.now) read. The HTTP exchanges are real, on the real event loop, and take
 * no time on this clock: whenever no request is in flight and every queued job has run, the clock jumps
 * to the next timer. So the schedule is the same on an idle laptop and on a loaded 2-core CI runner.
 */
async function onVirtualClock<T>(work: Promise<T>): Promise<T> {
	let done = false;
	const result = work.finally(() => (done = true));
	for (let idleTurns = 0; !done; ) {
		await nextTurn();
		if (done || inFlight > 0) continue;
		if (jest.getTimerCount() === 0) {
			// nothing in flight, nothing scheduled, not done: only possible if the code under test hangs
			if (++idleTurns > 1000) throw new Error('the workers neither send, nor wait, nor finish');
			continue;
		}
		idleTurns = 0;
		await jest.advanceTimersToNextTimerAsync();
	}
	return await result;
}

it('one token, worker A with 24 inits, worker B with 6 a moment later: every init succeeds, the 429s are absorbed', async () => {
	const credentials = sandboxCredentials(sandbox);
	jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
	let outcomes: string[];
	try {
		const [a, b] = [workerProcess(), workerProcess()];
		outcomes = await onVirtualClock(
			Promise.all([
				postInits(a.transport, credentials, 24),
				(async () => {
					await new Promise((resolve) => setTimeout(resolve, WINDOW_MS / 10));
					return await postInits(b.transport, credentials, 6);
				})(),
			]).then((lists) => lists.flat()),
		);
	} finally {
		jest.useRealTimers();
	}
	const inits = sandbox.log.filter((e: { path: string }) => e.path.endsWith('/init/'));
	const refused = inits.filter((e: { status: number }) => e.status === 429).length;
	// B's calls were refused while A used the account's budget (otherwise this test proves nothing) ...
	expect(refused).toBeGreaterThanOrEqual(6);
	// ... and no item failed because of it
	expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
	expect(inits.filter((e: { status: number }) => e.status === 200)).toHaveLength(30);
	// The margin, on this clock: B's most refused item was refused 5 times, so it had 1 of its 6 retries
	// left (the whole exchange takes about 4.7 s of scaled time; with 3 retries B's items failed).
	expect(Math.max(...refusalsPerItem)).toBeLessThanOrEqual(5);
}, 60000);
