/**
 * Issue 5 — reliability and security campaign: faults, load, bad input, secrets.
 * The promise: whatever happens, a video is published once or not at all, the user is told which,
 * and no secret leaks. Every run goes end to end through the real nodes (n8n-core request helpers,
 * real OAuth2 refresh) against the strict TikTok sandbox. A report with the figures is printed last.
 *
 * Run: `npm run campaign` (= `jest test/campaign`). See test/campaign/README.md.
 */
import fc from 'fast-check';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { MAX_RATE_LIMIT_RETRIES } from '../../nodes/TikTok/core/transport';
import { resetPacing, setPacingWindowForTests } from '../../nodes/TikTok/core/pacing';
import { setPollIntervalsForTests } from '../../nodes/TikTok/core/publishStatus';
import {
	binaryItemFromGenerator,
	expectNoSecrets,
	findSecrets,
	sandboxCredentials,
	sha256,
	type TestContext,
} from '../helpers';
import { mp4Item, mp4MakeChunk } from '../integration/media';
import { makeMp4, startSandbox, type Sandbox, type SandboxOptions } from '../sandbox';
import {
	badBinary,
	badCoverTimestamp,
	badPrivacy,
	badUrl,
	limitCaption,
	nodeKind,
	nonNumericChunkSize,
	outOfRangeChunkSize,
	privateUrl,
	tooLongCaption,
	uploadMethod,
} from './lib/arbitraries';
import { collector, type FaultRow } from './lib/collector';
import { startLocalServer, type LocalServer } from './lib/localServer';
import {
	acceptedInits,
	allInits,
	clearErrorProblem,
	completedPublishes,
	count429,
	runNode,
	sleepMs,
	type CampaignRun,
	type CampaignRunOptions,
	type HttpHooks,
	type NodeKind,
} from './lib/run';
import { installTokenTap } from './lib/tokenTap';

installTokenTap();

const POLL_INTERVALS = [30, 60, 100];
const PROCESSING_MS = 40;
const sandboxes: Sandbox[] = [];

async function newSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const sb = await startSandbox({ processingMs: PROCESSING_MS, ...options });
	sandboxes.push(sb);
	return sb;
}

async function closeSandbox(sb: Sandbox): Promise<void> {
	// the sandbox's own log (it says it redacts secrets) is scanned too
	collector.addArtifact(`sandbox log ${sb.baseUrl}`, { log: sb.log, publishes: [...sb.publishes.values()] });
	await sb.close();
	sandboxes.splice(sandboxes.indexOf(sb), 1);
}

beforeAll(() => {
	setPollIntervalsForTests(POLL_INTERVALS);
	setPacingWindowForTests(undefined);
	resetPacing();
});

afterAll(async () => {
	for (const sb of [...sandboxes]) await closeSandbox(sb);
	setPollIntervalsForTests(undefined);
	setPacingWindowForTests(undefined);
	resetPacing();
});

const isPut = (o: IHttpRequestOptions) => o.method === 'PUT';
const statusOf = (response: unknown) => (response as { statusCode?: number })?.statusCode;
const errorText = (run: CampaignRun) => `${run.error?.message ?? ''} ${run.error?.description ?? ''}`;

// =====================================================================================
// Faults
// =====================================================================================

interface FaultSpec {
	name: string;
	node?: NodeKind;
	/** source video size (bytes) */
	size?: number;
	chunkSizeMb?: number;
	sandbox?: SandboxOptions;
	/** after the sandbox started, before the run */
	setup?: (sb: Sandbox) => void | Promise<void>;
	hooks?: (sb: Sandbox) => HttpHooks;
	prepare?: (sb: Sandbox) => (ctx: TestContext) => void;
	run?: (sb: Sandbox, video: ReturnType<typeof mp4Item>) => Promise<CampaignRun>;
	/**
	 * published: one post, output says so. failed: nothing posted, clear error (with publish_id once
	 * init happened). handedOver: every byte reached TikTok before the error, which says so.
	 */
	expect: 'published' | 'failed' | 'handedOver';
	/** accepted init calls allowed (default: one per expected post; +1 only for the documented fresh init of an expired URL) */
	maxInits?: number;
	/** videos that must end up posted once (default 1 for published/handedOver, 0 for failed) */
	posts?: number;
	check?: (run: CampaignRun, sb: Sandbox) => void | string | Promise<void | string>;
	/** source sha256s when the scenario runs its own items */
	shas?: string[];
}

async function faultScenario(spec: FaultSpec): Promise<FaultRow> {
	const sb = await newSandbox(spec.sandbox);
	await spec.setup?.(sb);
	const size = spec.size ?? 3_000;
	const video = mp4Item(size, { mode: size > 100_000 ? 'stream' : 'memory' });
	const started = Date.now();
	const run = spec.run
		? await spec.run(sb, video)
		: await runNode(`fault: ${spec.name}`, spec.node ?? 'publish', {
				sandbox: sb,
				items: [video.item],
				parameters: spec.chunkSizeMb ? { options: { chunkSizeMb: spec.chunkSizeMb } } : {},
				hooks: spec.hooks?.(sb),
				prepare: spec.prepare?.(sb),
			});
	const ms = Date.now() - started;
	// let anything still in flight finish, so a "failed" run cannot turn into a post afterwards
	await sleepMs(PROCESSING_MS + 150);

	const problems: string[] = [];
	const complete = completedPublishes(sb);
	const posts = spec.posts ?? (spec.expect === 'failed' ? 0 : 1);
	const inits = acceptedInits(sb);
	const maxInits = spec.maxInits ?? Math.max(1, posts);
	if (inits > maxInits) problems.push(`${inits} accepted init calls (max ${maxInits})`);
	if (complete.length !== posts) problems.push(`${complete.length} completed publishes (expected ${posts})`);
	// the same bytes posted twice = a duplicate post
	collector.duplicatePosts += complete.length - new Set(complete.map((r) => r.sha256 ?? r.publishId)).size;

	const transferred = [...sb.publishes.values()].filter((r) => r.sha256);
	const expectedShas = new Set(spec.shas ?? [video.sha256]);
	let bytes = '-';
	if (transferred.length) {
		bytes = transferred.every((r) => expectedShas.has(r.sha256!)) ? 'sha256 ok' : 'sha256 MISMATCH';
		if (bytes !== 'sha256 ok') problems.push('assembled upload differs from the source');
	} else {
		const partial = [...sb.publishes.values()].find((r) => r.bytesReceived > 0);
		if (partial) bytes = `${partial.bytesReceived}/${partial.videoSize ?? size} B, not posted`;
	}

	const completeIds = new Set(complete.map((r) => r.publishId));
	if (spec.expect === 'published') {
		if (run.error) problems.push(`unexpected error: ${run.error.message}`);
		const out = run.output ?? [];
		if (out.length !== posts) problems.push(`${out.length} output items (expected ${posts})`);
		for (const o of out) {
			if (!['PUBLISH_COMPLETE', 'SEND_TO_USER_INBOX'].includes(String(o.json.status))) problems.push(`output status ${String(o.json.status)}`);
			if (!completeIds.has(String(o.json.publishId))) problems.push('an output publishId is not a posted one');
		}
	} else {
		const unclear = clearErrorProblem(run.error);
		if (unclear) problems.push(unclear);
		if (run.output?.length) problems.push('an output item was returned');
		const text = errorText(run);
		const unfinished = [...sb.publishes.values()].filter((r) => !completeIds.has(r.publishId));
		if (spec.expect === 'failed') {
			// once TikTok gave a publish_id, the user is told which one stopped
			if (unfinished.length && !unfinished.some((r) => text.includes(r.publishId))) problems.push('error does not name the publish_id');
		} else {
			const id = complete[0]?.publishId ?? '??';
			if (!text.includes(id)) problems.push('error does not name the publish_id of the handed-over video');
			if (!/handed over/i.test(text)) problems.push('error does not say the video was handed over');
			if (!/not posted twice|do not post it again/i.test(text)) problems.push('error does not warn against posting it again');
		}
	}
	const extra = await spec.check?.(run, sb);
	if (typeof extra === 'string' && extra) problems.push(extra);

	const row: FaultRow = {
		fault: spec.name,
		outcome: problems.length
			? 'WRONG'
			: spec.expect === 'published'
				? 'published once'
				: spec.expect === 'handedOver'
					? 'published once'
					: 'failed clearly',
		initCalls: inits,
		bytes,
		ms,
		note: problems.length ? problems.join('; ') : spec.expect === 'handedOver' ? 'error tells it was handed over' : undefined,
	};
	collector.faults.push(row);
	await closeSandbox(sb);
	if (problems.length) throw new Error(`${spec.name}: ${problems.join('; ')}\n${errorText(run)}`);
	return row;
}

const MULTI = 21_000_000; // 4 chunks of 5 MiB (last one 5,271,360 B) with chunkSizeMb 5
const POSITIONS: Array<[string, number]> = [
	['first', 0],
	['middle', 2],
	['last', 3],
];

describe('faults', () => {
	jest.setTimeout(30_000);

	for (const [where, index] of POSITIONS) {
		it(`chunk answered 503 on the ${where} chunk -> retried, published once`, async () => {
			await faultScenario({
				name: `5xx on ${where} chunk (${index + 1}/4)`,
				size: MULTI,
				chunkSizeMb: 5,
				sandbox: { faults: { chunkStatus: { index, status: 503, times: 1 } } },
				expect: 'published',
				check: (_run, sb) => (sb.log.filter((e) => e.status === 503).length === 1 ? undefined : 'the 503 was not injected'),
			});
		});
		it(`connection dropped mid-way through the ${where} chunk -> retried, published once`, async () => {
			await faultScenario({
				name: `dropped connection in ${where} chunk`,
				node: index === 2 ? 'upload' : 'publish',
				size: MULTI,
				chunkSizeMb: 5,
				sandbox: { faults: { dropConnection: { index, afterBytes: 200_000, times: 1 } } },
				expect: 'published',
				check: (_run, sb) => (sb.log.some((e) => e.errorCode === 'connection_dropped') ? undefined : 'the drop was not injected'),
			});
		});
		it(`${where} chunk stored but its answer lost -> 416, resumed from Content-Range, published once`, async () => {
			await faultScenario({
				name: `answer lost after ${where} chunk (416 resume)`,
				size: MULTI,
				chunkSizeMb: 5,
				sandbox: { faults: { dropAfterAccept: { index, times: 1 } } },
				expect: 'published',
				check: (_run, sb) => {
					const puts = sb.log.filter((e) => e.path === '/upload/video/');
					if (!puts.some((e) => e.status === 416)) return 'no 416 was answered';
					// 4 chunks + the retry that learnt the progress; nothing sent twice after the resume
					if (puts.length !== 5) return `${puts.length} chunk PUTs (expected 5)`;
					return undefined;
				},
			});
		});
	}

	it('upload URL expired before any byte -> one fresh init, published once', async () => {
		await faultScenario({
			name: 'upload URL expired, 0 bytes accepted',
			sandbox: { uploadUrlTtlMs: -1 },
			maxInits: 2,
			hooks: (sb) => ({
				after: (o, response) => {
					if (isPut(o) && statusOf(response) === 403) sb.configure({ uploadUrlTtlMs: 3_600_000 });
				},
			}),
			expect: 'published',
		});
	});

	it('upload URL keeps expiring -> exactly one fresh init, then a clear error', async () => {
		await faultScenario({
			name: 'upload URL always expired',
			sandbox: { uploadUrlTtlMs: -1 },
			maxInits: 2,
			expect: 'failed',
			check: (run, sb) => (acceptedInits(sb) === 2 && /403/.test(run.error?.message ?? '') ? undefined : 'expected 2 inits and an HTTP 403 message'),
		});
	});

	it('upload URL expires after bytes were accepted -> no new init, clear error with publish_id', async () => {
		await faultScenario({
			name: 'upload URL expired after chunk 1',
			size: 11_000_000,
			chunkSizeMb: 5,
			sandbox: { uploadUrlTtlMs: 500 },
			hooks: () => ({
				before: async (o) => {
					const range = String((o.headers as Record<string, string>)['Content-Range'] ?? '');
					if (isPut(o) && !range.startsWith('bytes 0-')) await sleepMs(700);
				},
			}),
			expect: 'failed',
			check: (run) => (/expired/i.test(run.error?.message ?? '') ? undefined : 'message does not say the URL expired'),
		});
	});

	it('access token expired before the run -> refreshed once, published once', async () => {
		let saves = 0;
		await faultScenario({
			name: 'token expired before run',
			run: async (sb, video) => {
				const credentials = sandboxCredentials(sb);
				sb.expireAccessTokens();
				const run = await runNode('fault: token expired before run', 'publish', { sandbox: sb, credentials, items: [video.item] });
				saves = run.ctx.harness.tokenSaves;
				return run;
			},
			expect: 'published',
			check: () => (saves === 1 ? undefined : `${saves} token saves (expected 1)`),
		});
	});

	it('access token expired between upload and status polling -> refreshed, published once', async () => {
		let saves = 0;
		await faultScenario({
			name: 'token expired during run (after upload)',
			node: 'upload',
			hooks: (sb) => ({
				after: (o, response) => {
					if (isPut(o) && statusOf(response) === 201) sb.expireAccessTokens();
				},
			}),
			expect: 'published',
			check: (run, sb) => {
				saves = run.ctx.harness.tokenSaves;
				const refused = sb.log.filter((e) => e.status === 401).length;
				return saves === 1 && refused >= 1 ? undefined : `${saves} token saves, ${refused} 401 answers`;
			},
		});
	});

	it('access token lifetime runs out mid-run (accessTokenTtlSec 1) -> refreshed, published once', async () => {
		await faultScenario({
			name: 'token TTL 1 s runs out during run',
			sandbox: { accessTokenTtlSec: 1 },
			hooks: () => ({
				after: async (o, response) => {
					if (isPut(o) && statusOf(response) === 201) await sleepMs(1100);
				},
			}),
			expect: 'published',
			check: (run) => (run.ctx.harness.tokenSaves >= 1 ? undefined : 'no refresh happened'),
		});
	});

	it('429 despite pacing (TikTok allows 2 inits per window, node paces 6) -> bounded backoff recovers', async () => {
		const videos = [0, 1, 2, 3].map((i) => mp4Item(3_000 + i, { mode: 'memory' }));
		await faultScenario({
			name: '429 on init despite pacing (4 items)',
			sandbox: { rateLimits: { windowMs: 1000, init: 2 } },
			posts: 4,
			shas: videos.map((v) => v.sha256),
			run: async (sb) => {
				setPacingWindowForTests(1000);
				try {
					return await runNode('fault: 429 despite pacing', 'upload', {
						sandbox: sb,
						items: videos.map((v) => v.item),
						credentialId: 'cred-429',
					});
				} finally {
					setPacingWindowForTests(undefined);
				}
			},
			expect: 'published',
			check: (_run, sb) => {
				const n = count429(sb);
				const row = `4/4 posted once after ${n} x 429`;
				return n > 0 ? void collector.notes.push(`fault 429 despite pacing: ${row}`) : 'the sandbox never answered 429';
			},
		});
	});

	it('429 that never clears -> gives up after the bounded retries with a clear error', async () => {
		const videos = [mp4Item(3_001, { mode: 'memory' }), mp4Item(3_002, { mode: 'memory' })];
		await faultScenario({
			name: '429 on init that never clears (2 items)',
			sandbox: { rateLimits: { windowMs: 30_000, init: 1 } },
			// item 1 is posted once; item 2 must fail clearly without posting
			posts: 1,
			shas: videos.map((v) => v.sha256),
			run: async (sb) => {
				setPacingWindowForTests(1000);
				try {
					return await runNode('fault: 429 never clears', 'upload', {
						sandbox: sb,
						items: videos.map((v) => v.item),
						credentialId: 'cred-429-hard',
					});
				} finally {
					setPacingWindowForTests(undefined);
				}
			},
			expect: 'failed',
			check: (run, sb) => {
				const refused = allInits(sb) - acceptedInits(sb);
				if (refused !== 1 + MAX_RATE_LIMIT_RETRIES) return `${refused} refused init attempts (expected ${1 + MAX_RATE_LIMIT_RETRIES})`;
				if (!/rate_limit_exceeded/.test(run.error?.message ?? '')) return 'message does not name the rate limit';
				return undefined;
			},
		});
	});

	it('TikTok internal_error at init -> clear error, nothing posted, no retry of the init', async () => {
		await faultScenario({
			name: 'internal_error at init',
			sandbox: { faults: { initError: { code: 'internal_error', status: 500, times: 1 } } },
			expect: 'failed',
			check: (run, sb) =>
				allInits(sb) === 1 && /internal_error/.test(run.error?.message ?? '') ? undefined : `${allInits(sb)} init calls`,
		});
	});

	it('status fetch fails twice (5xx) while waiting -> retried at the next poll, published once', async () => {
		await faultScenario({
			name: 'status fetch 5xx × 2',
			node: 'upload',
			sandbox: { faults: { statusError: { code: 'internal_error', status: 500, times: 2 } } },
			expect: 'published',
			check: (_run, sb) => (sb.log.filter((e) => e.status === 500).length === 2 ? undefined : 'the status errors were not injected'),
		});
	});

	it('status fetch fails for good after the upload -> error says the video was handed over (publish_id)', async () => {
		await faultScenario({
			name: 'status fetch 4xx after full upload',
			sandbox: { faults: { statusError: { code: 'invalid_params', status: 400, times: 1 } } },
			expect: 'handedOver',
		});
	});

	it('TikTok cannot pull the URL -> FAILED video_pull_failed, clear error with publish_id', async () => {
		await faultScenario({
			name: 'pull fails (video_pull_failed)',
			setup: (sb) => {
				sb.configure({ verifiedUrlPrefixes: [sb.mediaBaseUrl], faults: { pullFails: true } });
			},
			run: async (sb) =>
				await runNode('fault: pull fails', 'publish', {
					sandbox: sb,
					parameters: { source: 'url', uploadMethod: 'pull', videoUrl: `${sb.mediaBaseUrl}clip.mp4?bytes=4000&durationSec=5` },
				}),
			expect: 'failed',
			check: (run) => (/video_pull_failed/.test(run.error?.message ?? '') ? undefined : 'message does not name video_pull_failed'),
		});
	});

	it('execution cancelled mid-upload -> stops at once, nothing posted, clear error', async () => {
		await faultScenario({
			name: 'cancelled mid-upload',
			size: MULTI,
			chunkSizeMb: 5,
			hooks: () => ({
				after: (o, response, ctx) => {
					if (isPut(o) && statusOf(response) === 206) ctx.harness.abort();
				},
			}),
			expect: 'failed',
			check: (run, sb) => {
				const puts = sb.log.filter((e) => e.path === '/upload/video/').length;
				if (puts !== 1) return `${puts} chunk PUTs after the cancel (expected only the first)`;
				return /cancelled/i.test(run.error?.message ?? '') ? undefined : 'message does not say cancelled';
			},
		});
	});

	it('execution cancelled while waiting for the status -> error says the video was handed over', async () => {
		await faultScenario({
			name: 'cancelled while waiting for status',
			sandbox: { processingMs: 200 },
			hooks: () => ({
				after: (o, response, ctx) => {
					if (isPut(o) && statusOf(response) === 201) setTimeout(() => ctx.harness.abort(), 10);
				},
			}),
			expect: 'handedOver',
		});
	});

	it('binary longer than its declared size (ends on a read boundary) -> refused before the last chunk, nothing posted', async () => {
		const MiB = 1 << 20;
		await faultScenario({
			name: 'binary longer than declared',
			run: async (sb) =>
				await runNode('fault: long binary', 'publish', {
					sandbox: sb,
					parameters: { options: { chunkSizeMb: 5 } },
					// 6 MiB declared = exactly six 1 MiB reads; the 7th read is the surplus
					items: [binaryItemFromGenerator(7 * MiB, mp4MakeChunk(), { fileName: 'long.mp4', declaredSize: 6 * MiB })],
				}),
			expect: 'failed',
			check: (run) => (/more bytes than its declared size/.test(run.error?.message ?? '') ? undefined : 'message does not name the size problem'),
		});
	});

	it('download served gzip although identity was asked -> clear error, nothing posted', async () => {
		// n8n's HTTP client decompresses and drops Content-Encoding, so the node only sees that the
		// body does not match Content-Length once it reads it (after init): not before init, but safe.
		await faultScenario({
			name: 'download gzipped despite identity',
			run: async (sb) => {
				const local = await startLocalServer({ videoUrl: () => sb.mediaBaseUrl });
				try {
					return await runNode('fault: gzip download', 'upload', {
						sandbox: sb,
						parameters: { source: 'url', videoUrl: `${local.baseUrl}/gzip.mp4`, uploadMethod: 'download' },
					});
				} finally {
					await local.close();
				}
			},
			expect: 'failed',
		});
	});

	it('binary shorter than its declared size -> upload stops, nothing posted, clear error', async () => {
		await faultScenario({
			name: 'binary shorter than declared',
			run: async (sb) =>
				await runNode('fault: short binary', 'publish', {
					sandbox: sb,
					parameters: { options: { chunkSizeMb: 5 } },
					items: [binaryItemFromGenerator(6_000_000, mp4MakeChunk(), { fileName: 'short.mp4', declaredSize: 11_000_000 })],
				}),
			expect: 'failed',
		});
	});
});

// =====================================================================================
// Load
// =====================================================================================

describe('load', () => {
	const WINDOW_MS = 2000;
	const ITEMS = 30;
	const LOAD_PROCESSING_MS = 20;

	it(`${ITEMS} items in one execution with TikTok's limits scaled to a ${WINDOW_MS} ms window`, async () => {
		const sb = await newSandbox({ rateLimits: { windowMs: WINDOW_MS }, processingMs: LOAD_PROCESSING_MS });
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
			const measuredMs = Date.now() - started;
			await sleepMs(LOAD_PROCESSING_MS + 50);

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
			expect(spanMs).toBeGreaterThanOrEqual(groups * WINDOW_MS);
			expect(measuredMs).toBeLessThanOrEqual(1.1 * minimumMs);
		} finally {
			setPacingWindowForTests(undefined);
			setPollIntervalsForTests(POLL_INTERVALS);
			resetPacing();
			await closeSandbox(sb);
		}
	}, 30_000);
});

// =====================================================================================
// Bad input
// =====================================================================================

describe('bad input (property-based)', () => {
	let sb: Sandbox;
	let local: LocalServer;
	const MEDIA_BYTES = 3_500;

	beforeAll(async () => {
		sb = await newSandbox({ processingMs: 10 });
		local = await startLocalServer({ videoUrl: () => `${sb.mediaBaseUrl}redirected.mp4?bytes=${MEDIA_BYTES}&durationSec=4` });
	});
	afterAll(async () => {
		await local.close();
		await closeSandbox(sb);
	});

	/**
	 * Runs a node on a bad input and checks: a clear node error, no init, no chunk PUT, no output,
	 * and (when `tripwire`) no request at all. Records the verdict in the collector.
	 */
	async function expectRejected(
		category: string,
		node: NodeKind,
		opts: CampaignRunOptions,
		messagePattern?: RegExp,
	): Promise<boolean> {
		const target = opts.sandbox ?? sb;
		const initsBefore = allInits(target);
		const putsBefore = target.countCalls('/upload/video/');
		const logBefore = target.log.length;
		const run = await runNode(`bad input: ${category}`, node, { sandbox: target, ...opts });
		const problems: string[] = [];
		const unclear = clearErrorProblem(run.error);
		if (unclear) problems.push(unclear);
		if (allInits(target) !== initsBefore) problems.push('an init call was made');
		if (target.countCalls('/upload/video/') !== putsBefore) problems.push('bytes were uploaded');
		if (run.output?.length) problems.push('an output item was returned');
		if (opts.tripwire && run.tripped.length) problems.push(`requests left before the refusal: ${run.tripped.join(', ')}`);
		if (opts.tripwire && target.log.length !== logBefore) problems.push('the sandbox was called');
		if (messagePattern && run.error && !messagePattern.test(`${run.error.message} ${run.error.description ?? ''}`)) {
			problems.push(`message does not match ${messagePattern}: "${run.error.message}"`);
		}
		const ok = problems.length === 0;
		collector.badInput(category, ok, ok ? undefined : `${problems.join('; ')}`);
		if (!ok) throw new Error(`${category}: ${problems.join('; ')}`);
		return ok;
	}

	const small = () => mp4Item(2_500, { mode: 'memory', durationSec: 5 });

	it('captions over 2200 UTF-16 units (emoji, combining marks, surrogate pairs) are refused before any call', async () => {
		await fc.assert(
			fc.asyncProperty(tooLongCaption, async (caption) => {
				expect(caption.length).toBeGreaterThan(2200);
				return await expectRejected('caption > 2200 UTF-16 units', 'publish', { items: [small().item], parameters: { caption }, tripwire: true }, /2200/);
			}),
			{ numRuns: 40 },
		);
	});

	it('captions of exactly 2200 UTF-16 units are accepted and reach TikTok unchanged', async () => {
		let accepted = 0;
		await fc.assert(
			fc.asyncProperty(limitCaption, async (caption) => {
				expect(caption.length).toBe(2200);
				const video = mp4Item(2_000 + accepted, { mode: 'memory' });
				const run = await runNode('boundary: caption of 2200 units', 'publish', { sandbox: sb, items: [video.item], parameters: { caption } });
				expect(run.error).toBeUndefined();
				const record = sb.publishes.get(String(run.output?.[0]?.json.publishId));
				expect(record?.initBody.post_info.title).toBe(caption);
				expect(record?.status).toBe('PUBLISH_COMPLETE');
				expect(record?.sha256).toBe(video.sha256);
				accepted++;
			}),
			{ numRuns: 12 },
		);
		collector.notes.push(`boundary: ${accepted} captions of exactly 2200 UTF-16 units accepted and posted unchanged`);
	});

	it("privacy levels outside the creator's options are refused before init", async () => {
		await fc.assert(
			fc.asyncProperty(badPrivacy, async (privacyLevel) =>
				expectRejected('privacy not offered', 'publish', { items: [small().item], parameters: { privacyLevel } }, /Privacy Level|privacy level/i),
			),
			{ numRuns: 40 },
		);
	});

	it('negative, huge, fractional and non-finite cover timestamps are refused before any call', async () => {
		await fc.assert(
			fc.asyncProperty(badCoverTimestamp, async (coverTimestampMs) =>
				expectRejected('cover timestamp', 'publish', { items: [small().item], parameters: { options: { coverTimestampMs } }, tripwire: true }, /Cover Frame/),
			),
			{ numRuns: 40 },
		);
	});

	it('chunk sizes that are not numbers are refused before any call', async () => {
		await fc.assert(
			fc.asyncProperty(nonNumericChunkSize, nodeKind, async (chunkSizeMb, node) =>
				expectRejected('chunk size not a number', node, { items: [small().item], parameters: { options: { chunkSizeMb } }, tripwire: true }, /chunk size/i),
			),
			{ numRuns: 30 },
		);
	});

	it('chunk sizes outside 5–64 MB are refused before any call', async () => {
		await fc.assert(
			fc.asyncProperty(outOfRangeChunkSize, nodeKind, async (chunkSizeMb, node) =>
				expectRejected('chunk size out of range', node, { items: [small().item], parameters: { options: { chunkSizeMb } }, tripwire: true }, /from 5 to 64 MB/),
			),
			{ numRuns: 30 },
		);
	});

	it('empty, 1-byte, non-video and mislabelled binaries are refused before init', async () => {
		await fc.assert(
			fc.asyncProperty(badBinary, nodeKind, async (bad, node) =>
				expectRejected(`binary: ${bad.kind}`, node, {
					items: [bad.item],
					parameters: bad.binaryPropertyName !== undefined ? { binaryPropertyName: bad.binaryPropertyName } : {},
				}),
			),
			{ numRuns: 50 },
		);
	});

	it('videos longer than the creator may post are refused before init', async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: 601, max: 1_000_000 }), async (durationSec) =>
				expectRejected('duration over creator max', 'publish', { items: [mp4Item(3_000, { mode: 'memory', durationSec }).item] }, /at most 600 s/),
			),
			{ numRuns: 15 },
		);
	});

	it('private, loopback and metadata addresses (any spelling) are refused before any request when the environment is not Custom', async () => {
		const tiktokCredentials = () => sandboxCredentials(sb, { environment: 'tiktok' });
		await fc.assert(
			fc.asyncProperty(privateUrl, uploadMethod, nodeKind, async (bad, method, node) =>
				expectRejected(`URL: ${bad.kind}`, node, {
					credentials: tiktokCredentials(),
					parameters: { source: 'url', videoUrl: bad.url, uploadMethod: method },
					tripwire: true,
				}),
			),
			{ numRuns: 50 },
		);
	});

	it('http, relative, user:pass@ and non-web URLs are refused before any request when the environment is not Custom', async () => {
		const tiktokCredentials = () => sandboxCredentials(sb, { environment: 'tiktok' });
		await fc.assert(
			fc.asyncProperty(badUrl, uploadMethod, nodeKind, async (bad, method, node) =>
				expectRejected(`URL: ${bad.kind}`, node, {
					credentials: tiktokCredentials(),
					parameters: { source: 'url', videoUrl: bad.url, uploadMethod: method },
					tripwire: true,
				}),
			),
			{ numRuns: 50 },
		);
	});

	it('a public URL redirecting to an internal address is refused at the redirect (not Custom)', async () => {
		const targets = [
			'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
			'https://169.254.169.254/latest/meta-data/',
			'https://127.0.0.1:5678/rest/credentials',
			'https://[::1]/admin',
			'https://10.0.0.5/internal.mp4',
			'https://192.168.1.1/router.mp4',
			'http://videos.example.com/plain-http.mp4',
			'file:///etc/passwd',
			'https://user:pass@videos.example.com/a.mp4',
		];
		for (const location of targets) {
			const asked: string[] = [];
			await expectRejected(
				'URL: redirect to internal',
				'upload',
				{
					credentials: sandboxCredentials(sb, { environment: 'tiktok' }),
					parameters: { source: 'url', videoUrl: 'https://videos.example.com/clip.mp4', uploadMethod: 'download' },
					tripwire: 'auth',
					hooks: {
						// a stand-in for the public host: it answers 302 to the internal address
						replace: (o) => {
							asked.push(String(o.url));
							if (String(o.url).startsWith('https://videos.example.com/')) {
								return Promise.resolve({ statusCode: 302, headers: { location }, body: null });
							}
							return Promise.reject(new Error(`campaign: request to ${String(o.url)} must not happen`));
						},
					},
				},
				/blocked|http|user name|cannot be downloaded|https/i,
			);
			expect(asked).toEqual(['https://videos.example.com/clip.mp4']);
		}
	});

	it('redirect loops, redirects to other schemes or to user:pass@, and unusable downloads are refused before init (Custom)', async () => {
		const cases: Array<[string, RegExp]> = [
			['/loop.mp4', /redirected more than/],
			['/to-ftp.mp4', /ftp/],
			['/to-file.mp4', /file/],
			['/to-creds.mp4', /user name or password/],
			['/no-location.mp4', /without saying where/],
			['/png-as-mp4.mp4', /PNG/],
			['/html.mp4', /not a video|HTML/i],
			['/chunked.mp4', /Content-Length/],
			['/empty.mp4', /empty/],
			['/forbidden.mp4', /HTTP 403/],
			['/missing.mp4', /HTTP 404/],
		];
		for (const [path, pattern] of cases) {
			for (const node of ['publish', 'upload'] as const) {
				await expectRejected(
					`download: ${path.slice(1)}`,
					node,
					{ parameters: { source: 'url', videoUrl: `${local.baseUrl}${path}`, uploadMethod: 'download' } },
					pattern,
				);
			}
		}
		expect(local.hits.filter((h) => h === '/to-video.mp4')).toHaveLength(0);
		// A redirect to a real video is followed (each hop checked) and posted once, bytes intact.
		const before = new Set(sb.publishes.keys());
		const run = await runNode('redirect to a video (Custom)', 'upload', {
			sandbox: sb,
			parameters: { source: 'url', videoUrl: `${local.baseUrl}/to-video.mp4`, uploadMethod: 'download' },
		});
		expect(run.error).toBeUndefined();
		const created = [...sb.publishes.values()].filter((r) => !before.has(r.publishId));
		expect(created).toHaveLength(1);
		expect(created[0].sha256).toBe(sha256(makeMp4(MEDIA_BYTES, { durationSec: 4 })));
		collector.notes.push('redirect (Custom): a 302 to a real video is followed, every hop checked, posted once with intact bytes');
	});
});

// =====================================================================================
// Secrets and the report
// =====================================================================================

describe('secrets', () => {
	it('the leak scanner finds a planted secret (positive control)', () => {
		const planted = [...collector.secrets].find((s) => s.startsWith('act.'));
		expect(planted).toBeDefined();
		expect(findSecrets({ logs: [{ message: `Bearer ${planted}` }] }, [planted!]).length).toBeGreaterThanOrEqual(1);
		expect(findSecrets({ logs: [{ message: 'Bearer act.somethingelse' }] }, [planted!])).toEqual([]);
	});

	it('no access token, refresh token, upload token or client secret in any output, error or log line of the campaign', async () => {
		for (const sb of [...sandboxes]) await closeSandbox(sb);
		const leaks = collector.scanSecrets();
		collector.notes.push(
			`secrets: ${collector.secrets.size} secrets (${collector.tokensIssued} tokens issued by the sandbox, ${collector.tokenRefreshes} refreshes saved) scanned over ${collector.artifacts.length} artifacts from ${collector.runs} runs`,
		);
		(collector as unknown as { leaks: number }).leaks = leaks.length;
		expect(collector.tokenRefreshes).toBeGreaterThanOrEqual(3);
		expect(leaks.slice(0, 10)).toEqual([]);
		expectNoSecrets(collector.artifacts, [...collector.secrets]);
	});
});

describe('report', () => {
	it('prints the figures; every count is at its target', () => {
		const f = collector.faults;
		const survived = f.filter((r) => r.outcome !== 'WRONG').length;
		const bad = collector.badInputTotals();
		const leaks = (collector as unknown as { leaks?: number }).leaks ?? -1;
		const load = collector.load;
		const lines: string[] = [];
		lines.push('==================== TikTok nodes — reliability & security campaign ====================');
		lines.push(
			`faults survived ${survived}/${f.length}, bad inputs rejected before upload ${bad.rejected}/${bad.total}, duplicate posts ${collector.duplicatePosts}, secrets leaked ${leaks}, 429s ${load?.count429 ?? 'n/a'}`,
		);
		lines.push('');
		lines.push('Faults (outcome | accepted init calls | bytes | ms | note)');
		for (const r of f) {
			lines.push(`  ${r.fault.padEnd(44)} ${r.outcome.padEnd(15)} init ${r.initCalls}  ${r.bytes.padEnd(26)} ${String(r.ms).padStart(5)} ms${r.note ? `  ${r.note}` : ''}`);
		}
		lines.push('');
		lines.push('Bad inputs (rejected before upload / runs)');
		for (const [category, t] of [...collector.badInputs.entries()].sort()) {
			lines.push(`  ${category.padEnd(44)} ${t.rejected}/${t.total}${t.failures.length ? `  FAIL: ${t.failures[0]}` : ''}`);
		}
		lines.push('');
		if (load) {
			lines.push(
				`Load: ${load.items} items, ${load.published} published once, ${load.outputs} output items, 429s ${load.count429}, ${load.measuredMs} ms measured vs ${load.minimumMs} ms minimum (x${(load.measuredMs / load.minimumMs).toFixed(3)}, target <= x1.10)`,
			);
		}
		for (const n of collector.notes) lines.push(`  - ${n}`);
		lines.push('=========================================================================================');
		const report = lines.join('\n');
		// eslint-disable-next-line no-console
		console.log(report);
		process.stdout.write(`\n${lines[1]}\n`);

		expect(f.length).toBeGreaterThanOrEqual(20);
		expect(survived).toBe(f.length);
		expect(bad.total).toBeGreaterThan(200);
		expect(bad.rejected).toBe(bad.total);
		expect(collector.duplicatePosts).toBe(0);
		expect(leaks).toBe(0);
		expect(load?.count429).toBe(0);
		expect(load?.published).toBe(30);
	});
});
