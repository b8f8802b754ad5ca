import type { AllEntities } from 'n8n-workflow';

/** Every resource and its operations, so the router's dispatch is checked by the compiler. */
type NodeMap = {
	account: 'getPostingOptions';
	post: 'cancel' | 'getStatus';
};

export type TikTokOperation = AllEntities<NodeMap>;
