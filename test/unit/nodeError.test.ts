import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';

import { asNodeError, operationError } from '../../nodes/TikTok/core/tiktok/nodeError';

const node: INode = { id: '1', name: 'TikTok Publish Video', type: 'n8n-nodes-tiktok-content-posting.tikTokPublishVideo', typeVersion: 1, position: [0, 0], parameters: {} };

// Codes n8n-workflow maps to its generic sentences when they appear anywhere in a message.
const CODES = ['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ECONNABORTED', 'ENOENT', 'EACCES', 'EPERM', 'GETADDRINFO'];

describe('our sentences stay the headline', () => {
	it('n8n-workflow itself replaces a message that mentions a network code (what users saw)', () => {
		const plain = new NodeOperationError(node, 'Could not download the video from "https://cdn.example/v.mp4" (ENOTFOUND: getaddrinfo ENOTFOUND cdn.example)');
		expect(plain.message).toBe('The connection cannot be established, this usually occurs due to an incorrect host (domain) value');
	});

	it.each(CODES)('operationError keeps a message that mentions %s, with its description and item index', (code) => {
		const message = `Could not download the video from "https://cdn.example/v.mp4" (${code}: something). Check that the URL is reachable`;
		const error = operationError(node, message, { itemIndex: 3, description: 'Nothing was sent to TikTok.' });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(message);
		expect(error.description).toBe('Nothing was sent to TikTok.');
		expect(error.context.itemIndex).toBe(3);
		expect(error.messages).not.toContain(message);
	});

	it('asNodeError keeps a plain error\'s own message and passes node errors through', () => {
		const wrapped = asNodeError(node, new Error('The connection to TikTok\'s upload server dropped (ECONNRESET)'), 1);
		expect(wrapped.message).toBe('The connection to TikTok\'s upload server dropped (ECONNRESET)');
		expect(wrapped.context.itemIndex).toBe(1);
		const api = new NodeApiError(node, { code: 'x' }, { message: 'kept' });
		expect(asNodeError(node, api)).toBe(api);
	});
});
