/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * "Connect my account" as n8n 2.41.1 does it, for tests that cannot start n8n (test/e2e part b/e runs
 * the real thing): n8n's OAuth2 controller is not a dependency of this package, so its steps are
 * followed here with the same library and options (packages/cli: oauth.service
 * `generateAOauth2AuthUri`, oauth2-credential.controller `convertCredentialToOptions` and
 * `handleCallback`):
 * - options from the credential data resolved like n8n (hidden fields forced, `$self` expressions);
 * - scopes split on `,` and joined with `,` when the scope string holds a comma; `authQueryParameters`
 *   parsed into the authorize query; `additionalBodyProperties` + `client_id`/`client_secret` in the
 *   code-exchange body (authentication `body`);
 * - what n8n then STORES: `{...old oauthTokenData, ...token response}` (+ `n8n_expires_at` when the
 *   response has `expires_in`). A TikTok error answered with HTTP 200 is stored like a token: that is
 *   the "Account connected" with no access token of docs/tiktok-api.md G2.
 */
import { ClientOAuth2 } from '@n8n/client-oauth2';
import type { IDataObject } from 'n8n-workflow';
import * as qs from 'querystring';

import { resolveTikTokCredentialData, type TestCredentials } from './credentials';

export const N8N_REDIRECT_URI = 'http://localhost:5678/rest/oauth2-credential/callback';

export interface ConnectResult {
	/** the authorize URL n8n sends the browser to */
	authorizeUrl: string;
	/** HTTP status of the authorize endpoint (302 = consent given, redirected to n8n) */
	authorizeStatus: number;
	/** what n8n stores as oauthTokenData after its callback (undefined when the callback never came) */
	oauthTokenData?: IDataObject;
}

export async function connectLikeN8n(stored: TestCredentials): Promise<ConnectResult> {
	const data = resolveTikTokCredentialData(stored);
	const scope = String(data.scope ?? 'openid');
	// n8n deletes clientSecret from the client options in body mode (no Basic header) and puts it in the body
	const client = new ClientOAuth2({
		clientId: data.clientId as string,
		accessTokenUri: data.accessTokenUrl as string,
		authorizationUri: data.authUrl as string,
		authentication: (data.authentication as 'body' | 'header') ?? 'header',
		redirectUri: N8N_REDIRECT_URI,
		scopes: scope.split(','),
		scopesSeparator: scope.includes(',') ? ',' : ' ',
		query: qs.parse(String(data.authQueryParameters ?? '')) as Record<string, string>,
		state: 'n8n-state',
	} as ConstructorParameters<typeof ClientOAuth2>[0]);
	const authorizeUrl = client.code.getUri();

	const answer = await fetch(authorizeUrl, { redirect: 'manual' });
	const location = answer.headers.get('location');
	if (answer.status !== 302 || !location) {
		return { authorizeUrl, authorizeStatus: answer.status };
	}
	const callback = new URL(location);
	const body: IDataObject = {
		...(JSON.parse(String(data.additionalBodyProperties ?? '{}')) as IDataObject),
		client_id: data.clientId,
		client_secret: data.clientSecret,
	};
	const token = await client.code.getToken(`${N8N_REDIRECT_URI}?${callback.searchParams.toString()}`, {
		body,
	} as never);
	const oauthTokenData: IDataObject = { ...(stored.oauthTokenData ?? {}), ...(token.data as IDataObject) };
	const expiresIn = Number(token.data.expires_in);
	if (Number.isFinite(expiresIn) && expiresIn > 0) oauthTokenData.n8n_expires_at = String(Date.now() + expiresIn * 1000);
	return { authorizeUrl, authorizeStatus: answer.status, oauthTokenData };
}
