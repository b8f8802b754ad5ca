/**
 * TikTok's publish init call (docs/tiktok-api.md §3): one paced POST that returns the publish_id (and
 * TikTok's `data`, e.g. a video's pre-signed upload URL). Any init endpoint uses it: the video inits
 * (video/videoInit.ts) and the photo content init.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { tikTokApiRequest } from '../tiktok/transport';

/**
 * POSTs an init body to a publish init endpoint, paced as an init call (6 a minute per token).
 * Resolves with the publish_id and TikTok's whole `data`; throws when TikTok gave no publish_id.
 */
export async function requestPublishInit(
	ctx: IExecuteFunctions,
	itemIndex: number,
	endpoint: string,
	body: IDataObject,
): Promise<{ publishId: string; data: IDataObject }> {
	const { data } = await tikTokApiRequest.call(ctx, 'POST', endpoint, { body, itemIndex, rateLimit: 'init' });
	const publishId = (data as { publish_id?: string }).publish_id;
	if (!publishId) {
		throw new NodeOperationError(ctx.getNode(), 'TikTok accepted the post but returned no publish_id.', {
			itemIndex,
			description: 'This is unexpected from TikTok. Check the TikTok app before running the item again.',
		});
	}
	return { publishId, data: data as IDataObject };
}
