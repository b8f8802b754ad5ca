/**
 * What every campaign suite shares: fast status polls, TikTok's real pacing window, strict sandboxes
 * whose own logs join the secret scan when they close, and small helpers to read the HTTP hooks.
 * A suite calls `useCampaignSetup()` once at its top.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

import { resetPacing, setPacingWindowForTests } from '../../../nodes/TikTok/core/tiktok/pacing';
import { setPollIntervalsForTests } from '../../../nodes/TikTok/core/post/publishStatus';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox';
import { collector } from './collector';
import type { CampaignRun } from './run';
import { installTokenTap } from './tokenTap';

export const POLL_INTERVALS = [30, 60, 100];
export const PROCESSING_MS = 40;
const sandboxes: Sandbox[] = [];

export async function newSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const sb = await startSandbox({ processingMs: PROCESSING_MS, ...options });
	sandboxes.push(sb);
	return sb;
}

export async function closeSandbox(sb: Sandbox): Promise<void> {
	// the sandbox's own log (it says it redacts secrets) is scanned too
	collector.addArtifact(`sandbox log ${sb.baseUrl}`, { log: sb.log, publishes: [...sb.publishes.values()] });
	await sb.close();
	sandboxes.splice(sandboxes.indexOf(sb), 1);
}

export async function closeAllSandboxes(): Promise<void> {
	for (const sb of [...sandboxes]) await closeSandbox(sb);
}

export function useCampaignSetup(): void {
	installTokenTap();
	beforeAll(() => {
		setPollIntervalsForTests(POLL_INTERVALS);
		setPacingWindowForTests(undefined);
		resetPacing();
	});
	afterAll(async () => {
		await closeAllSandboxes();
		setPollIntervalsForTests(undefined);
		setPacingWindowForTests(undefined);
		resetPacing();
	});
}

export const isPut = (o: IHttpRequestOptions) => o.method === 'PUT';
export const statusOf = (response: unknown) => (response as { statusCode?: number })?.statusCode;
export const errorText = (run: CampaignRun) => `${run.error?.message ?? ''} ${run.error?.description ?? ''}`;
