import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { TIKTOK_CREDENTIAL_NAME } from '../tiktok/constants';
import { DIRECT_POST_BLOCKED_HINT, directPostBlocker } from '../tiktok/credentialState';
import type { CreatorInfo } from './creatorInfo';

/** State shared by the items of one execution (read once, used by every item). */
export interface ExecutionCache {
	creatorInfo?: CreatorInfo;
	allowPrivateNetworks?: boolean;
	/** Why this credential cannot post directly (Drafts Only, or no video.publish granted); null = it can. */
	directPostBlocker?: string | null;
}

/**
 * The credential's Allow Private Network Addresses switch: only then may media URLs use http:// or
 * point at private, loopback or link-local hosts. Independent of the environment (TikTok / Custom),
 * which only says where TikTok's API is.
 */
export async function allowsPrivateNetworks(ctx: IExecuteFunctions, cache: ExecutionCache): Promise<boolean> {
	if (cache.allowPrivateNetworks === undefined) {
		const credentials = await ctx.getCredentials(TIKTOK_CREDENTIAL_NAME);
		cache.allowPrivateNetworks = credentials.allowPrivateNetworks === true;
	}
	return cache.allowPrivateNetworks;
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
