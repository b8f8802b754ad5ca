import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel.operation';
import * as getStatus from './getStatus.operation';

export { cancel, getStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['post'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description: 'Stop a post while TikTok is still pulling its media from a URL',
				action: 'Cancel a post',
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				description: 'Get the status of a post by its publish ID, now or once final',
				action: 'Get the status of a post',
			},
		],
		default: 'getStatus',
	},
	...getStatus.description,
	...cancel.description,
];
