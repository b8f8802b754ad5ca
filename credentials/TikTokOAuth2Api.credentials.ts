import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/*
 * TikTok names its OAuth2 client id `client_key`. n8n's OAuth2 machinery only knows `client_id`, so
 * the key is stored as `clientId` and also sent as `client_key` through three hidden fields that n8n
 * resolves with `$self` (the credential's own data):
 * - `authQueryParameters`: `client_key=<key>` on the browser authorize URL;
 * - `additionalBodyProperties`: `{"client_key": "<key>"}` merged into the code-exchange body;
 * - `accessTokenUrl`: the token URL with `?client_key=<key>`, used verbatim for the code exchange
 *   and for every refresh (the refresh body cannot be extended by a credential).
 * The values are the same as `buildTikTokOAuthUrls()` in nodes/TikTok/core/constants.ts (tested).
 * Values below are literal copies of those constants: credentials must not import node code.
 */

const TIKTOK_AUTHORIZE_URL = 'https://www.tiktok.com/v2/auth/authorize/';
const TIKTOK_TOKEN_URL = 'https://open.tiktokapis.com/v2/oauth/token/';

const IS_CUSTOM = '$self["environment"] === "custom"';
const TOKEN_BASE = `(${IS_CUSTOM} ? String($self["customTokenUrl"] || "") : "${TIKTOK_TOKEN_URL}")`;
const ENCODED_KEY = 'encodeURIComponent(String($self["clientId"] || ""))';

export class TikTokOAuth2Api implements ICredentialType {
	name = 'tikTokOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'TikTok OAuth2 API';

	icon: Icon = { light: 'file:tiktok.svg', dark: 'file:tiktok.dark.svg' };

	documentationUrl = 'https://github.com/tiktok-n8n/n8n-nodes-tiktok-content-posting#credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{
					name: 'TikTok',
					value: 'tiktok',
					description: 'TikTok itself (open.tiktokapis.com)',
				},
				{
					name: 'Custom',
					value: 'custom',
					description: 'Your own URLs, for a test sandbox or a proxy in front of TikTok',
				},
			],
			default: 'tiktok',
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8080/v2',
			description: 'Base URL of the Content Posting API, ending in /v2',
			displayOptions: { show: { environment: ['custom'] } },
			required: true,
		},
		{
			displayName: 'Authorization URL',
			name: 'customAuthUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8080/v2/auth/authorize/',
			description: 'Browser authorization URL of the sandbox or proxy',
			displayOptions: { show: { environment: ['custom'] } },
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'customTokenUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8080/v2/oauth/token/',
			description:
				'Token URL of the sandbox or proxy (used for the code exchange and for refreshing). client_key is added to its query string.',
			displayOptions: { show: { environment: ['custom'] } },
			required: true,
		},
		{
			displayName: 'Client Key',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'The Client Key of your app in the TikTok developer portal',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The Client Secret of your app in the TikTok developer portal',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `={{${IS_CUSTOM} ? String($self["customAuthUrl"] || "") : "${TIKTOK_AUTHORIZE_URL}"}}`,
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{${TOKEN_BASE} + (${TOKEN_BASE}.includes("?") ? "&" : "?") + "client_key=" + ${ENCODED_KEY}}}`,
			required: true,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: 'user.info.basic,video.upload,video.publish',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: `={{"client_key=" + ${ENCODED_KEY}}}`,
		},
		{
			displayName: 'Additional Body Properties',
			name: 'additionalBodyProperties',
			type: 'hidden',
			default: '={{JSON.stringify({ "client_key": String($self["clientId"] || "") })}}',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];
}
