/**
 * The account's posting options right now, from creator_info, so a workflow can branch before it
 * builds a post: privacy levels offered, interactions the creator turned off, longest video, and
 * whether TikTok lets the account post now (and TikTok's reason if not). Only what posting needs:
 * the display name the user already sees in the privacy list, no handle, avatar or other profile data.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { explainTikTokError, explanationText } from '../tiktok/errors';
import { asNodeError } from '../tiktok/nodeError';
import { cannotPostCode, fetchCreatorInfo, PRIVACY_LEVEL_NAMES } from './creatorInfo';

export async function readPostingOptions(ctx: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	let creator;
	try {
		creator = await fetchCreatorInfo.call(ctx, itemIndex);
	} catch (error) {
		const code = cannotPostCode(error);
		if (!code) throw asNodeError(ctx.getNode(), error, itemIndex);
		const context = (error as { context?: { logId?: unknown } }).context;
		return {
			canPost: false,
			cannotPostReason: code,
			cannotPostMessage: explanationText(explainTikTokError(code)),
			logId: typeof context?.logId === 'string' ? context.logId : null,
		};
	}
	return {
		canPost: true,
		displayName: creator.nickname ?? null,
		privacyLevelOptions: creator.privacyLevelOptions,
		privacyLevels: creator.privacyLevelOptions.map((value) => ({ value, name: PRIVACY_LEVEL_NAMES[value] ?? value })),
		commentDisabled: creator.commentDisabled,
		duetDisabled: creator.duetDisabled,
		stitchDisabled: creator.stitchDisabled,
		maxVideoPostDurationSec: creator.maxVideoPostDurationSec ?? null,
	};
}
