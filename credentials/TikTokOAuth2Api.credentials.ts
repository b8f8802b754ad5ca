import type {
	IAuthenticateRuleResponseCode,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import {
	asObject,
	completedTokenData,
	connectRefusedError,
	isAfterRefresh,
	markedBeforeRequest,
	refreshInFormBody,
	refreshRefusedError,
	refusalOf,
	TIKTOK_TOKEN_URL,
	unmarked,
} from './tikTokTokens';

/*
 * TikTok names its OAuth2 client id `client_key`. n8n's OAuth2 machinery only knows `client_id`, so
 * the key is stored as `clientId` and also sent as `client_key` through three hidden fields that n8n
 * resolves with `$self` (the credential's own data):
 * - `authQueryParameters`: `client_key=<key>` on the browser authorize URL;
 * - `additionalBodyProperties`: `{"client_key": "<key>"}` merged into the code-exchange body;
 * - `accessTokenUrl`: the token URL with `?client_key=<key>`, used verbatim for the code exchange
 *   and for n8n's own refresh (no credential field reaches n8n's refresh body). TikTok documents
 *   client_key in the form body; when it refuses n8n's refresh, `preAuthentication` refreshes again
 *   that way (n8n 2.x, tikTokTokens.ts). n8n 1.x runs no credential hook there: the query is all it has.
 * The values are the same as `buildTikTokOAuthUrls()` in nodes/TikTok/core/tiktok/constants.ts (tested).
 * Values below are literal copies of those constants: credentials must not import node code.
 *
 * TikTok answers token errors with HTTP 200 and n8n 2.41 takes such a body for a token: after a refused
 * connect the stored token data is `{error, error_description, log_id}` with no access_token, and n8n's
 * editor still says "Account connected". `preAuthentication` (run by n8n-core 2.x before every request
 * signed with this credential, nodes and credential test alike) turns that into an explained error.
 */

const TIKTOK_AUTHORIZE_URL = 'https://www.tiktok.com/v2/auth/authorize/';

const TIKTOK_API_BASE_URL = 'https://open.tiktokapis.com/v2';
const SCOPES_DRAFTS = 'user.info.basic,video.upload';

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
		// n8n shows a credential's fields in its parent's order (oAuth2Api: Client ID, Client Secret first)
		// and appends the fields the parent does not have, so a notice of our own would land far below the
		// fields it is about. oAuth2Api keeps a hidden "ordering anchor" right after Client ID for extending
		// credentials, clientCredentialType: the notice takes its name. Its value is not 'certificate', so
		// n8n sends the Client Secret as with the anchor's default. Where n8n has no anchor, the notice is
		// appended and still true.
		{
			displayName: 'Client Key',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'The Client Key of your app in the TikTok developer portal',
		},
		{
			// n8n's editor labels any field named clientId "Client ID" whatever its displayName (i18n key
			// _reusableDynamicText.oauth2.clientId), and n8n's OAuth2 code reads clientId. And n8n 2.x shows
			// "Account connected" once any token data is stored, while TikTok answers a refused code exchange
			// (wrong secret) with HTTP 200, which n8n stores: say where the truth shows.
			displayName:
				'In the field n8n labels "Client ID", enter your TikTok app\'s <b>Client key</b> (TikTok calls its client id client_key). After Connect my account, n8n shows "Account connected" even when TikTok refused the connection (for example a wrong Client Secret): TikTok Publish Video\'s Privacy Level list names your TikTok account, or says why TikTok refused, and so does any run.',
			name: 'clientCredentialType',
			type: 'notice',
			default: '',
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
			displayName: 'Posting Access',
			name: 'postingAccess',
			type: 'options',
			options: [
				{
					name: 'Drafts and Direct Posts',
					value: 'draftsAndDirect',
					description:
						'Scopes user.info.basic, video.upload and video.publish: drafts and direct posts, in every node. Your app needs Direct Post.',
				},
				{
					name: 'Drafts Only',
					value: 'draftsOnly',
					description:
						'Scopes user.info.basic and video.upload: drafts only (TikTok Upload Video, TikTok Post Photos as a draft), for apps without Direct Post',
				},
			],
			default: 'draftsAndDirect',
			description:
				'What TikTok is asked to allow when you connect. Reconnect after changing it.',
		},
		{
			displayName: 'Allow Private Network Addresses',
			name: 'allowPrivateNetworks',
			type: 'boolean',
			default: false,
			description:
				"Whether the nodes may fetch media (a video to download, photo and video headers) from http:// URLs and from localhost or private, loopback or link-local addresses, e.g. a local test server. Off: https only, public hosts only. n8n's own SSRF protection, when its admin turns it on, applies either way.",
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
			// n8n forces hidden fields to their default and resolves it with $self (the credential's data).
			default: `=${SCOPES_DRAFTS}{{$self["postingAccess"] === "draftsOnly" ? "" : ",video.publish"}}`,
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

	/**
	 * A cheap call that needs only user.info.basic. n8n 2.41 runs it for `POST /rest/credentials/test`
	 * and the public API's `POST /api/v1/credentials/{id}/test`; its editor does not test OAuth2
	 * credentials (see README, "Credential").
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{$credentials.environment === "custom" ? String($credentials.apiBaseUrl || "").replace(/\\/+$/, "") : "${TIKTOK_API_BASE_URL}"}}`,
			url: '/user/info/',
			method: 'GET',
			qs: { fields: 'open_id' },
		},
		// n8n checks both kinds of rule by their `type`; its typing only allows one kind per array.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'TikTok refused the access token, also after n8n tried to refresh it (TikTok refuses a refresh with HTTP 200, so n8n cannot tell). Check the Client Key and Client Secret, save, then click "Connect my account" again. A run of a TikTok node shows TikTok\'s reason.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'The API Base URL does not answer like TikTok (HTTP 404). For the Custom environment it must end in /v2.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'data.user.open_id',
					value: undefined,
					message:
						'TikTok answered without the account id: the token does not work for this app. Check the Client Key and Client Secret, then reconnect.',
				},
			},
		] as unknown as IAuthenticateRuleResponseCode[],
	};

	/**
	 * n8n 2.x runs this before every request it signs with this credential, and again right after each
	 * refresh it makes (inside its refresh lease; what it returns then is saved). See tikTokTokens.ts.
	 * - No access token: TikTok refused the connection (its HTTP-200 error body was stored instead of a
	 *   token) or it was never connected: say so with TikTok's reason, instead of n8n's "Unable to sign
	 *   without access token".
	 * - After a refresh TikTok refused (n8n can send client_key only in the token URL's query string):
	 *   refresh once more the way TikTok documents it, client_key in the form body, and return clean token
	 *   data for n8n to save and sign the retry with. After a refresh TikTok accepted: no second call.
	 * n8n 1.x never runs this hook for OAuth2 credentials.
	 */
	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		const data = asObject(credentials.oauthTokenData);
		if (!data) return {};
		if (typeof data.access_token !== 'string' || data.access_token === '') throw connectRefusedError(data);
		if (!isAfterRefresh(data)) return { oauthTokenData: markedBeforeRequest(data) };
		if (!refusalOf(data)) return { oauthTokenData: unmarked(data) };
		const refreshToken = data.refresh_token;
		// (n8n itself stops before refreshing without one; nothing to complete then)
		if (typeof refreshToken !== 'string' || refreshToken === '') return { oauthTokenData: unmarked(data) };
		const answer = await refreshInFormBody(this, credentials, refreshToken);
		const lastRefusal = refusalOf(answer);
		if (lastRefusal || typeof answer.access_token !== 'string' || answer.access_token === '') {
			throw refreshRefusedError(lastRefusal ?? { error: 'invalid_response', error_description: 'The answer held no access token.' });
		}
		return { oauthTokenData: completedTokenData(data, answer) };
	}
}
