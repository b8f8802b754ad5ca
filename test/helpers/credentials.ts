/**
 * Resolves the TikTok credential the way n8n does before handing it to n8n-core: defaults applied,
 * hidden fields forced to their defaults, then `={{…}}` expressions evaluated by n8n-workflow's
 * expression engine with `$self` = the credential's own data (n8n CredentialsHelper
 * `applyDefaultsAndOverwrites`). So tests exercise the credential's REAL hidden expressions.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeParameters, INodeTypes } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { TikTokOAuth2Api } from '../../credentials/TikTokOAuth2Api.credentials';

/** What a test stores in the harness's credential store (like the encrypted credential in n8n). */
export interface TestCredentials {
	clientId: string;
	clientSecret: string;
	environment?: 'tiktok' | 'custom';
	apiBaseUrl?: string;
	customAuthUrl?: string;
	customTokenUrl?: string;
	/** the credential's Allow Private Network Addresses switch */
	allowPrivateNetworks?: boolean;
	oauthTokenData?: IDataObject & { access_token?: string; refresh_token?: string };
	[key: string]: unknown;
}

const stubNodeTypes = {
	getByName: () => ({ description: { properties: [] } }),
	getByNameAndVersion: () => ({ description: { properties: [] } }),
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;

const mockNode: INode = {
	id: 'credential-resolver',
	name: 'Temp-Node',
	type: 'n8n-nodes-base.noOp',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

let resolverWorkflow: Workflow | undefined;
function workflow(): Workflow {
	resolverWorkflow ??= new Workflow({
		nodes: [mockNode],
		connections: {},
		active: false,
		nodeTypes: stubNodeTypes,
	});
	return resolverWorkflow;
}

/** Evaluates one `={{…}}` expression string with `$self` = data (plain values are returned as is). */
export function evaluateCredentialExpression(expression: unknown, self: IDataObject): unknown {
	if (typeof expression !== 'string' || !expression.startsWith('=')) return expression;
	return workflow().expression.getComplexParameterValue(
		mockNode,
		expression,
		'internal',
		{},
		undefined,
		undefined,
		self,
	);
}

/**
 * The decrypted credential data n8n would pass to n8n-core for `stored`:
 * visible fields = stored value or default; hidden fields = default; expressions resolved with $self.
 */
export function resolveTikTokCredentialData(stored: TestCredentials): ICredentialDataDecryptedObject {
	const type = new TikTokOAuth2Api();
	const data: IDataObject = {};
	for (const property of type.properties) {
		if (property.type === 'hidden') {
			data[property.name] = property.default as IDataObject[string];
		} else if (stored[property.name] !== undefined) {
			data[property.name] = stored[property.name] as IDataObject[string];
		} else {
			data[property.name] = property.default as IDataObject[string];
		}
	}
	const resolved = workflow().expression.getComplexParameterValue(
		mockNode,
		data as INodeParameters,
		'internal',
		{},
		undefined,
		undefined,
		data,
	) as IDataObject;
	if (stored.oauthTokenData !== undefined) {
		resolved.oauthTokenData = JSON.parse(JSON.stringify(stored.oauthTokenData)) as IDataObject;
	}
	return resolved as ICredentialDataDecryptedObject;
}
