import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { TIKTOK_CREDENTIAL_NAME } from '../tiktok/constants';
import { DIRECT_POST_BLOCKED_HINT, directPostBlocker } from '../tiktok/credentialState';
import type { CreatorInfo } from './creatorInfo';

/** State shared by the items of one execution (read once, used by every item). */
export interface ExecutionCache {
	creatorInfo?: CreatorInfo;
	customEnvironment?: boolean;
	/** Why this credential cannot post directly (Drafts Only, or no video.publish granted); null = it can. */
	directPostBlocker?: string | null;
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

/**
 * A Drafts Only credential (or one without video.publish) is refused before anything is sent. The
 * credential is the node's, the same for every item, so it is read once per execution.
 */
export async function assertDirectPostAllowed(
	ctx: IExecuteFunctions,
	itemIndex: number,
	cache: ExecutionCache,
): Promise<void> {
	if (cache.directPostBlocker === undefined) {
		cache.directPostBlocker = directPostBlocker(await ctx.getCredentials(TIKTOK_CREDENTIAL_NAME, itemIndex)) ?? null;
	}
	if (cache.directPostBlocker) {
		throw new NodeOperationError(ctx.getNode(), cache.directPostBlocker, { itemIndex, description: DIRECT_POST_BLOCKED_HINT });
	}
}
