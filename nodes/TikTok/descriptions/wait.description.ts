import type { INodeProperties } from 'n8n-workflow';

/*
 * The waiting options every node that waits for TikTok's final result offers (Publish Video, Upload
 * Video, Post Photos, the TikTok node's Get Status): one definition, each node saying in its own words
 * what happens when the time runs out.
 */

/** "Timeout (Minutes)": how long to wait for the final status, 1 to 120, default 10. */
export function timeoutMinutesOption(description: string, displayOptions?: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Timeout (Minutes)',
		name: 'timeoutMinutes',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 120 },
		default: 10,
		description,
		...(displayOptions ? { displayOptions } : {}),
	};
}

/** How long a Direct Post waits, after TikTok published the post, for its post id (moderation). */
export const postIdWaitOption: INodeProperties = {
	displayName: 'Wait for Post ID (Minutes)',
	name: 'postIdWaitMinutes',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 120 },
	default: 2,
	description:
		'TikTok gives a public post its ID (and so its URL) only after moderation, usually within a minute. How long to keep checking after TikTok has published the post; 0 = do not wait. Only Me, Friends and Followers posts never get one.',
	displayOptions: { show: { '/waitForResult': [true] } },
};
