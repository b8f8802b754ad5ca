/**
 * Issue 5 — reliability and security campaign, part 2: load.
 * The promise: whatever happens, a video is published once or not at all, the user is told which,
 * and no secret leaks. Every run goes end to end through the real nodes (n8n-core request helpers,
 * real OAuth2 refresh) against the strict TikTok sandbox. 30 items in one execution with TikTok's limits
 * scaled down: no 429, every item posted once, total time close to what the limits allow.
 * The combined report of all suites is printed once after the run (lib/report.ts, lib/figures.ts).
 *
 * Run: `npm run campaign` (= `jest test/campaign`). See test/campaign/README.md.
 */
import { resetPacing, setPacingWindowForTests } from '../../nodes/TikTok/core/tiktok/pacing';
import { setPollIntervalsForTests } from '../../nodes/TikTok/core/post/publishStatus';
import { mp4Item } from '../integration/media';
import { collector } from './lib/collector';
import { describeSecretScan, recordSuiteFigures } from './lib/report';
import { acceptedInits, completedPublishes, count429, runNode } from './lib/run';
import { closeSandbox, newSandbox, POLL_INTERVALS, useCampaignSetup } from './lib/setup';

useCampaignSetup();
recordSuiteFigures('load');

describe('load', () => {
	const WINDOW_MS = 2000;
	const ITEMS = 30;
	const LOAD_PROCESSING_MS = 20;

	it(`${ITEMS} items in one execution with TikTok's limits scaled to a ${WINDOW_MS} ms window`, async () => {
		// moderation scaled like processing: the public items wait for their post id too
		const sb = await newSandbox({ rateLimits: { windowMs: WINDOW_MS }, processingMs: LOAD_PROCESSING_MS, postIdDelayMs: LOAD_PROCESSING_MS });
		setPacingWindowForTests(WINDOW_MS);
		setPollIntervalsForTests([LOAD_PROCESSING_MS + 25, 20, 20, 40]);
		resetPacing();
		try {
			const videos = Array.from({ length: ITEMS }, (_, i) => mp4Item(1_000 + 37 * i, { mode: 'memory', durationSec: 5 + (i % 10) }));
			const started = Date.now();
			const run = await runNode('load: 30 items', 'publish', {
				sandbox: sb,
				items: videos.map((v) => v.item),
				credentialId: 'cred-load',
				parameters: (i) => ({ caption: `Load item ${i} 🎬`, privacyLevel: i % 2 ? 'SELF_ONLY' : 'PUBLIC_TO_EVERYONE' }),
			});
			const measuredMs = Date.now() - started; // a figure for the report, never asserted

			expect(run.error).toBeUndefined();
			const out = run.output ?? [];
			const done = completedPublishes(sb);
			const n429 = count429(sb);
			// every item accounted for: one output per input, paired, each with its own completed publish
			expect(out).toHaveLength(ITEMS);
			out.forEach((o, i) => {
				expect(o.pairedItem).toEqual({ item: i });
				expect(o.json.status).toBe('PUBLISH_COMPLETE');
				const record = sb.publishes.get(String(o.json.publishId));
				expect(record?.sha256).toBe(videos[i].sha256);
				expect(record?.initBody.post_info.title).toBe(`Load item ${i} 🎬`);
			});
			expect(done).toHaveLength(ITEMS);
			expect(new Set(done.map((r) => r.sha256)).size).toBe(ITEMS);
			expect(acceptedInits(sb)).toBe(ITEMS);
			expect(n429).toBe(0);

			// The minimum the limits allow: 6 inits per window, so init 25 (the first of the 5th group)
			// cannot start before 4 windows after init 1; the last item then still needs its own
			// processing time at TikTok. Everything else (creator_info, uploads, polls) is overhead.
			const inits = sb.log.filter((e) => e.path.endsWith('/video/init/')).map((e) => Date.parse(e.at));
			// TikTok's limit, in the sandbox's own log: any 7 inits span at least a window
			for (let i = 0; i + 6 < inits.length; i++) expect(inits[i + 6] - inits[i]).toBeGreaterThanOrEqual(WINDOW_MS);
			// every item waited its turn: inits, uploads and polls in item order, each publish_id output by its own item
			const initOrder = sb.log.filter((e) => e.path.endsWith('/video/init/')).map((e) => e.body?.post_info);
			expect(initOrder.map((info) => (info as { title?: string })?.title)).toEqual(videos.map((_, i) => `Load item ${i} 🎬`));
			const groups = Math.ceil(ITEMS / 6) - 1;
			const minimumMs = groups * WINDOW_MS + LOAD_PROCESSING_MS;
			const ratio = measuredMs / minimumMs;
			const spanMs = inits[inits.length - 1] - inits[0];
			// how long each group of 6 waited beyond the bare window (pacing margin + request overhead)
			const gaps = [6, 12, 18, 24].map((k) => inits[k] - inits[k - 6] - WINDOW_MS);
			collector.notes.push(`load: each 7th init started window + [${gaps.join(', ')}] ms after the one 6 before it (pacing margin 25 ms + call latency)`);
			collector.load = { items: ITEMS, published: done.length, outputs: out.length, count429: n429, measuredMs, minimumMs };
			collector.notes.push(
				`load: first->last init ${spanMs} ms (limit allows >= ${groups * WINDOW_MS}); total ${measuredMs} ms vs minimum ${minimumMs} ms (x${ratio.toFixed(3)})`,
			);
			collector.duplicatePosts += done.length - new Set(done.map((r) => r.sha256)).size;
			// Pacing must never beat TikTok's limits (a correctness bound). How close the total comes to the
			// minimum is a speed figure: printed (target <= x1.10) in the campaign report after the run, never
			// asserted, as timed tests fail on a loaded machine for reasons that are not the code's.
			expect(spanMs).toBeGreaterThanOrEqual(groups * WINDOW_MS);
		} finally {
			setPacingWindowForTests(undefined);
			setPollIntervalsForTests(POLL_INTERVALS);
			resetPacing();
			await closeSandbox(sb);
		}
	}); // jest's 60 s: the limits allow this run in 8 s, it takes about 9 s on an idle 2-core machine
});

// No separate "figures" test: each figure the report shows is asserted where it is measured (no 429,
// 30 published once with distinct bytes, above; no leak, in the secret scan).
describeSecretScan();
