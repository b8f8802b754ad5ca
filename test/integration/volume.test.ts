/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * Issue 19 against the TikTok sandbox (limits scaled to a 1 s window): a batch hands every item over,
 * then waits once for all; Skip Already Posted makes a re-run post nothing, survives a run stopped
 * mid-upload or mid-wait without a silent second post, gives a key back when TikTok refuses or fails
 * the post, and stops an upload whose key another execution handed over first.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { TikTokPublishVideo } from '../../nodes/TikTokPublishVideo/TikTokPublishVideo.node';
import { createTestContext, expectNoSecrets, ProcessedDataStore, publishVideoParameters, sandboxCredentials, secretsOf } from '../helpers';
import type { Sandbox } from '../sandbox';
import { INIT_PATHS, initCalls, resetSandbox, startTestSandbox, TEST_RATE_WINDOW_MS } from './fixture';
import { mp4Item } from './media';
import { runPostPhotos, runTikTok, tikTokCalls } from './photoFixture';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	resetSandbox(sandbox);
	sandbox.configure({ verifiedUrlPrefixes: [sandbox.mediaBaseUrl], processingMs: 40 });
});

const url = (name: string, query = '') => `${sandbox.mediaBaseUrl}${name}?bytes=1500000${query}`;
const isInit = (path: string) => INIT_PATHS.some((p) => path.endsWith(p));
const isStatus = (path: string) => path.endsWith('/post/publish/status/fetch/');

interface Run {
	output?: INodeExecutionData[];
	error?: Error & { description?: string };
}

/** One execution of TikTok Publish Video with per-item parameters (an n8n expression's result per item). */
async function publish(options: {
	items?: INodeExecutionData[];
	perItem?: (itemIndex: number) => Record<string, unknown>;
	options?: Record<string, unknown>;
	store?: ProcessedDataStore;
	continueOnFail?: boolean;
	abortSignal?: AbortSignal;
	count?: number;
}): Promise<Run> {
	const items = options.items ?? Array.from({ length: options.count ?? 1 }, () => ({ json: {} }));
	const ctx = createTestContext({
		credentials: sandboxCredentials(sandbox),
		items,
		parameters: (itemIndex) => ({ ...publishVideoParameters, options: options.options ?? {}, ...options.perItem?.(itemIndex) }),
		processedData: options.store,
		workflowId: 'wf-volume',
		continueOnFail: options.continueOnFail,
		abortSignal: options.abortSignal,
	});
	const run: Run = {};
	try {
		run.output = (await new TikTokPublishVideo().execute.call(ctx))[0];
	} catch (error) {
		run.error = error as Run['error'];
	}
	expectNoSecrets({ output: run.output, message: run.error?.message, description: run.error?.description, logs: ctx.harness.logs }, secretsOf(ctx));
	return run;
}

const pulled = (prefix: string) => (itemIndex: number) => ({ source: 'url', uploadMethod: 'pull', videoUrl: url(`${prefix}-${itemIndex}.mp4`, `&seed=${prefix}${itemIndex}`) });
const until = async (condition: () => boolean) => {
	for (let waited = 0; !condition(); waited += 10) {
		if (waited > 10_000) throw new Error('condition not met within 10 s');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
};

describe('a batch waits once', () => {
	it('hands all 8 public posts over first (paced), then follows them in one loop: every post id, no 429, input order', async () => {
		const run = await publish({ count: 8, perItem: pulled('batch') });
		expect(run.error).toBeUndefined();
		const out = run.output!;
		expect(out.map((o) => o.pairedItem)).toEqual(Array.from({ length: 8 }, (_, item) => ({ item })));
		expect(out.every((o) => o.json.status === 'PUBLISH_COMPLETE' && (o.json.postIds as string[]).length === 1)).toBe(true);
		expect(out.map((o) => o.json.publishId)).toEqual([...sandbox.publishes.keys()]); // init order = input order
		const log = sandbox.log.filter((e) => isInit(e.path) || isStatus(e.path));
		const lastInit = log.map((e) => isInit(e.path)).lastIndexOf(true);
		const firstStatus = log.findIndex((e) => isStatus(e.path));
		expect(lastInit).toBeLessThan(firstStatus); // every item handed over before any wait began
		expect(sandbox.log.filter((e) => e.status === 429)).toEqual([]);
		// the 7th and 8th inits waited for TikTok's window (6 a window), as before
		const initTimes = log.filter((e) => isInit(e.path)).map((e) => Date.parse(e.at));
		expect(initTimes[6] - initTimes[0]).toBeGreaterThanOrEqual(TEST_RATE_WINDOW_MS);
	});

	it('Continue On Fail per item in both stages: a refused item and a FAILED post become error items in their places', async () => {
		const perItem = (itemIndex: number) =>
			[
				pulled('cof')(0),
				{ source: 'url', uploadMethod: 'pull', videoUrl: url('fps15.mp4', '&fps=15') }, // TikTok fails it after the pull
				{ source: 'url', uploadMethod: 'pull', videoUrl: 'http://10.0.0.1/x.mp4' }, // refused before any call
				pulled('cof')(3),
			][itemIndex];
		const run = await publish({ count: 4, perItem, continueOnFail: true });
		expect(run.error).toBeUndefined();
		const out = run.output!;
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(out[0].json.status).toBe('PUBLISH_COMPLETE');
		expect(out[1].json.error).toMatch(/frame_rate_check_failed/);
		expect(out[2].json.error).toBeDefined();
		expect(out[3].json.status).toBe('PUBLISH_COMPLETE');
		expect(sandbox.publishes.size).toBe(3);
	});

	it('without Continue On Fail, an item refused in the hand-over stops the node and names the posts TikTok already has', async () => {
		const perItem = (itemIndex: number) => (itemIndex === 2 ? { source: 'url', uploadMethod: 'pull', videoUrl: 'http://10.0.0.1/x.mp4' } : pulled('stop')(itemIndex));
		const run = await publish({ count: 4, perItem });
		const [first, second] = [...sandbox.publishes.keys()];
		expect(sandbox.publishes.size).toBe(2); // item 4 was not handed over
		expect(run.error?.description).toContain(`TikTok already had the posts of item 1 (publish_id ${first}), item 2 (publish_id ${second}) and goes on with them`);
	});

	it('a cancel while waiting names every post TikTok has, and is never an error item', async () => {
		sandbox.configure({ processingMs: 60_000 });
		const abort = new AbortController();
		const running = publish({ count: 3, perItem: pulled('cancel'), continueOnFail: true, abortSignal: abort.signal });
		await until(() => sandbox.log.some((e) => isStatus(e.path)));
		abort.abort();
		const run = await running;
		expect(run.output).toBeUndefined();
		expect(run.error?.message).toBe('The execution was cancelled while waiting for TikTok.');
		for (const publishId of sandbox.publishes.keys()) expect(run.error?.description).toContain(publishId);
	});
});

describe('Skip Already Posted', () => {
	const skip = { skipAlreadyPosted: true };

	it('a second run of the same items posts nothing and makes no call to TikTok: binary, download, pull', async () => {
		const store = new ProcessedDataStore();
		const video = mp4Item(6_000_000, { durationSec: 6 });
		const perItem = (itemIndex: number) =>
			[
				{ source: 'binary' },
				{ source: 'url', uploadMethod: 'download', videoUrl: url('dl.mp4', '&seed=dl') },
				{ source: 'url', uploadMethod: 'pull', videoUrl: url('pull.mp4', '&seed=pull') },
			][itemIndex];
		const items = [video.item, { json: {} }, { json: {} }];
		const first = await publish({ items, perItem, options: skip, store });
		expect(first.error).toBeUndefined();
		const keys = first.output!.map((o) => o.json.postedKey);
		expect(keys).toEqual([expect.stringMatching(/^binary:6000000:[0-9a-f]{64}$/), url('dl.mp4', '&seed=dl'), url('pull.mp4', '&seed=pull')]);

		const calls = sandbox.log.length;
		const second = await publish({ items: [mp4Item(6_000_000, { durationSec: 6, fileName: 'renamed.mp4' }).item, { json: {} }, { json: {} }], perItem, options: skip, store });
		expect(second.error).toBeUndefined();
		expect(second.output!.map((o) => [o.json.skipped, o.json.postedKey, o.pairedItem])).toEqual(keys.map((key, item) => [true, key, { item }]));
		expect(second.output![0].json.note).toMatch(/^Skipped: this node already handed a post with this key to TikTok/);
		expect(sandbox.log.length).toBe(calls);
		expect(sandbox.publishes.size).toBe(3);
	});

	it('a run stopped mid-upload leaves no key: the next run posts the video, once; the stopped upload never completes', async () => {
		const store = new ProcessedDataStore();
		// 16 MB in 5 MiB chunks: 3 requests; the run stops while the middle one is being sent
		const video = () => mp4Item(16_000_000, { durationSec: 8 }).item;
		sandbox.configure({ faults: { holdChunk: { index: 1, ms: 400, times: 1 } } });
		const abort = new AbortController();
		const stopped = publish({ items: [video()], options: { ...skip, chunkSizeMb: 5 }, store, abortSignal: abort.signal });
		await until(() => sandbox.log.some((e) => e.method === 'PUT' && e.held));
		abort.abort(); // as a killed worker: nothing after this point runs
		expect((await stopped).error?.message).toBe('The execution was cancelled during the upload.');
		const again = await publish({ items: [video()], options: { ...skip, chunkSizeMb: 5 }, store });
		expect(again.error).toBeUndefined();
		expect(again.output![0].json).toMatchObject({ status: 'PUBLISH_COMPLETE', bytesSent: 16_000_000 });
		const records = [...sandbox.publishes.values()];
		expect(records.map((r) => r.status)).toEqual(['PROCESSING_UPLOAD', 'PUBLISH_COMPLETE']);
		expect(records[0].bytesReceived).toBe(5_242_880);
	});

	it('a run stopped during the hand-over request itself keeps its key: the next run skips; the publish_id tells whether TikTok got it', async () => {
		const store = new ProcessedDataStore();
		const video = () => mp4Item(11_000_000, { durationSec: 8 }).item; // 2 requests: the second is the last
		sandbox.configure({ faults: { holdChunk: { index: 1, ms: 400, times: 1 } } });
		const abort = new AbortController();
		const stopped = publish({ items: [video()], options: { ...skip, chunkSizeMb: 5 }, store, abortSignal: abort.signal });
		await until(() => sandbox.log.some((e) => e.method === 'PUT' && e.held));
		abort.abort();
		await stopped;
		const again = await publish({ items: [video()], options: { ...skip, chunkSizeMb: 5 }, store });
		expect(again.output![0].json).toMatchObject({ skipped: true });
		const [record] = [...sandbox.publishes.values()];
		expect(sandbox.publishes.size).toBe(1);
		// what Get Status would show for the publish_id in the log: the upload never completed
		expect(record.status).toBe('PROCESSING_UPLOAD');
		expect(record.bytesReceived).toBeLessThan(11_000_000);
	});

	it('a run stopped after the hand-over keeps its key: the next run skips the item; one post', async () => {
		const store = new ProcessedDataStore();
		sandbox.configure({ processingMs: 600 });
		const abort = new AbortController();
		const stopped = publish({ perItem: pulled('after'), options: skip, store, abortSignal: abort.signal });
		await until(() => sandbox.log.some((e) => isStatus(e.path)));
		abort.abort();
		expect((await stopped).error?.message).toBe("The execution was cancelled while waiting for TikTok's final status.");
		const again = await publish({ perItem: pulled('after'), options: skip, store });
		expect(again.output![0].json).toMatchObject({ skipped: true, postedKey: pulled('after')(0).videoUrl });
		await until(() => [...sandbox.publishes.values()][0].status === 'PUBLISH_COMPLETE');
		expect(sandbox.publishes.size).toBe(1);
	});

	it('another execution handing the same key over first stops this upload before its last chunk', async () => {
		const store = new ProcessedDataStore();
		sandbox.configure({ faults: { holdChunk: { index: 0, ms: 300, times: 1 } } });
		const running = publish({ items: [mp4Item(11_000_000).item], options: { ...skip, chunkSizeMb: 5, postedKey: 'product-42' }, store });
		await until(() => sandbox.log.some((e) => e.method === 'PUT' && e.held));
		// meanwhile another execution (another worker) hands product-42 over
		await createTestContext({ processedData: store, workflowId: 'wf-volume' }).helpers.checkProcessedAndRecord(['tiktok-handed:product-42', 'tiktok-post:product-42'], 'node', { mode: 'entries' });
		const run = await running;
		const [record] = [...sandbox.publishes.values()];
		expect(run.output![0].json).toMatchObject({ skipped: true, postedKey: 'product-42' });
		expect(run.output![0].json.note).toContain(`This run's own upload (publish_id ${record.publishId}) was stopped before its last chunk`);
		expect(sandbox.log.filter((e) => e.method === 'PUT')).toHaveLength(1);
		expect(record.status).toBe('PROCESSING_UPLOAD');
	});

	it('gives the key back when TikTok fails the post (FAILED) or refuses the init, so the item can be posted once fixed', async () => {
		const store = new ProcessedDataStore();
		const failed = await publish({ perItem: () => ({ source: 'url', uploadMethod: 'pull', videoUrl: url('slow.mp4', '&fps=15') }), options: skip, store });
		expect(failed.error?.message).toMatch(/frame_rate_check_failed/);
		expect(store.has('wf-volume', 'node-1', `tiktok-post:${url('slow.mp4', '&fps=15')}`)).toBe(false);

		sandbox.configure({ verifiedUrlPrefixes: [] });
		const refused = await publish({ perItem: pulled('refused'), options: skip, store });
		expect(refused.error?.message).toMatch(/url_ownership_unverified/);
		sandbox.configure({ verifiedUrlPrefixes: [sandbox.mediaBaseUrl] });
		const posted = await publish({ perItem: pulled('refused'), options: skip, store });
		expect(posted.output![0].json).toMatchObject({ status: 'PUBLISH_COMPLETE', postedKey: pulled('refused')(0).videoUrl });
		expect(initCalls(sandbox)).toBe(3);
	});

	it('the same key twice in one batch: the second item is skipped', async () => {
		const store = new ProcessedDataStore();
		const run = await publish({ count: 2, perItem: () => pulled('twice')(0), options: skip, store });
		expect(run.output!.map((o) => o.json.skipped ?? o.json.status)).toEqual(['PUBLISH_COMPLETE', true]);
		expect(sandbox.publishes.size).toBe(1);
	});
});

describe('Post Photos and Get Status wait once too', () => {
	const photos = (itemIndex: number) => ({ photoUrls: `${sandbox.mediaBaseUrl}p${itemIndex}.jpg\n${sandbox.mediaBaseUrl}q${itemIndex}.jpg`, privacyLevel: 'PUBLIC_TO_EVERYONE' });

	it('Post Photos: every post initialised before the first status call, every post id; a re-run with Skip Already Posted posts nothing', async () => {
		const store = new ProcessedDataStore();
		const items = Array.from({ length: 3 }, () => ({ json: {} }));
		const first = await runPostPhotos(sandbox, { items, parameters: (itemIndex) => ({ ...photos(itemIndex), options: { skipAlreadyPosted: true } }), processedData: store, workflowId: 'wf-photos' });
		expect(first.error).toBeUndefined();
		expect(first.output!.map((o) => [o.json.status, (o.json.postIds as string[]).length, o.json.postedKey, o.pairedItem])).toEqual(
			[0, 1, 2].map((item) => ['PUBLISH_COMPLETE', 1, photos(item).photoUrls, { item }]),
		);
		const log = sandbox.log.filter((e) => e.path.endsWith('/content/init/') || isStatus(e.path));
		expect(log.map((e) => e.path.endsWith('/content/init/')).lastIndexOf(true)).toBeLessThan(log.findIndex((e) => isStatus(e.path)));
		const calls = tikTokCalls(sandbox).length;
		const second = await runPostPhotos(sandbox, { items, parameters: (itemIndex) => ({ ...photos(itemIndex), options: { skipAlreadyPosted: true } }), processedData: store, workflowId: 'wf-photos' });
		expect(second.output!.map((o) => o.json.skipped)).toEqual([true, true, true]);
		expect(tikTokCalls(sandbox).length).toBe(calls);
	});

	it('Get Status with waiting: every status read once, then one wait for the posts still processing; input order', async () => {
		sandbox.configure({ processingMs: 300, postIdDelayMs: 0 });
		const started = await runPostPhotos(sandbox, { items: [{ json: {} }, { json: {} }, { json: {} }], parameters: (itemIndex) => ({ ...photos(itemIndex), waitForResult: false }) });
		const ids = started.output!.map((o) => o.json.publishId as string);
		const statusCallsBefore = sandbox.countCalls('/status/fetch/');
		const run = await runTikTok(sandbox, { items: ids.map((id) => ({ json: { id } })), parameters: (itemIndex) => ({ publishId: ids[itemIndex], waitForFinalStatus: true }) });
		expect(run.output!.map((o) => [o.json.publishId, o.json.status, o.json.waited, o.pairedItem])).toEqual(ids.map((id, item) => [id, 'PUBLISH_COMPLETE', true, { item }]));
		const lookups = sandbox.log.filter((e) => isStatus(e.path)).slice(statusCallsBefore);
		// the first three calls are the three reads "now", in input order; the waits come after
		expect(lookups.slice(0, 3).map((e) => (e.body as { publish_id: string }).publish_id)).toEqual(ids);
	});
});
