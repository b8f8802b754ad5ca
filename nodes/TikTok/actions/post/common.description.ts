import type { INodeProperties } from 'n8n-workflow';

export const publishIdProperty: INodeProperties = {
	displayName: 'Publish ID',
	name: 'publishId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. p_pub_url~v2.7308523530180699592',
	description:
		'The publish_id TikTok gave when the post started: the publishId output of TikTok Publish Video, TikTok Upload Video or TikTok Post Photos. It works only with the credential (TikTok account) that started the post.',
};
