/**
 * Credential store content for a TikTok sandbox (test/sandbox): environment 'custom' with the
 * sandbox's URLs, its default client, and a freshly minted token.
 */
import type { TestCredentials } from './credentials';

export const SANDBOX_CLIENT_KEY = 'sandbox-client-key';
export const SANDBOX_CLIENT_SECRET = 'sandbox-client-secret';

interface SandboxLike {
	apiBaseUrl: string;
	authorizeUrl: string;
	tokenUrl: string;
	mintToken(params?: { clientKey?: string; scopes?: string[]; openId?: string }): object;
}

export function sandboxCredentials(
	sandbox: SandboxLike,
	overrides: Partial<TestCredentials> & { scopes?: string[] } = {},
): TestCredentials {
	const { scopes, ...rest } = overrides;
	const clientId = rest.clientId ?? SANDBOX_CLIENT_KEY;
	const token = sandbox.mintToken({ clientKey: clientId, ...(scopes ? { scopes } : {}) });
	return {
		clientId,
		clientSecret: SANDBOX_CLIENT_SECRET,
		environment: 'custom',
		apiBaseUrl: sandbox.apiBaseUrl,
		customAuthUrl: sandbox.authorizeUrl,
		customTokenUrl: sandbox.tokenUrl,
		// the sandbox serves the media on 127.0.0.1
		allowPrivateNetworks: true,
		oauthTokenData: { ...(token as TestCredentials['oauthTokenData']) },
		...rest,
	};
}
