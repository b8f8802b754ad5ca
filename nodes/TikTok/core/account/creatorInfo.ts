import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { CreatorOptions } from '../post/postSettings';
import { ENDPOINTS } from '../tiktok/constants';
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

export interface CreatorInfo extends CreatorOptions {
	/** Used only to build the post's URL; never written to the output on its own. */
	username?: string;
	/** Shown in the privacy list ("posting as …"), as TikTok's posting guidelines ask; never output. */
	nickname?: string;
}

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
