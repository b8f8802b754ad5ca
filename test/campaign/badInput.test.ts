/**
 * Issue 5 — reliability and security campaign, part 3: bad input.
 * The promise: whatever happens, a video is published once or not at all, the user is told which,
 * and no secret leaks. Every run goes end to end through the real nodes (n8n-core request helpers,
 * real OAuth2 refresh) against the strict TikTok sandbox. Property-based (fast-check) bad input over
 * every parameter: each is refused with a clear error before any init, chunk or (where it can be
 * decided offline) any request at all.
 * The combined report of all suites is printed once after the run (lib/report.ts, lib/figures.ts).
 *
 * Run: `npm run campaign` (= `jest test/campaign`). See test/campaign/README.md.
 */
import fc from 'fast-check';

import { sandboxCredentials, sha256 } from '../helpers';
import { mp4Item } from '../integration/media';
import { makeMp4, type Sandbox } from '../sandbox';
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
import { collector } from './lib/collector';
import { startLocalServer, type LocalServer } from './lib/localServer';
import { describeSecretScan, recordSuiteFigures } from './lib/report';
import { allInits, clearErrorProblem, runNode, type CampaignRunOptions, type NodeKind } from './lib/run';
import { closeSandbox, newSandbox, useCampaignSetup } from './lib/setup';

useCampaignSetup();
recordSuiteFigures('badInput');

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

	it('private, loopback and metadata addresses (any spelling) are refused before any request when private addresses are not allowed', async () => {
		const tiktokCredentials = () => sandboxCredentials(sb, { environment: 'tiktok', allowPrivateNetworks: false });
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

	it('http, relative, user:pass@ and non-web URLs are refused before any request when private addresses are not allowed', async () => {
		const tiktokCredentials = () => sandboxCredentials(sb, { environment: 'tiktok', allowPrivateNetworks: false });
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

	it('a public URL redirecting to an internal address is refused at the redirect (private addresses not allowed)', async () => {
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
					credentials: sandboxCredentials(sb, { environment: 'tiktok', allowPrivateNetworks: false }),
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

	it('redirect loops, redirects to other schemes or to user:pass@, and unusable downloads are refused before init (private addresses allowed)', async () => {
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
		const run = await runNode('redirect to a video (private addresses allowed)', 'upload', {
			sandbox: sb,
			parameters: { source: 'url', videoUrl: `${local.baseUrl}/to-video.mp4`, uploadMethod: 'download' },
		});
		expect(run.error).toBeUndefined();
		const created = [...sb.publishes.values()].filter((r) => !before.has(r.publishId));
		expect(created).toHaveLength(1);
		expect(created[0].sha256).toBe(sha256(makeMp4(MEDIA_BYTES, { durationSec: 4 })));
		collector.notes.push('redirect (private addresses allowed): a 302 to a real video is followed, every hop checked, posted once with intact bytes');
	});
});

describeSecretScan();

describe('bad input figures', () => {
	it('every bad input rejected before upload, no duplicate post, no leak', () => {
		const bad = collector.badInputTotals();
		expect(bad.total).toBeGreaterThan(200);
		expect(bad.rejected).toBe(bad.total);
		expect(collector.duplicatePosts).toBe(0);
		expect(collector.leaks).toBe(0);
	});
});
