'use strict';
/*
 * The shop's workflows for the queue-mode load, as a shop would build them: a production webhook
 * ("product added") per kind of product feed, answering with the TikTok result (Respond: last node,
 * all entries).
 *
 *  file  Webhook {name, tag, file} -> Read/Write Files from Disk -> TikTok Publish Video (binary)
 *  url   Webhook {products: [{name, tag, videoUrl, method}]} -> Split Out -> TikTok Publish Video (URL)
 * Both with Skip Already Posted on (default keys).
 */
const { PACKAGE_NAME } = require('../../e2e/lib/n8n');

const PATHS = { file: 'queue-product-added-file', url: 'queue-products-added-url' };

const credentialRef = (cred) => ({ tikTokOAuth2Api: { id: cred.id, name: cred.name } });

function webhookNode(id, path, webhookId) {
	return {
		id,
		name: 'Product added',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId,
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
	};
}

function publishNode(id, cred, parameters) {
	return {
		id,
		name: 'TikTok Publish Video',
		type: `${PACKAGE_NAME}.tikTokPublishVideo`,
		typeVersion: 1,
		position: [520, 0],
		parameters: {
			privacyLevel: 'SELF_ONLY',
			allowComments: false,
			allowDuet: false,
			allowStitch: false,
			commercialContent: false,
			isAiGenerated: false,
			expectedAccount: 'Sandbox Shop',
			waitForResult: true,
			// each product once, whatever the shop sends again (default key: the file's bytes, or the URL)
			options: { skipAlreadyPosted: true },
			...parameters,
		},
		credentials: credentialRef(cred),
	};
}

const chain = (...names) =>
	Object.fromEntries(names.slice(0, -1).map((n, i) => [n, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

/** One 30 MB file per call, read from disk into n8n's binary data (database mode in queue mode). */
function fileWorkflow(cred) {
	return {
		name: 'Queue test: publish the product video file',
		nodes: [
			webhookNode('qwf-file-0001', PATHS.file, '3b0e6f0a-51c4-4c7e-9a55-0f1a2b3c4d01'),
			{
				id: 'qwf-file-0002',
				name: 'Read video file',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1,
				position: [260, 0],
				parameters: { operation: 'read', fileSelector: '={{ $json.body.file }}', options: { dataPropertyName: 'data' } },
			},
			publishNode('qwf-file-0003', cred, {
				source: 'binary',
				binaryPropertyName: 'data',
				caption: "={{ 'New in the shop: ' + $('Product added').item.json.body.name + ' #' + $('Product added').item.json.body.tag }}",
			}),
		],
		connections: chain('Product added', 'Read video file', 'TikTok Publish Video'),
		settings: { executionOrder: 'v1' },
	};
}

/** Several products per call, each a video URL: TikTok pulls it, or the node downloads and uploads it. */
function urlWorkflow(cred) {
	return {
		name: 'Queue test: publish the products from their video URLs',
		nodes: [
			webhookNode('qwf-url-0001', PATHS.url, '3b0e6f0a-51c4-4c7e-9a55-0f1a2b3c4d02'),
			{
				id: 'qwf-url-0002',
				name: 'One item per product',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [260, 0],
				parameters: { fieldToSplitOut: 'body.products', include: 'noOtherFields', options: {} },
			},
			publishNode('qwf-url-0003', cred, {
				source: 'url',
				videoUrl: '={{ $json.videoUrl }}',
				uploadMethod: '={{ $json.method }}',
				caption: "={{ 'New in the shop: ' + $json.name + ' #' + $json.tag }}",
			}),
		],
		connections: chain('Product added', 'One item per product', 'TikTok Publish Video'),
		settings: { executionOrder: 'v1' },
	};
}

module.exports = { PATHS, fileWorkflow, urlWorkflow };
