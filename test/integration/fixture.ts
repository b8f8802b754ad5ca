/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * Shared set-up for node integration tests: a TikTok sandbox with quick processing, scaled-down
 * polling, and helpers that run a node the way n8n does and collect what a test asserts on.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { TikTokPublishVideo } from '../../nodes/TikTokPublishVideo/TikTokPublishVideo.node';
import { TikTokUploadVideo } from '../../nodes/TikTokUploadVideo/TikTokUploadVideo.node';
import { resetPacing, setPacingWindowForTests } from '../../nodes/TikTok/core/tiktok/pacing';
import { setPollIntervalsForTests } from '../../nodes/TikTok/core/post/publishStatus';
import {
	createTestContext,
	expectNoSecrets,
	publishVideoParameters,
	sandboxCredentials,
	secretsOf,
	type TestContext,
	type TestContextOptions,
	uploadVideoParameters,
} from '../helpers';
import { defaultOptions, startSandbox, type Sandbox, type SandboxOptions } from '../sandbox';

export const INIT_PATHS = ['/post/publish/video/init/', '/post/publish/inbox/video/init/'];

export function initCalls(sandbox: Sandbox): number {
	return INIT_PATHS.reduce((sum, path) => sum + sandbox.countCalls(path), 0);
}

/** TikTok's per-minute limits, scaled to this window for both the sandbox and the node's pacing. */
export const TEST_RATE_WINDOW_MS = 1000;

/** Moderation, scaled down: a public post's id appears this long after PUBLISH_COMPLETE, never at once. */
export const TEST_MODERATION_MS = 150;

export async function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	setPollIntervalsForTests([30, 60, 100]);
	setPacingWindowForTests(TEST_RATE_WINDOW_MS);
	resetPacing();
	return await startSandbox({ processingMs: 40, postIdDelayMs: TEST_MODERATION_MS, rateLimits: { windowMs: TEST_RATE_WINDOW_MS }, ...options });
}

/** A fresh start for each test: empty log and publishes, default scenario, empty pacing windows. */
export function resetSandbox(sandbox: Sandbox): void {
	sandbox.reset();
	resetPacing();
	const defaults = defaultOptions();
	sandbox.configure({
		postIdDelayMs: TEST_MODERATION_MS,
		faults: defaults.faults,
		account: defaults.account,
		creator: defaults.creator,
		clients: defaults.clients,
		tokenClientKeyFrom: defaults.tokenClientKeyFrom,
		refreshErrorStatus: defaults.refreshErrorStatus,
		verifiedUrlPrefixes: [],
		verifyOwnMedia: false,
	});
}

export interface NodeRun {
	ctx: TestContext;
	output?: INodeExecutionData[];
	error?: Error & { description?: string; httpCode?: string; context?: Record<string, unknown> };
}

/** Runs a node once; the error (if any) is returned, and every run is scanned for secrets. */
export async function runNode(
	node: 'publish' | 'upload',
	sandbox: Sandbox,
	options: Omit<TestContextOptions, 'parameters'> & { parameters?: Record<string, unknown> },
): Promise<NodeRun> {
	const defaults = node === 'publish' ? publishVideoParameters : uploadVideoParameters;
	const ctx = createTestContext({
		credentials: sandboxCredentials(sandbox),
		...options,
		parameters: { ...defaults, ...options.parameters },
	});
	const instance = node === 'publish' ? new TikTokPublishVideo() : new TikTokUploadVideo();
	const run: NodeRun = { ctx };
	try {
		run.output = (await instance.execute.call(ctx))[0];
	} catch (error) {
		run.error = error as NodeRun['error'];
	}
	expectNoSecrets(
		{
			output: run.output,
			message: run.error?.message,
			description: run.error?.description,
			error: run.error ? JSON.parse(JSON.stringify(run.error)) : undefined,
			logs: ctx.harness.logs,
		},
		secretsOf(ctx),
	);
	return run;
}

export function onlyPublish(sandbox: Sandbox) {
	const records = [...sandbox.publishes.values()];
	expect(records).toHaveLength(1);
	return records[0];
}

/** Status calls that arrived in a later millisecond than the (only) publish's final status, so they saw it. */
export function statusCallsAfterCompletion(sandbox: Sandbox): number {
	const completedAt = [...sandbox.publishes.values()][0]?.completedAt;
	if (!completedAt) return 0;
	return sandbox.log.filter((entry) => entry.path.endsWith('/status/fetch/') && entry.at > completedAt).length;
}

/**
 * Waits until a running node did something the sandbox can see (checked every 10 ms, bounded by jest's
 * test timeout): an event to act on, instead of a guess of how long the node takes. Fails at once when
 * the run ended first.
 */
export async function until(condition: () => boolean, running: Promise<NodeRun>): Promise<void> {
	let ended: NodeRun | undefined;
	void running.then((run) => (ended = run));
	while (!condition()) {
		if (ended) throw new Error(`the run ended first: ${ended.error?.message ?? 'without an error'}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
