/**
 * Running TikTok Post Photos and the TikTok node against the sandbox, through n8n-core's request
 * path (test/helpers/context.ts); every run is scanned for secrets.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { TikTok } from '../../nodes/TikTok/TikTok.node';
import { TikTokPostPhotos } from '../../nodes/TikTokPostPhotos/TikTokPostPhotos.node';
import { createTestContext, expectNoSecrets, sandboxCredentials, secretsOf, type TestContextOptions } from '../helpers';
import type { Sandbox } from '../sandbox';
import type { NodeRun } from './fixture';

/** TikTok Post Photos as a user leaves it: Direct Post, Only Me, nothing else turned on. */
export const postPhotosParameters = {
	postMode: 'direct',
	photoUrls: '',
	coverIndex: 0,
	title: 'Linen shirt',
	description: 'New in the shop #linen',
	privacyLevel: 'SELF_ONLY',
	allowComments: false,
	autoAddMusic: false,
	commercialContent: false,
	isAiGenerated: false,
	expectedAccount: '',
	waitForResult: true,
	options: {},
};

type RunOptions = Omit<TestContextOptions, 'parameters'> & {
	parameters?: Record<string, unknown> | ((itemIndex: number) => Record<string, unknown>);
};

async function run(
	instance: TikTok | TikTokPostPhotos,
	nodeType: string,
	defaults: Record<string, unknown>,
	sandbox: Sandbox,
	options: RunOptions,
): Promise<NodeRun> {
	const { parameters } = options;
	const ctx = createTestContext({
		credentials: sandboxCredentials(sandbox),
		nodeType,
		...options,
		parameters:
			typeof parameters === 'function'
				? (itemIndex: number) => ({ ...defaults, ...parameters(itemIndex) })
				: { ...defaults, ...parameters },
	});
	const result: NodeRun = { ctx };
	try {
		result.output = (await instance.execute.call(ctx))[0] as INodeExecutionData[];
	} catch (error) {
		result.error = error as NodeRun['error'];
	}
	expectNoSecrets(
		{
			output: result.output,
			message: result.error?.message,
			description: result.error?.description,
			error: result.error ? JSON.parse(JSON.stringify(result.error)) : undefined,
			logs: ctx.harness.logs,
		},
		secretsOf(ctx),
	);
	return result;
}

export async function runPostPhotos(sandbox: Sandbox, options: RunOptions): Promise<NodeRun> {
	return await run(new TikTokPostPhotos(), 'n8n-nodes-tiktok-content-posting.tikTokPostPhotos', postPhotosParameters, sandbox, options);
}

export async function runTikTok(sandbox: Sandbox, options: RunOptions): Promise<NodeRun> {
	return await run(new TikTok(), 'n8n-nodes-tiktok-content-posting.tikTok', { resource: 'post', operation: 'getStatus' }, sandbox, options);
}

/** Calls to TikTok's API (not to the photos' servers) in the sandbox log. */
export function tikTokCalls(sandbox: Sandbox): string[] {
	return sandbox.log.filter((entry) => entry.path.startsWith('/v2/')).map((entry) => entry.path);
}
