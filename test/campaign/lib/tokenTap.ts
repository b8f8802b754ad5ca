/**
 * Records every token the sandbox issues (minted for a credential, or returned by the token
 * endpoint on a refresh), so the leak scan knows all of them, including rotated ones.
 * It wraps the sandbox's oauth module functions (looked up at call time by the router).
 */
import { collector } from './collector';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const oauth = require('../../sandbox/oauth') as Record<string, (...args: unknown[]) => unknown>;

let installed = false;

export function installTokenTap(): void {
	if (installed) return;
	installed = true;
	const mint = oauth.mintToken;
	oauth.mintToken = (...args: unknown[]) => {
		const t = mint(...args) as { access_token?: string; refresh_token?: string };
		collector.tokensIssued++;
		collector.addSecrets(t.access_token, t.refresh_token);
		return t;
	};
	const token = oauth.token;
	oauth.token = (ctx: unknown, state: unknown) => {
		const res = (ctx as { res: { end: (...a: unknown[]) => unknown } }).res;
		const end = res.end;
		res.end = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
			try {
				const body = JSON.parse(String(chunk)) as { access_token?: string; refresh_token?: string };
				if (body.access_token) {
					collector.tokensIssued++;
					collector.addSecrets(body.access_token, body.refresh_token);
				}
			} catch {
				/* not JSON */
			}
			return end.call(this, chunk, ...rest);
		};
		return token(ctx, state);
	};
}
