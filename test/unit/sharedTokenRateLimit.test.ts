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

async function postInits(transport: TransportModule, credentials: ReturnType<typeof sandboxCredentials>, count: number): Promise<string[]> {
	return await Promise.all(
		Array.from({ length: count }, async () => {
			const ctx = createTestContext({ credentials });
			try {
				await transport.tikTokApiRequest.call(ctx, 'POST', ENDPOINTS.inboxVideoInit, { body: SMALL_UPLOAD, rateLimit: 'init' });
				return 'ok';
			} catch (error) {
				return (error as Error).message;
			}
		}),
	);
}

it('one token, worker A with 24 inits, worker B with 6 a moment later: every init succeeds, the 429s are absorbed', async () => {
	const credentials = sandboxCredentials(sandbox);
	const [a, b] = [workerProcess(), workerProcess()];
	const outcomes = (
		await Promise.all([
			postInits(a.transport, credentials, 24),
			(async () => {
				await new Promise((resolve) => setTimeout(resolve, WINDOW_MS / 10));
				return await postInits(b.transport, credentials, 6);
			})(),
		])
	).flat();
	const inits = sandbox.log.filter((e: { path: string }) => e.path.endsWith('/init/'));
	const refused = inits.filter((e: { status: number }) => e.status === 429).length;
	// B's calls were refused while A used the account's budget (otherwise this test proves nothing) ...
	expect(refused).toBeGreaterThanOrEqual(6);
	// ... and no item failed because of it
	expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
	expect(inits.filter((e: { status: number }) => e.status === 200)).toHaveLength(30);
}, 60000);
