import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { fetchCreatorInfo } from './creator';
import { PRIVACY_LEVEL_NAMES } from './postRules';

/**
 * The privacy levels this creator can use right now, straight from creator_info, with the account's
 * nickname so the user sees which account will post (TikTok's posting guidelines ask for both).
 */
export async function getPrivacyLevels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const creator = await fetchCreatorInfo.call(this);
	return creator.privacyLevelOptions.map((level) => ({
		name: PRIVACY_LEVEL_NAMES[level] ?? level,
		value: level,
		description: creator.nickname ? `${level}, posting as ${creator.nickname}` : level,
	}));
}
