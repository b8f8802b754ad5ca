/**
 * createWebhookContext(): an IWebhookFunctions for ONE webhook request to a trigger node, shaped
 * after n8n-core 2.41's WebhookContext and n8n's webhook pipeline (packages/cli webhook-helpers):
 *
 * - `getRequestObject()` is the request as n8n hands it over: `headers` (lower-case names),
 *   `rawBody` (the bytes as received; n8n's body parser keeps them for typeVersion 1 webhook
 *   nodes), `body` parsed from them with n8n-workflow's `jsonParse` for JSON content types;
 * - `getResponseObject()` records `status()/json()/send()/end()` into `harness.response`;
 * - `getCredentials()` resolves the TikTok credential like n8n (hidden expressions evaluated);
 * - `getWorkflowStaticData('node')` returns `staticData['node:<name>']` of the object passed in,
 *   so a test can load and save it per request the way n8n does for production webhooks;
 * - `logger` lines go to `harness.logs`.
 * `n8nAnswer()` turns a webhook() result into what n8n would answer (same rules as n8n 2.41).
 */
import type { IDataObject, INode, IWebhookFunctions, IWebhookResponseData, Logger } from 'n8n-workflow';
import { jsonParse, NodeOperationError } from 'n8n-workflow';

import { resolveTikTokCredentialData, type TestCredentials } from './credentials';
import { TEST_CREDENTIAL_REF, TEST_CREDENTIAL_TYPE, type LogLine } from './context';

export interface WebhookRequestInput {
	headers: Record<string, string | string[] | undefined>;
	/** the bytes as received (undefined: simulate an n8n that kept none) */
	rawBody?: Buffer;
	method?: string;
}

export interface WebhookContextOptions {
	request: WebhookRequestInput;
	parameters?: Record<string, unknown>;
	credentials?: TestCredentials;
	/** the workflow's static data (all nodes), as n8n loaded it for this request */
	staticData?: IDataObject;
	mode?: 'webhook' | 'manual';
	nodeName?: string;
	nodeId?: string;
	workflowId?: string;
}

export interface RecordedResponse {
	statusCode: number | null;
	body: unknown;
	ended: boolean;
}

export interface WebhookHarness {
	response: RecordedResponse;
	logs: LogLine[];
	staticData: IDataObject;
	node: INode;
}

export type WebhookTestContext = IWebhookFunctions & { harness: WebhookHarness };

function parsedBody(contentType: string, raw: Buffer | undefined): unknown {
	if (!raw || raw.length === 0) return {};
	const type = contentType.split(';')[0].trim().toLowerCase();
	if (type === 'application/json') return jsonParse(raw.toString('utf8'));
	if (type === 'text/plain') return raw.toString('utf8');
	return {};
}

export function createWebhookContext(options: WebhookContextOptions): WebhookTestContext {
	const logs: LogLine[] = [];
	const staticData = options.staticData ?? {};
	const node: INode = {
		id: options.nodeId ?? 'trigger-node-1',
		name: options.nodeName ?? 'TikTok Trigger',
		type: 'n8n-nodes-tiktok-content-posting.tikTokTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		webhookId: 'b4c1a7e2-0000-4000-8000-000000000001',
		credentials: { [TEST_CREDENTIAL_TYPE]: TEST_CREDENTIAL_REF },
	};
	const harness: WebhookHarness = { response: { statusCode: null, body: undefined, ended: false }, logs, staticData, node };

	const headers: Record<string, string | string[] | undefined> = {};
	for (const [k, v] of Object.entries(options.request.headers)) headers[k.toLowerCase()] = v;
	const contentType = String(headers['content-type'] ?? '');
	const request = {
		method: options.request.method ?? 'POST',
		headers,
		rawBody: options.request.rawBody,
		body: parsedBody(contentType, options.request.rawBody),
		contentType: contentType.split(';')[0].trim().toLowerCase() || undefined,
		readableEnded: true,
		header: (name: string) => headers[name.toLowerCase()],
	};

	const response = {
		status(code: number) {
			harness.response.statusCode = code;
			return response;
		},
		json(body: unknown) {
			harness.response.body = body;
			harness.response.ended = true;
			return response;
		},
		send(body: unknown) {
			harness.response.body = body;
			harness.response.ended = true;
			return response;
		},
		end() {
			harness.response.ended = true;
			return response;
		},
	};

	const logAt =
		(level: LogLine['level']) =>
		(message: string, meta?: unknown): void => {
			logs.push({ level, message, meta: meta === undefined ? undefined : JSON.parse(JSON.stringify(meta)) });
		};
	const logger = { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') } as unknown as Logger;

	const parameters = options.parameters ?? {};
	const ctx = {
		harness,
		logger,
		getNode: () => node,
		getMode: () => options.mode ?? 'webhook',
		getWorkflow: () => ({ id: options.workflowId ?? 'wf-1', name: 'Test workflow', active: true }),
		getNodeParameter: (name: string, fallback?: unknown) => {
			const value = parameters[name];
			if (value !== undefined) return JSON.parse(JSON.stringify(value));
			if (fallback !== undefined) return fallback;
			throw new NodeOperationError(node, `Could not get parameter "${name}"`);
		},
		getCredentials: async (type: string) => {
			if (type !== TEST_CREDENTIAL_TYPE || !options.credentials) {
				throw new NodeOperationError(node, `Node "${node.name}" does not have any credentials of type "${type}" set`);
			}
			return resolveTikTokCredentialData(options.credentials);
		},
		getWorkflowStaticData: (type: string) => {
			const key = type === 'global' ? 'global' : `node:${node.name}`;
			if (typeof staticData[key] !== 'object' || staticData[key] === null) staticData[key] = {};
			return staticData[key] as IDataObject;
		},
		getRequestObject: () => request,
		getResponseObject: () => response,
		getHeaderData: () => headers,
		getBodyData: () => request.body as IDataObject,
		getQueryData: () => ({}),
		getParamsData: () => ({}),
		getWebhookName: () => 'default',
		getNodeWebhookUrl: () => `http://localhost:5678/webhook/${node.webhookId}/webhook`,
		getTimezone: () => 'UTC',
		helpers: {},
		nodeHelpers: {},
	};
	return ctx as unknown as WebhookTestContext;
}

export interface N8nAnswer {
	status: number;
	body: unknown;
	/** the items the workflow run starts with; undefined = no run */
	run?: IDataObject[];
}

/**
 * What n8n 2.41 answers for a webhook() result with responseMode 'onReceived' and the default
 * response code (webhook-helpers: executeWebhook): `noWebhookResponse` -> whatever the node wrote;
 * no `workflowData` -> 200 with `webhookResponse` or {message:'Webhook call received'} and no run;
 * otherwise a run starts and the answer is 200 with the description's `responseData` ('noData':
 * empty body; absent: n8n sends the text "firstEntryJson").
 */
export function n8nAnswer(result: IWebhookResponseData, harness: WebhookHarness, responseData?: string): N8nAnswer {
	if (result.noWebhookResponse) return { status: harness.response.statusCode ?? 200, body: harness.response.body };
	if (result.workflowData === undefined) return { status: 200, body: result.webhookResponse ?? { message: 'Webhook call received' } };
	const body = responseData === 'noData' ? '' : (responseData ?? 'firstEntryJson');
	return { status: 200, body, run: result.workflowData[0].map((item) => item.json) };
}
