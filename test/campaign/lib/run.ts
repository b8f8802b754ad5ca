/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * Campaign runner: runs a node once through the real test harness (n8n-core request helpers, real
 * OAuth2 refresh path), with optional hooks around the plain `helpers.httpRequest` (chunk PUTs and
 * downloads) and an optional network tripwire. Every run is handed to the collector (secret scan).
 */
import type { IHttpRequestOptions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { TikTokPublishVideo } from '../../../nodes/TikTokPublishVideo/TikTokPublishVideo.node';
import { TikTokUploadVideo } from '../../../nodes/TikTokUploadVideo/TikTokUploadVideo.node';
import {
	createTestContext,
	publishVideoParameters,
	sandboxCredentials,
	uploadVideoParameters,
	type TestContext,
	type TestCredentials,
} from '../../helpers';
import type { Sandbox } from '../../sandbox';
import { collector } from './collector';

export const INIT_PATHS = ['/post/publish/video/init/', '/post/publish/inbox/video/init/', '/post/publish/content/init/'];

export const publishDefaults = { ...publishVideoParameters, caption: 'Campaign #reliability', privacyLevel: 'SELF_ONLY' };

export const uploadDefaults = uploadVideoParameters;

export type NodeKind = 'publish' | 'upload';

export interface HttpHooks {
	/** before a plain helpers.httpRequest (chunk PUT, download); may delay */
	before?: (options: IHttpRequestOptions, ctx: TestContext) => void | Promise<void>;
	/** after it answered (full response when returnFullResponse) */
	after?: (options: IHttpRequestOptions, response: unknown, ctx: TestContext) => void | Promise<void>;
	/** replaces the request entirely (stubbed remote server) */
	replace?: (options: IHttpRequestOptions) => Promise<unknown> | undefined;
}

export interface CampaignRunOptions {
	sandbox?: Sandbox;
	credentials?: TestCredentials;
	parameters?: Record<string, unknown> | ((itemIndex: number) => Record<string, unknown>);
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	/** pacing key; default: a fresh id per run so unrelated runs never share TikTok's per-minute budget */
	credentialId?: string;
	hooks?: HttpHooks;
	/** true: every outgoing request (plain or authenticated) is refused and counted; 'auth': only TikTok API calls */
	tripwire?: boolean | 'auth';
	/** called with the context before execute (e.g. to schedule an abort) */
	prepare?: (ctx: TestContext) => void;
}

export interface CampaignRun {
	label: string;
	ctx: TestContext;
	output?: INodeExecutionData[];
	error?: Error & { description?: string; httpCode?: string; context?: Record<string, unknown> };
	ms: number;
	/** requests the tripwire stopped (url without query) */
	tripped: string[];
}

let runCounter = 0;

export async function runNode(label: string, node: NodeKind, opts: CampaignRunOptions): Promise<CampaignRun> {
	const defaults = node === 'publish' ? publishDefaults : uploadDefaults;
	const params = opts.parameters;
	const parameters =
		typeof params === 'function'
			? (i: number) => ({ ...defaults, ...params(i) })
			: { ...defaults, ...(params ?? {}) };
	const credentials = opts.credentials ?? sandboxCredentials(opts.sandbox!);
	const ctx = createTestContext({
		credentials,
		parameters,
		items: opts.items,
		continueOnFail: opts.continueOnFail,
		credentialRef: { id: opts.credentialId ?? `campaign-cred-${++runCounter}`, name: 'TikTok campaign' },
		nodeType:
			node === 'publish'
				? 'n8n-nodes-tiktok-content-posting.tikTokPublishVideo'
				: 'n8n-nodes-tiktok-content-posting.tikTokUploadVideo',
	});
	const tripped: string[] = [];
	const helpers = ctx.helpers as unknown as Record<string, unknown>;
	const plain = helpers.httpRequest as (o: IHttpRequestOptions) => Promise<unknown>;
	const trip = async (o: IHttpRequestOptions) => {
		tripped.push(String(o.url).split('?')[0]);
		throw new Error('campaign tripwire: no request may leave before the input is refused');
	};
	if (opts.tripwire) {
		helpers.httpRequestWithAuthentication = async function (_type: string, o: IHttpRequestOptions) {
			return await trip(o);
		};
	}
	if (opts.tripwire === true) {
		helpers.httpRequest = trip;
	} else {
		const hooks = opts.hooks ?? {};
		helpers.httpRequest = async (o: IHttpRequestOptions) => {
			// the pre-signed upload URL's token is a secret too: the leak scan must know it
			const uploadToken = /[?&]upload_token=([^&]+)/.exec(String(o.url))?.[1];
			if (uploadToken) collector.addSecrets(decodeURIComponent(uploadToken));
			const replaced = hooks.replace?.(o);
			if (replaced) return await replaced;
			await hooks.before?.(o, ctx);
			const response = await plain(o);
			await hooks.after?.(o, response, ctx);
			return response;
		};
	}
	opts.prepare?.(ctx);

	const instance = node === 'publish' ? new TikTokPublishVideo() : new TikTokUploadVideo();
	const run: CampaignRun = { label, ctx, ms: 0, tripped };
	const started = Date.now();
	try {
		run.output = (await instance.execute.call(ctx))[0];
	} catch (error) {
		run.error = error as CampaignRun['error'];
	}
	run.ms = Date.now() - started;
	collector.recordRun(run);
	return run;
}

/** Accepted (non-429) init calls in the sandbox log. */
export function acceptedInits(sandbox: Sandbox): number {
	return sandbox.log.filter((e) => INIT_PATHS.some((p) => e.path.endsWith(p)) && e.status === 200).length;
}

/** Every init call in the sandbox log (refused ones included). */
export function allInits(sandbox: Sandbox): number {
	return INIT_PATHS.reduce((sum, p) => sum + sandbox.countCalls(p), 0);
}

export function count429(sandbox: Sandbox): number {
	return sandbox.log.filter((e) => e.status === 429).length;
}

/** Publishes that reached a final success status (the video is on TikTok / in the inbox). */
export function completedPublishes(sandbox: Sandbox) {
	return [...sandbox.publishes.values()].filter(
		(r) => r.status === 'PUBLISH_COMPLETE' || r.status === 'SEND_TO_USER_INBOX',
	);
}

/** Publishes whose bytes all arrived (they will be posted unless processing fails). */
export function fullyTransferred(sandbox: Sandbox) {
	return [...sandbox.publishes.values()].filter((r) => r.sha256 !== null || r.status === 'PUBLISH_COMPLETE' || r.status === 'SEND_TO_USER_INBOX');
}

/** A "clear" error: one of n8n's node errors with a real sentence, not a crash. */
export function clearErrorProblem(error: unknown): string | undefined {
	if (!error) return 'no error was thrown';
	if (!(error instanceof NodeOperationError) && !(error instanceof NodeApiError)) {
		return `not a node error: ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`;
	}
	const message = String((error as Error).message ?? '');
	if (message.trim().length < 15) return `message too short: "${message}"`;
	const text = `${message} ${(error as { description?: string }).description ?? ''}`;
	if (/TypeError|ReferenceError|RangeError|Cannot read prop|is not a function|undefined is not|\[object Object\]/i.test(text)) {
		return `looks like a crash: "${message}"`;
	}
	return undefined;
}

export const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A request the sandbox has not answered yet and whose connection is still open. */
const open = (entry: Sandbox['log'][number]) => entry.status === null && entry.dropped !== true;

/** A publish that will still change without a further request: bytes all there (or a pull), processing not over. */
const stillProcessing = (record: ReturnType<Sandbox['publishes']['get']> & object) =>
	record.status.startsWith('PROCESSING_') &&
	(record.source === 'PULL_FROM_URL' || (record.videoSize !== null && record.bytesReceived >= record.videoSize));

/**
 * Resolves once nothing can change in the sandbox any more: no request in flight, and no publish that
 * has all its bytes and is still being processed (a half-sent upload cannot go on: the run has ended,
 * so nobody sends the rest). Then "was it posted?" has its final answer, whatever the machine's speed.
 * Polled every 10 ms; jest's test timeout bounds it.
 */
export async function sandboxSettled(sandbox: Sandbox): Promise<void> {
	while (sandbox.log.some(open) || [...sandbox.publishes.values()].some(stillProcessing)) await sleepMs(10);
}
