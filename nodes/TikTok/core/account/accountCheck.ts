import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { ENDPOINTS } from '../tiktok/constants';
import { tikTokApiRequest } from '../tiktok/transport';
import { NOTHING_POSTED } from '../tiktok/wording';

interface UserInfoResponse {
	user?: { open_id?: string; display_name?: string };
}

/**
 * Checks that the credential's token belongs to the account the workflow expects, before anything
 * is sent. Reads only open_id and display_name (user.info.basic) and keeps neither.
 */
export async function assertExpectedAccount(
	ctx: IExecuteFunctions,
	expectedAccount: string,
	itemIndex: number,
): Promise<void> {
	const expected = expectedAccount.trim();
	if (!expected) return;

	const { data } = await tikTokApiRequest.call(ctx, 'GET', ENDPOINTS.userInfo, {
		query: { fields: 'open_id,display_name' },
		itemIndex,
		rateLimit: 'other',
	});
	const user = (data as UserInfoResponse).user ?? {};
	const openId = user.open_id ?? '';
	const displayName = user.display_name ?? '';
	const matches =
		expected === openId || expected.toLowerCase() === displayName.trim().toLowerCase();
	if (matches) return;

	throw new NodeOperationError(
		ctx.getNode(),
		`This credential is connected to the TikTok account "${displayName}" (open_id ${openId}), not to "${expected}". ${NOTHING_POSTED}`,
		{
			itemIndex,
			description:
				'Select the credential of the expected account, reconnect this credential while logged in to the right TikTok account, or change Expected Account.',
		},
	);
}
