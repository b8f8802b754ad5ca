/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * createTestContext(): an IExecuteFunctions (also usable as ILoadOptionsFunctions) for ONE node
 * execution, wired to n8n-core's real request path. See test/helpers/index.ts for the guide.
 */
import 'reflect-metadata';

import { OutboundHttp } from '@n8n/backend-network';
import { Container } from '@n8n/di';
import { assertBinaryData as coreAssertBinaryData } from 'n8n-core/dist/execution-engine/node-execution-context/utils/binary-helper-functions';
import { constructExecutionMetaData } from 'n8n-core/dist/execution-engine/node-execution-context/utils/construct-execution-metadata';
import { copyInputItems } from 'n8n-core/dist/execution-engine/node-execution-context/utils/copy-input-items';
import { normalizeItems } from 'n8n-core/dist/execution-engine/node-execution-context/utils/normalize-items';
import { getRequestHelperFunctions } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/factory';
import { returnJsonArray } from 'n8n-core/dist/execution-engine/node-execution-context/utils/return-json-array';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	INodeExecutionData,
	IWorkflowExecuteAdditionalData,
	Logger,
	Workflow,
} from 'n8n-workflow';
import { ApplicationError, NodeOperationError } from 'n8n-workflow';

import {
	binaryStats,
	binaryToBuffer,
	bufferOfBinary,
	getBinaryMetadata,
	getBinaryStream,
	prepareBinaryData,
} from './binary';
import { TikTokOAuth2Api } from '../../credentials/TikTokOAuth2Api.credentials';
import { resolveTikTokCredentialData, type TestCredentials } from './credentials';
import { deduplicationHelpers, type ProcessedDataStore } from './deduplication';

export const TEST_CREDENTIAL_TYPE = 'tikTokOAuth2Api';
export const TEST_CREDENTIAL_REF = { id: 'cred-1', name: 'TikTok' };

export interface TestContextOptions {
	/** node parameters, or a function of the item index (per-item values) */
	parameters?: Record<string, unknown> | ((itemIndex: number) => Record<string, unknown>);
	/** input items (default: one empty item) */
	items?: INodeExecutionData[];
	/** the credential store: what the user saved, incl. oauthTokenData; updated on refresh */
	credentials?: TestCredentials;
	continueOnFail?: boolean;
	nodeName?: string;
	nodeType?: string;
	typeVersion?: number;
	/** cancel signal; default: the harness's own AbortController (ctx.harness.abort()) */
	abortSignal?: AbortSignal;
	mode?: 'manual' | 'trigger' | 'webhook' | 'internal';
	/** override the node's credential reference (pacing key) */
	credentialRef?: { id: string; name: string } | null;
	/** n8n's deduplication store: with it, `helpers.checkProcessedAndRecord` & co. (n8n-core's own) work over it */
	processedData?: ProcessedDataStore;
	/** the workflow's id (default 'wf-1'): contexts with the same id and store are executions of one workflow */
	workflowId?: string;
	/** the node's id (default 'node-1'): its 'node'-scope deduplication row */
	nodeId?: string;
	/**
	 * false: n8n-core's runPreAuthentication finds no hook on the credential, as n8n 1.x, which never
	 * runs one for OAuth2 credentials (the rest of the request path stays n8n-core 2.41's)
	 */
	credentialHook?: boolean;
}

export interface LogLine {
	level: 'debug' | 'info' | 'warn' | 'error';
	message: string;
	meta?: unknown;
}

export interface Harness {
	/** the live credential store (oauthTokenData replaced when n8n-core refreshes) */
	credentialStore: TestCredentials;
	/** how many times n8n-core saved refreshed token data */
	tokenSaves: number;
	/** every access/refresh token ever seen in the store, plus the client secret */
	secrets: Set<string>;
	logs: LogLine[];
	abortController: AbortController;
	abort(reason?: unknown): void;
	/** what getCredentials() returns now (hidden expressions resolved) */
	resolvedCredentials(): ICredentialDataDecryptedObject;
	/** add secrets (e.g. tokens minted by the sandbox) to secretsOf(ctx) */
	addSecrets(...values: Array<string | undefined>): void;
	binaryStats: typeof binaryStats;
	node: INode;
	/** n8n's additionalData as this harness builds it (its credentialsHelper reads/writes the store) */
	additionalData: IWorkflowExecuteAdditionalData;
}

export type TestContext = IExecuteFunctions & ILoadOptionsFunctions & { harness: Harness };

function getPath(source: unknown, path: string): unknown {
	if (source === null || source === undefined) return undefined;
	const record = source as Record<string, unknown>;
	if (Object.prototype.hasOwnProperty.call(record, path)) return record[path];
	let current: unknown = source;
	for (const part of path.replace(/\[(\w+)\]/g, '.$1').split('.')) {
		if (current === null || current === undefined || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

function clone<T>(value: T): T {
	return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function collectTokenSecrets(harness: Harness): void {
	const s = harness.credentialStore;
	harness.addSecrets(s.clientSecret, s.oauthTokenData?.access_token, s.oauthTokenData?.refresh_token);
}

function outbound() {
	return Container.get(OutboundHttp).requests();
}

/** n8n-core's real outbound request (what helpers.httpRequest is in n8n). */
export async function realHttpRequest(options: IHttpRequestOptions): Promise<unknown> {
	return await outbound().request(options as never);
}

export function createTestContext(options: TestContextOptions = {}): TestContext {
	const items: INodeExecutionData[] = options.items ?? [{ json: {} }];
	const abortController = new AbortController();
	const signal = options.abortSignal ?? abortController.signal;
	const logs: LogLine[] = [];
	const credentialRef = options.credentialRef === undefined ? TEST_CREDENTIAL_REF : options.credentialRef;

	const workflowId = options.workflowId ?? 'wf-1';
	const node: INode = {
		id: options.nodeId ?? 'node-1',
		name: options.nodeName ?? 'TikTok',
		type: options.nodeType ?? 'n8n-nodes-tiktok-content-posting.tikTokPublishVideo',
		typeVersion: options.typeVersion ?? 1,
		position: [0, 0],
		parameters: {},
		...(credentialRef ? { credentials: { [TEST_CREDENTIAL_TYPE]: credentialRef } } : {}),
	};

	const harness: Harness = {
		credentialStore: options.credentials ?? ({} as TestCredentials),
		tokenSaves: 0,
		secrets: new Set<string>(),
		logs,
		abortController,
		abort: (reason?: unknown) => abortController.abort(reason),
		resolvedCredentials: () => resolveTikTokCredentialData(harness.credentialStore),
		addSecrets: (...values) => {
			for (const v of values) if (typeof v === 'string' && v.length >= 4) harness.secrets.add(v);
		},
		binaryStats,
		node,
		additionalData: undefined as unknown as IWorkflowExecuteAdditionalData,
	};
	collectTokenSecrets(harness);

	const logAt =
		(level: LogLine['level']) =>
		(message: string, meta?: unknown): void => {
			let safeMeta: unknown;
			if (meta !== undefined) {
				try {
					safeMeta = JSON.parse(JSON.stringify(meta));
				} catch {
					safeMeta = String(meta);
				}
			}
			logs.push({ level, message, meta: safeMeta });
		};
	const logger = {
		debug: logAt('debug'),
		info: logAt('info'),
		warn: logAt('warn'),
		error: logAt('error'),
	} as unknown as Logger;
	(logger as unknown as { scoped: () => Logger }).scoped = () => logger;

	const getCredentials = async (type: string): Promise<ICredentialDataDecryptedObject> => {
		if (type !== TEST_CREDENTIAL_TYPE || !options.credentials || !credentialRef) {
			throw new NodeOperationError(node, `Node "${node.name}" does not have any credentials of type "${type}" set`, {
				level: 'warning',
			});
		}
		return harness.resolvedCredentials();
	};

	const credentialsHelper = {
		getParentTypes: (type: string) => (type === TEST_CREDENTIAL_TYPE ? ['oAuth2Api'] : []),
		// like n8n's CredentialsHelper.runPreAuthentication: the credential type's own hook, if it has one
		runPreAuthentication: async (helpers: unknown, credentials: ICredentialDataDecryptedObject) =>
			options.credentialHook === false
				? undefined
				: ((await new TikTokOAuth2Api().preAuthentication?.call(helpers as never, credentials)) ?? undefined),
		getDecrypted: async () => harness.resolvedCredentials(),
		// n8n's answer for a credential type without restrictToSupportedNodes
		isCredentialUsableByNode: () => true,
		updateCredentialsOauthTokenData: async (
			_nodeCredentials: unknown,
			_type: string,
			data: ICredentialDataDecryptedObject,
		) => {
			harness.credentialStore.oauthTokenData = clone(data.oauthTokenData as TestCredentials['oauthTokenData']);
			harness.tokenSaves++;
			collectTokenSecrets(harness);
		},
		updateCredentials: async () => undefined,
	};
	const additionalData = {
		credentialsHelper,
		executionId: 'exec-1',
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		webhookBaseUrl: 'http://localhost:5678/webhook/',
		currentNodeParameters: undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
	harness.additionalData = additionalData;
	const workflowStub = {
		id: workflowId,
		name: 'Test workflow',
		active: false,
		settings: { binaryMode: 'separate' },
		expression: {},
	} as unknown as Workflow;

	const requestHelpers = getRequestHelperFunctions(workflowStub, node, additionalData);

	const parametersFor = (itemIndex: number): Record<string, unknown> => {
		const p = options.parameters;
		if (typeof p === 'function') return p(itemIndex) ?? {};
		return p ?? {};
	};

	function getNodeParameter(name: string, itemIndex = 0, ...rest: unknown[]): unknown {
		const hasFallback = rest.length > 0 && rest[0] !== undefined;
		const fallback = rest[0];
		const paramOptions = rest[1] as { extractValue?: boolean } | undefined;
		let value = getPath(parametersFor(itemIndex), name);
		if (value === undefined) {
			if (hasFallback) return fallback;
			throw new ApplicationError('Could not get parameter', { extra: { parameterName: name } });
		}
		if (
			paramOptions?.extractValue &&
			typeof value === 'object' &&
			value !== null &&
			(value as IDataObject).__rl === true
		) {
			value = (value as IDataObject).value;
		}
		return clone(value);
	}

	const inputData = { main: [items] };

	const ctx = {
		harness,
		logger,
		getNode: () => node,
		getNodeParameter,
		getCurrentNodeParameter: (name: string) => getPath(parametersFor(0), name),
		getCurrentNodeParameters: () => clone(parametersFor(0)) as IDataObject,
		getInputData: (inputIndex = 0) => (inputIndex === 0 ? items : []),
		getCredentials,
		continueOnFail: () => options.continueOnFail === true,
		getMode: () => options.mode ?? 'manual',
		getExecutionCancelSignal: () => signal,
		onExecutionCancellation: (handler: () => unknown) => signal.addEventListener('abort', () => handler(), { once: true }),
		getExecutionId: () => 'exec-1',
		getWorkflow: () => ({ id: workflowId, name: 'Test workflow', active: false }),
		getTimezone: () => 'UTC',
		getRestApiUrl: () => 'http://localhost:5678/rest',
		getInstanceBaseUrl: () => 'http://localhost:5678/',
		getInstanceId: () => 'test-instance',
		getWorkflowStaticData: () => ({}),
		getWorkflowSettings: () => ({}),
		getContext: () => ({}),
		getNodeInputs: () => [{ type: 'main' }],
		getNodeOutputs: () => [{ type: 'main' }],
		getExecuteData: () => ({ node, data: inputData, source: null }),
		getRunIndex: () => 0,
		sendMessageToUI: () => undefined,
		addExecutionHints: () => undefined,
		isToolExecution: () => false,
		evaluateExpression: (expression: string) => expression,
		helpers: {
			...requestHelpers,
			httpRequest: async (requestOptions: IHttpRequestOptions) => await realHttpRequest(requestOptions),
			returnJsonArray,
			normalizeItems,
			copyInputItems,
			constructExecutionMetaData,
			createDeferredPromise: () => {
				let resolve!: (v: unknown) => void;
				let reject!: (e: unknown) => void;
				const promise = new Promise((res, rej) => {
					resolve = res;
					reject = rej;
				});
				return { promise, resolve, reject };
			},
			assertBinaryData: (itemIndex: number, propertyName: string) =>
				coreAssertBinaryData(inputData as never, node, itemIndex, propertyName, 0),
			getBinaryDataBuffer: async (itemIndex: number, propertyName: string) => {
				const binary = coreAssertBinaryData(inputData as never, node, itemIndex, propertyName, 0);
				return await bufferOfBinary(binary);
			},
			getBinaryMetadata,
			getBinaryStream,
			prepareBinaryData,
			binaryToBuffer,
			binaryToString: async (body: Buffer, encoding?: BufferEncoding) =>
				(await binaryToBuffer(body)).toString(encoding ?? 'utf8'),
			detectBinaryEncoding: () => 'UTF-8',
			...(options.processedData ? deduplicationHelpers(options.processedData, workflowId, node) : {}),
		},
		nodeHelpers: {},
	};
	return ctx as unknown as TestContext;
}

/** Secrets of a context: client secret and every access/refresh token its store ever held. */
export function secretsOf(ctx: { harness: Harness }): string[] {
	collectTokenSecrets(ctx.harness);
	return [...ctx.harness.secrets];
}

/**
 * Runs `fn` (e.g. a node's execute) and returns either its result or the thrown error, never throwing.
 */
export async function settle<T>(fn: () => Promise<T>): Promise<{ result?: T; error?: unknown }> {
	try {
		return { result: await fn() };
	} catch (error) {
		return { error };
	}
}
