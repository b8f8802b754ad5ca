import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { fetchCreatorInfo } from './creator';
import { PRIVACY_LEVEL_NAMES } from './postRules';

/** The privacy levels this creator can use right now, straight from creator_info. */
export async function getPrivacyLevels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const creator = await fetchCreatorInfo.call(this);
	return creator.privacyLevelOptions.map((level) => ({
		name: PRIVACY_LEVEL_NAMES[level] ?? level,
		value: level,
		description: level,
	}));
}
