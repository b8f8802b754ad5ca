/**
 * Issue 5 — reliability and security campaign, part 1: faults.
 * The promise: whatever happens, a video is published once or not at all, the user is told which,
 * and no secret leaks. Every run goes end to end through the real nodes (n8n-core request helpers,
 * real OAuth2 refresh) against the strict TikTok sandbox. Each fault is injected once (sandbox fault
 * modes or HTTP hooks) and its outcome, init calls and assembled bytes are checked.
 * The combined report of all suites is printed once after the run (lib/report.ts, lib/figures.ts).
 *
 * Run: `npm run campaign` (= `jest test/campaign`). See test/campaign/README.md.
 */
import { MAX_RATE_LIMIT_RETRIES } from '../../nodes/TikTok/core/tiktok/transport';
import { setPacingWindowForTests } from '../../nodes/TikTok/core/tiktok/pacing';
import { binaryItemFromGenerator, sandboxCredentials, type TestContext } from '../helpers';
import { mp4Item, mp4MakeChunk } from '../integration/media';
import type { Sandbox, SandboxOptions } from '../sandbox';
import { collector, type FaultRow } from './lib/collector';
import { startLocalServer } from './lib/localServer';
import { describeSecretScan, recordSuiteFigures } from './lib/report';
import {
	acceptedInits,
	allInits,
	clearErrorProblem,
	completedPublishes,
	count429,
	runNode,
	sandboxSettled,
	sleepMs,
	type CampaignRun,
	type HttpHooks,
	type NodeKind,
} from './lib/run';
import { closeSandbox, errorText, isPut, newSandbox, statusOf, useCampaignSetup } from './lib/setup';

useCampaignSetup();
recordSuiteFigures('faults');

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
	await sandboxSettled(sb);

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
			// the URL's hour ends between chunk 1 (accepted) and chunk 2: on the test's word, not a 500 ms TTL
			// that a slow first chunk could outlast
			hooks: (sb) => ({
				before: (o) => {
					const range = String((o.headers as Record<string, string>)['Content-Range'] ?? '');
					if (isPut(o) && !range.startsWith('bytes 0-')) sb.expireUploadUrls();
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
			// TikTok's processing waits until the node has seen it still processing; then the cancel, and
			// TikTok finishes the post (events, not a 10 ms timer against a 200 ms processing time)
			setup: (sb) => void sb.configure({ faults: { stuckProcessing: true } }),
			prepare: (sb) => (ctx) => {
				const send = ctx.helpers.httpRequestWithAuthentication;
				ctx.helpers.httpRequestWithAuthentication = async function statusThenCancel(this: ThisParameterType<typeof send>, ...args: Parameters<typeof send>) {
					const response = await send.apply(this, args);
					if (String(args[1].url).endsWith('/status/fetch/') && !ctx.harness.abortController.signal.aborted) {
						ctx.harness.abort();
						sb.configure({ faults: { stuckProcessing: false } });
					}
					return response;
				} as typeof send;
			},
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

describeSecretScan({ minTokenRefreshes: 3 });

describe('faults figures', () => {
	it('every fault survived, no duplicate post, no leak', () => {
		const f = collector.faults;
		expect(f.length).toBeGreaterThanOrEqual(20);
		expect(f.filter((r) => r.outcome !== 'WRONG').length).toBe(f.length);
		expect(collector.duplicatePosts).toBe(0);
		expect(collector.leaks).toBe(0);
	});
});
