/**
 * Runs the credential's `test` the way n8n 2.41.1's CredentialsTester.runRequestTest does
 * (packages/cli/src/services/credentials-tester.service.ts): a temporary node type whose only
 * property routes `test.request`, run by n8n-core's real RoutingNode in a real ExecuteContext, with the
 * harness's credential store behind it (so signing, preAuthentication and refresh are n8n-core's own).
 * The verdict logic below is n8n's, step for step: error with a response -> `responseCode` rules, else
 * "not 2xx" -> statusText; error with a code -> the code; other errors -> their message; success ->
 * `responseSuccessBody` rules, else "Connection successful!".
 */
import type {
	ICredentialDataDecryptedObject,
	IExecuteData,
	INode,
	INodeCredentialTestResult,
	INodeType,
	INodeTypes,
	IRunExecutionData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import { ExecuteContext } from 'n8n-core/dist/execution-engine/node-execution-context/execute-context';
import { RoutingNode } from 'n8n-core/dist/execution-engine/routing-node';

import { TikTokOAuth2Api } from '../../credentials/TikTokOAuth2Api.credentials';
import { TEST_CREDENTIAL_REF, TEST_CREDENTIAL_TYPE, type Harness } from './context';

interface RuleLike {
	type: string;
	properties: { value?: unknown; key?: string; message: string };
}

function get(source: unknown, path: string): unknown {
	let current: unknown = source;
	for (const part of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

/** The credential test result n8n would return for the harness's stored credential. */
export async function runCredentialTest(harness: Harness): Promise<INodeCredentialTestResult> {
	const testRequest = new TikTokOAuth2Api().test!;
	const rules = (testRequest.rules ?? []) as unknown as RuleLike[];
	const data: ICredentialDataDecryptedObject = harness.resolvedCredentials();

	const nodeType: INodeType = {
		description: {
			displayName: 'Temp',
			name: 'n8n-nodes-base.noOp',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Temp' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: TEST_CREDENTIAL_TYPE, required: true }],
			properties: [
				{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: testRequest.request }, default: '' },
			],
		},
	} as unknown as INodeType;
	const nodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [TEST_CREDENTIAL_TYPE]: TEST_CREDENTIAL_REF },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const runExecutionData = { resultData: { runData: {} } } as unknown as IRunExecutionData;
	const inputData = { main: [[{ json: {} }]] };
	const executeData: IExecuteData = { node, data: {}, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		harness.additionalData,
		'internal',
		runExecutionData,
		0,
		[],
		inputData,
		executeData,
		[],
	);
	const routingNode = new RoutingNode(context, nodeType, {
		id: TEST_CREDENTIAL_REF.id,
		name: TEST_CREDENTIAL_REF.name,
		type: TEST_CREDENTIAL_TYPE,
		data,
	});

	let response;
	try {
		response = await routingNode.runNode();
	} catch (thrown) {
		const error = thrown as { message: string; cause?: { response?: { status: number; statusText?: string }; code?: string } };
		if (error.cause?.response) {
			const { status, statusText } = error.cause.response;
			for (const rule of rules) {
				if (rule.type === 'responseCode' && rule.properties.value === status) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (status < 199 || status > 299) {
				return { status: 'Error', message: statusText || `Received HTTP status code: ${status}` };
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: error.message.toString() };
	}
	for (const rule of rules) {
		if (rule.type === 'responseSuccessBody' && get(response?.[0]?.[0]?.json, rule.properties.key!) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
