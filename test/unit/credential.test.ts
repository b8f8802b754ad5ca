/**
 * The credential: its fields, its hidden expressions (resolved by n8n-workflow like n8n does) and
 * that the resolved URLs really work against the sandbox: authorize with client_key + comma scopes,
 * code exchange with client_key in the body, refresh with client_key in the token URL's query.
 */
import { ClientOAuth2 } from '@n8n/client-oauth2';
import * as qs from 'querystring';

import { TikTokOAuth2Api } from '../../credentials/TikTokOAuth2Api.credentials';
import {
	buildTikTokOAuthUrls,
	TIKTOK_API_BASE_URL,
	TIKTOK_AUTHORIZE_URL,
	TIKTOK_SCOPE_STRING,
	TIKTOK_TOKEN_URL,
} from '../../nodes/TikTok/core/constants';
import { resolveTikTokCredentialData, SANDBOX_CLIENT_KEY, SANDBOX_CLIENT_SECRET } from '../helpers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSandbox } = require('../sandbox');

const cred = new TikTokOAuth2Api();
const prop = (name: string) => cred.properties.find((p) => p.name === name)!;

describe('TikTokOAuth2Api definition', () => {
	it('identity', () => {
		expect(cred.name).toBe('tikTokOAuth2Api');
		expect(cred.displayName).toBe('TikTok OAuth2 API');
		expect(cred.extends).toEqual(['oAuth2Api']);
		expect(cred.icon).toEqual({ light: 'file:tiktok.svg', dark: 'file:tiktok.dark.svg' });
		expect(cred.documentationUrl).toBe('https://github.com/tiktok-n8n/n8n-nodes-tiktok-content-posting#credential');
	});

	it('visible Client Key / Client Secret, hidden OAuth fields', () => {
		expect(prop('clientId')).toMatchObject({ displayName: 'Client Key', type: 'string' });
		expect(prop('clientSecret')).toMatchObject({ type: 'string', typeOptions: { password: true } });
		expect(prop('grantType')).toMatchObject({ type: 'hidden', default: 'authorizationCode' });
		expect(prop('authentication')).toMatchObject({ type: 'hidden', default: 'body' });
		expect(prop('scope')).toMatchObject({ type: 'hidden', default: 'user.info.basic,video.upload,video.publish' });
		expect(prop('scope').default).toBe(TIKTOK_SCOPE_STRING);
		for (const name of ['authUrl', 'accessTokenUrl', 'authQueryParameters', 'additionalBodyProperties']) {
			expect(prop(name).type).toBe('hidden');
		}
		expect(cred.properties.find((p) => p.name === 'usePkce')).toBeUndefined();
	});

	it('environment TikTok (default) / Custom; custom URL fields only for Custom', () => {
		expect(prop('environment').default).toBe('tiktok');
		expect((prop('environment').options as Array<{ value: string }>).map((o) => o.value)).toEqual(['tiktok', 'custom']);
		for (const name of ['apiBaseUrl', 'customAuthUrl', 'customTokenUrl']) {
			expect(prop(name).displayOptions).toEqual({ show: { environment: ['custom'] } });
		}
	});

	it('light and dark icons differ', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const fs = require('fs');
		const light = fs.readFileSync(`${__dirname}/../../credentials/tiktok.svg`, 'utf8');
		const dark = fs.readFileSync(`${__dirname}/../../credentials/tiktok.dark.svg`, 'utf8');
		expect(light).toMatch(/^<svg/);
		expect(light).not.toBe(dark);
	});
});

describe('hidden expressions resolved like n8n ($self)', () => {
	it('TikTok environment', () => {
		const data = resolveTikTokCredentialData({ clientId: 'aw key&1', clientSecret: 's', oauthTokenData: { access_token: 'a' } });
		expect(data.authUrl).toBe(TIKTOK_AUTHORIZE_URL);
		expect(data.accessTokenUrl).toBe(`${TIKTOK_TOKEN_URL}?client_key=aw%20key%261`);
		expect(data.authQueryParameters).toBe('client_key=aw%20key%261');
		expect(JSON.parse(data.additionalBodyProperties as string)).toEqual({ client_key: 'aw key&1' });
		expect(data.scope).toBe('user.info.basic,video.upload,video.publish');
		expect(data.authentication).toBe('body');
		expect(data.grantType).toBe('authorizationCode');
		expect(data.oauthTokenData).toEqual({ access_token: 'a' });
		const urls = buildTikTokOAuthUrls({ clientId: 'aw key&1', environment: 'tiktok' });
		expect(urls).toMatchObject({
			authUrl: data.authUrl,
			accessTokenUrl: data.accessTokenUrl,
			authQueryParameters: data.authQueryParameters,
			additionalBodyProperties: data.additionalBodyProperties,
			apiBaseUrl: TIKTOK_API_BASE_URL,
		});
	});

	it('Custom environment, token URL that already has a query', () => {
		const stored = {
			clientId: 'k',
			clientSecret: 's',
			environment: 'custom' as const,
			apiBaseUrl: 'http://proxy.local/v2/',
			customAuthUrl: 'http://proxy.local/auth',
			customTokenUrl: 'http://proxy.local/token?tenant=a',
		};
		const data = resolveTikTokCredentialData(stored);
		expect(data.authUrl).toBe('http://proxy.local/auth');
		expect(data.accessTokenUrl).toBe('http://proxy.local/token?tenant=a&client_key=k');
		const urls = buildTikTokOAuthUrls(stored);
		expect(urls.authUrl).toBe(data.authUrl);
		expect(urls.accessTokenUrl).toBe(data.accessTokenUrl);
		expect(urls.apiBaseUrl).toBe('http://proxy.local/v2');
	});
});

describe('the resolved URLs work against the sandbox (n8n controller flow simulated with @n8n/client-oauth2)', () => {
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	let sandbox: any;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.close();
	});

	it('authorize (client_key + comma scopes) -> code exchange (client_key in body) -> refresh (client_key in URL)', async () => {
		const data = resolveTikTokCredentialData({
			clientId: SANDBOX_CLIENT_KEY,
			clientSecret: SANDBOX_CLIENT_SECRET,
			environment: 'custom',
			apiBaseUrl: sandbox.apiBaseUrl,
			customAuthUrl: sandbox.authorizeUrl,
			customTokenUrl: sandbox.tokenUrl,
		});
		const scope = data.scope as string;
		const redirectUri = 'http://localhost:5678/rest/oauth2-credential/callback';
		const client = new ClientOAuth2({
			clientId: data.clientId as string,
			clientSecret: data.clientSecret as string,
			accessTokenUri: data.accessTokenUrl as string,
			authorizationUri: data.authUrl as string,
			redirectUri,
			scopes: scope.split(','),
			scopesSeparator: scope.includes(',') ? ',' : ' ',
			authentication: 'body',
			query: qs.parse(data.authQueryParameters as string) as Record<string, string>,
		} as ConstructorParameters<typeof ClientOAuth2>[0]);
		const authorizeUri = client.code.getUri({ state: 'st' } as never);
		const parsed = new URL(authorizeUri);
		expect(parsed.searchParams.get('client_key')).toBe(SANDBOX_CLIENT_KEY);
		expect(parsed.searchParams.get('scope')).toBe('user.info.basic,video.upload,video.publish');

		const answer = await fetch(authorizeUri, { redirect: 'manual' });
		expect(answer.status).toBe(302);
		const location = answer.headers.get('location')!;
		expect(new URL(location).searchParams.get('code')).toBeTruthy();

		const token = await client.code.getToken(location, {
			body: {
				...JSON.parse(data.additionalBodyProperties as string),
				client_id: data.clientId,
				client_secret: data.clientSecret,
			},
		} as never);
		expect(token.accessToken).toMatch(/^act\./);
		const exchange = sandbox.log.find((e: { path: string }) => e.path === '/v2/oauth/token/');
		expect(exchange.errorCode).toBeNull();
		expect(exchange.body.client_key).toBe(SANDBOX_CLIENT_KEY);

		const refreshed = await token.refresh({ body: { client_id: data.clientId, client_secret: data.clientSecret } } as never);
		expect(refreshed.refreshToken).not.toBe(token.refreshToken);
		const refresh = sandbox.log.filter((e: { path: string }) => e.path === '/v2/oauth/token/')[1];
		expect(refresh.query).toEqual({ client_key: SANDBOX_CLIENT_KEY });
		expect(refresh.body.grant_type).toBe('refresh_token');
		expect(refresh.errorCode).toBeNull();
	});
});
