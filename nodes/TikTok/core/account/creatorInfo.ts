/**
 * creator_info, read and understood in one place: what the account offers right now (privacy levels,
 * interactions the creator turned off, longest video), whether it may post now (TikTok answers
 * "cannot post" codes with HTTP 200, docs/tiktok-api.md §3.1, G7), what the privacy levels are called,
 * and the handle for post URLs. Profile fields are never output on their own.
 */
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { ENDPOINTS } from '../tiktok/constants';
import { isTikTokErrorCode } from '../tiktok/errors';
import { tikTokApiRequest } from '../tiktok/transport';

interface CreatorInfoResponse {
	privacy_level_options?: string[];
	comment_disabled?: boolean;
	duet_disabled?: boolean;
	stitch_disabled?: boolean;
	max_video_post_duration_sec?: number;
	creator_username?: string;
	creator_nickname?: string;
}

/** What creator_info/query tells about the creator's options; the profile fields are never kept. */
export interface CreatorOptions {
	privacyLevelOptions: string[];
	commentDisabled: boolean;
	duetDisabled: boolean;
	stitchDisabled: boolean;
	maxVideoPostDurationSec?: number;
}

export interface CreatorInfo extends CreatorOptions {
	/** Used only to build the post's URL; never written to the output on its own. */
	username?: string;
	/** Shown in the privacy list ("posting as …"), as TikTok's posting guidelines ask; never output. */
	nickname?: string;
}

/** The names the editor and the messages give TikTok's privacy levels. */
export const PRIVACY_LEVEL_NAMES: Record<string, string> = {
	PUBLIC_TO_EVERYONE: 'Everyone',
	MUTUAL_FOLLOW_FRIENDS: 'Friends (Followers You Follow Back)',
	FOLLOWER_OF_CREATOR: 'Followers',
	SELF_ONLY: 'Only Me',
};

/** creator_info answers these with HTTP 200 when the account cannot post now (docs/tiktok-api.md §3.1, G7). */
export const CANNOT_POST_CODES = ['spam_risk_too_many_posts', 'spam_risk_user_banned_from_posting', 'reached_active_user_cap'];

/**
 * Reads creator_info/query. When the creator cannot post now (daily cap, ban, active-user cap),
 * TikTok answers HTTP 200 with that error code, and the transport turns it into an explained error.
 */
export async function fetchCreatorInfo(
	this: IExecuteFunctions | ILoadOptionsFunctions,
	itemIndex?: number,
): Promise<CreatorInfo> {
	const { data } = await tikTokApiRequest.call(this, 'POST', ENDPOINTS.creatorInfo, {
		body: {},
		itemIndex,
		rateLimit: 'creatorInfo',
	});
	const info = data as CreatorInfoResponse;
	return {
		privacyLevelOptions: info.privacy_level_options ?? [],
		commentDisabled: info.comment_disabled === true,
		duetDisabled: info.duet_disabled === true,
		stitchDisabled: info.stitch_disabled === true,
		maxVideoPostDurationSec: info.max_video_post_duration_sec,
		username: info.creator_username,
		nickname: info.creator_nickname,
	};
}

/**
 * creator_info read once for the items of one execution: they post to the same account (TikTok allows
 * 20 reads a minute), and the options do not change within a run.
 */
export async function creatorInfoOnce(
	ctx: IExecuteFunctions,
	itemIndex: number,
	cache: { creatorInfo?: CreatorInfo },
): Promise<CreatorInfo> {
	return (cache.creatorInfo ??= await fetchCreatorInfo.call(ctx, itemIndex));
}

/**
 * The creator's handle for a post's canonical URL, read once per execution; undefined when creator_info
 * cannot be read (a drafts-only credential): the embed address works without it.
 */
export async function creatorHandle(
	ctx: IExecuteFunctions,
	itemIndex: number,
	cache: { username?: string | null },
): Promise<string | undefined> {
	if (cache.username === undefined) {
		try {
			cache.username = (await fetchCreatorInfo.call(ctx, itemIndex)).username ?? null;
		} catch {
			cache.username = null;
		}
	}
	return cache.username ?? undefined;
}

/** The "cannot post now" code an error from creator_info carries, if it is one. */
export function cannotPostCode(error: unknown): string | undefined {
	return CANNOT_POST_CODES.find((candidate) => isTikTokErrorCode(error, candidate));
}
