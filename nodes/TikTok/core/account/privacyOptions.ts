import { NodeOperationError, type ILoadOptionsFunctions, type INodePropertyOptions } from 'n8n-workflow';

import { TIKTOK_CREDENTIAL_NAME } from '../tiktok/constants';
import { DIRECT_POST_BLOCKED_HINT, directPostBlocker } from '../tiktok/credentialState';
import { fetchCreatorInfo, PRIVACY_LEVEL_NAMES } from './creatorInfo';

/**
 * The privacy levels this creator can use right now, straight from creator_info, with the account's
 * nickname so the user sees which account will post (TikTok's posting guidelines ask for both).
 */
export async function getPrivacyLevels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	// The editor shows this message as the list's issue ("There was a problem loading the parameter options").
	const blocker = directPostBlocker(await this.getCredentials(TIKTOK_CREDENTIAL_NAME));
	if (blocker) {
		throw new NodeOperationError(this.getNode(), `${blocker} ${DIRECT_POST_BLOCKED_HINT}`);
	}
	const creator = await fetchCreatorInfo.call(this);
	return creator.privacyLevelOptions.map((level) => ({
		name: PRIVACY_LEVEL_NAMES[level] ?? level,
		value: level,
		description: creator.nickname ? `${level}, posting as ${creator.nickname}` : level,
	}));
}
