import type { IExecuteFunctions } from 'n8n-workflow';

import { TIKTOK_CREDENTIAL_NAME } from './constants';
import type { CreatorInfo } from './creator';

/** State shared by the items of one execution (read once, used by every item). */
export interface ExecutionCache {
	creatorInfo?: CreatorInfo;
	customEnvironment?: boolean;
}

/**
 * The credential's environment is Custom (a TikTok stand-in): only then may URLs point at private
 * or loopback hosts.
 */
export async function isCustomEnvironment(ctx: IExecuteFunctions, cache: ExecutionCache): Promise<boolean> {
	if (cache.customEnvironment === undefined) {
		const credentials = await ctx.getCredentials(TIKTOK_CREDENTIAL_NAME);
		cache.customEnvironment = credentials.environment === 'custom';
	}
	return cache.customEnvironment;
}
