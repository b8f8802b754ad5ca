import type { INodeProperties } from 'n8n-workflow';

import * as getPostingOptions from './getPostingOptions.operation';

export { getPostingOptions };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get Posting Options',
				value: 'getPostingOptions',
				description: 'Get the privacy levels, interaction settings and posting limits of the connected account',
				action: 'Get the posting options of the account',
			},
		],
		default: 'getPostingOptions',
	},
	...getPostingOptions.description,
];
