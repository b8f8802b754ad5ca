import type { INodeProperties } from 'n8n-workflow';

/*
 * Skip Already Posted and its key, in the Options of the three posting nodes (docs/batches-and-reruns.md):
 * one definition, each node naming its own default key.
 */

/** The two options; `defaultKey` completes "Empty: …" (what identifies a post when no key is given). */
export function skipAlreadyPostedOptions(defaultKey: string): INodeProperties[] {
	return [
		{
			displayName: 'Skip Already Posted',
			name: 'skipAlreadyPosted',
			type: 'boolean',
			default: false,
			description:
				"Whether to skip an item whose key this node has already handed to TikTok, in an earlier execution (a schedule, a re-run, a retry) or earlier in this one. The keys are kept in n8n's database, in the store the Remove Duplicates node uses, shared by all workers. A key counts from just before the request that hands the post over, and is given back when TikTok refuses or fails the post.",
		},
		{
			displayName: 'Posted Key',
			name: 'postedKey',
			type: 'string',
			default: '',
			placeholder: 'e.g. {{ $json.productId }}',
			description: `With Skip Already Posted: what identifies one post. Empty: ${defaultKey}.`,
		},
	];
}
