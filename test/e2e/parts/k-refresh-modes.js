'use strict';
/*
 * Part k: a refresh TikTok refuses, in the real n8n (issue 18). The sandbox reads client_key from the
 * form body only (`tokenClientKeyFrom: 'body'`, TikTok's documented reading), so n8n's own refresh, which
 * can carry client_key only in the token URL's query string, is refused with HTTP 200.
 *   n8n 2.x: the credential's preAuthentication, which n8n runs right after its refresh and whose result
 *     it saves, refreshes again with client_key in the form body: the run succeeds, the rotated refresh
 *     token is saved and used at the next expiry.
 *   n8n 1.x: no such hook; the run stops with the refused refresh told, and that the query string is
 *     n8n 1.x's only way.
 * Then: both refused (a Client Secret changed after connecting: the reason of the last refusal), and the
 * sandbox's 4xx mode (a refusal with HTTP 400: n8n stops at its own refresh, before the credential).
 * Every check prints what the user sees. CLI only (import:credentials with a minted token, execute).
 */
const { line, assert, check, skipAsFailed } = require('../lib/harness');
const { N8nInstance } = require('../lib/n8n');
const { sandboxCredential, CLIENT_KEY, CLIENT_SECRET } = require('../lib/sandbox');
const { assertRunSucceeded, runSummary, tokenRequests, describeTokenRequests } = require('../lib/runs');
const { refreshProbeWorkflow } = require('./c-refresh');

const CHECKS = [
	'k1 body-only token endpoint, expired token: 2.x completes the refresh in the form body (run succeeds); 1.x tells the refused refresh',
	'k2 body-only, the next expiry: 2.x refreshes with the rotated refresh token k1 saved; 1.x refuses again, then refreshes once the query string is accepted',
	'k3 both refused (Client Secret changed after connecting): the reason of the last refusal, nothing saved',
	"k4 4xx mode: TikTok's refusal with HTTP 400 stops n8n's refresh before the credential: what the user sees",
];

const REFUSED = 'TikTok refused to refresh the access token';
const runError = (exec) => exec.run?.data?.resultData?.error;
const refreshes = async (sandbox) => tokenRequests(await sandbox.log()).filter((r) => r.grantType === 'refresh_token');
const ERROR_FIELDS = ['error', 'error_description', 'log_id'];

/** The run failed with the refused-refresh error for `reason`; returns "message — description". */
function assertRefused(exec, reason, descriptionPattern) {
	const err = runError(exec);
	assert(err, `expected an error: ${runSummary(exec)}`);
	assert(err.message === `${REFUSED} (${reason}) [token_refresh_refused]`, `run error: ${err.message} — ${err.description}`);
	assert(descriptionPattern.test(err.description ?? ''), `description: ${err.description}`);
	assert(!/network_error|Forbidden|Authorization failed|access token expired/i.test(`${err.message} ${err.description}`), `misleading text: ${err.message} ${err.description}`);
	return `"${err.message}" — "${err.description}"`;
}

module.exports = {
	id: 'k',
	title: 'k: a refresh TikTok refuses (body-only, both refused, HTTP 4xx)',
	checks: CHECKS,
	async run({ install, tarball, sandbox, mediaDir, cleanups, userFolder }) {
		const names = CHECKS;
		const v1 = Number(String(install.version).split('.')[0]) < 2;
		const n8n = new N8nInstance(install, userFolder('user-k'), { fileAccessDirs: [mediaDir] });
		await n8n.installPackageTarball(tarball);
		await sandbox.reset();
		await sandbox.configure({ verifyOwnMedia: true, tokenClientKeyFrom: 'body', refreshErrorStatus: 200 });
		cleanups.push(() => sandbox.configure({ tokenClientKeyFrom: 'body-or-query', refreshErrorStatus: 200 }));
		line(`n8n ${install.version}: expecting the ${v1 ? '1.x (query string only)' : '2.x (completed in the form body)'} behaviour`);

		const importCredential = async (id, name, extra = {}) => {
			const token = await sandbox.mintToken({ clientKey: CLIENT_KEY });
			const cred = sandboxCredential({ id, name, sandbox, oauthTokenData: token });
			Object.assign(cred.data, extra);
			await n8n.importCredentials([cred]);
			const wf = refreshProbeWorkflow(`${id}W`, { id, name }, sandbox);
			await n8n.importWorkflow(wf);
			return { cred: { id, name }, wf, token };
		};
		const stored = async (id) => (await n8n.exportCredentials(id)).find((c) => c.id === id)?.data?.oauthTokenData ?? {};

		const main = await importCredential('tkE2eRefrModes01', 'TikTok (body-only refresh)');
		let t1;
		const ok1 = await check(names[0], async () => {
			await sandbox.reset();
			await sandbox.expireTokens();
			const exec = await n8n.execute(main.wf.id);
			const reqs = await refreshes(sandbox);
			t1 = await stored(main.cred.id);
			if (v1) {
				const seen = assertRefused(exec, 'invalid_request: client_key is required in the request body', /query string.*On n8n 1\.x that is the only way/);
				assert(reqs.length === 1 && reqs[0].inQuery && !reqs[0].inBody && reqs[0].errorCode === 'invalid_request', `refresh requests: ${describeTokenRequests(reqs)}`);
				assert(t1.error === 'invalid_request' && t1.refresh_token === main.token.refresh_token, `n8n 1.x stored: ${Object.keys(t1).join(',')}`);
				return `refresh: ${describeTokenRequests(reqs)}; user sees ${seen}; n8n 1.x stored TikTok's error next to the old tokens`;
			}
			const how = assertRunSucceeded(exec);
			assert(reqs.length === 2, `refresh requests: ${describeTokenRequests(reqs)}; run: ${runSummary(exec)}`);
			assert(reqs[0].inQuery && !reqs[0].inBody && reqs[0].errorCode === 'invalid_request', `n8n's refresh: ${describeTokenRequests([reqs[0]])}`);
			assert(reqs[1].inBody && !reqs[1].inQuery && !reqs[1].errorCode, `the credential's refresh: ${describeTokenRequests([reqs[1]])}`);
			assert(t1.access_token && t1.access_token !== main.token.access_token, 'access token not replaced in the stored credential');
			assert(t1.refresh_token && t1.refresh_token !== main.token.refresh_token, 'rotated refresh token not saved');
			const extra = Object.keys(t1).filter((k) => ERROR_FIELDS.includes(k) || /^tiktok/i.test(k));
			assert(extra.length === 0, `stored token data keeps ${extra.join(',')}`);
			return `${how}; refresh: ${describeTokenRequests(reqs)}; stored: ${Object.keys(t1).sort().join(',')}`;
		});
		if (!ok1) skipAsFailed([names[1]], 'k1 failed');
		else
			await check(names[1], async () => {
				await sandbox.reset();
				await sandbox.expireTokens();
				const exec = await n8n.execute(main.wf.id);
				const reqs = await refreshes(sandbox);
				if (v1) {
					const first = runError(exec);
					assertRefused(exec, 'invalid_request: client_key is required in the request body', /n8n 1\.x/);
					await sandbox.configure({ tokenClientKeyFrom: 'body-or-query' });
					const again = await n8n.execute(main.wf.id);
					const how = assertRunSucceeded(again);
					await sandbox.configure({ tokenClientKeyFrom: 'body' });
					return `refused again (${describeTokenRequests(reqs)}, log_id in "${first.description.slice(-40)}"); with the query string accepted: ${how}`;
				}
				const how = assertRunSucceeded(exec);
				assert(reqs.length === 2 && !reqs[1].errorCode, `refresh requests: ${describeTokenRequests(reqs)}`);
				const t2 = await stored(main.cred.id);
				assert(t2.refresh_token && t2.refresh_token !== t1.refresh_token, 'second rotation not saved');
				const spent = await sandbox.token({ client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: t1.refresh_token });
				assert(spent.data?.error === 'invalid_grant', `k1's refresh token still works: it was not the one used (${spent.text.slice(0, 120)})`);
				return `${how}; refreshed with k1's saved refresh token (now spent: invalid_grant); rotated again and saved`;
			});

		await check(names[2], async () => {
			const changed = await importCredential('tkE2eRefrBoth01', 'TikTok (secret changed)', { clientSecret: 'changed-after-connecting' });
			await sandbox.reset();
			await sandbox.expireTokens();
			const exec = await n8n.execute(changed.wf.id);
			const reqs = await refreshes(sandbox);
			const after = await stored(changed.cred.id);
			if (v1) {
				const seen = assertRefused(exec, 'invalid_request: client_key is required in the request body', /n8n 1\.x/);
				return `one refresh (${describeTokenRequests(reqs)}); user sees ${seen}`;
			}
			assert(reqs.map((r) => r.errorCode).join(',') === 'invalid_request,invalid_client', `refresh requests: ${describeTokenRequests(reqs)}; run: ${runSummary(exec)}`);
			const seen = assertRefused(exec, 'invalid_client: Client secret is invalid', /form body/);
			assert(after.refresh_token === changed.token.refresh_token && after.access_token === changed.token.access_token && !after.error, `stored data changed: ${Object.keys(after).join(',')}`);
			const text = JSON.stringify(exec.run);
			assert(!text.includes('changed-after-connecting') && !text.includes(changed.token.refresh_token), 'a secret in the run data');
			return `refresh: ${describeTokenRequests(reqs)}; nothing saved; user sees ${seen}`;
		});

		await check(names[3], async () => {
			const fourxx = await importCredential('tkE2eRefr4xx001', 'TikTok (4xx refusal)');
			await sandbox.reset();
			await sandbox.configure({ refreshErrorStatus: '4xx' });
			try {
				await sandbox.expireTokens();
				const exec = await n8n.execute(fourxx.wf.id);
				const reqs = await refreshes(sandbox);
				assert(reqs.length === 1 && reqs[0].status === 400 && reqs[0].errorCode === 'invalid_request', `refresh requests: ${describeTokenRequests(reqs)} HTTP ${reqs[0]?.status}`);
				const seen = v1
					? assertRefused(exec, 'invalid_request', /HTTP error status.*n8n 1\.x passes on only TikTok's error code/)
					: assertRefused(exec, 'invalid_request: client_key is required in the request body', /HTTP error status\. n8n stops at such an answer/);
				return `one refresh, HTTP 400 (${describeTokenRequests(reqs)}); user sees ${seen}`;
			} finally {
				await sandbox.configure({ refreshErrorStatus: 200 });
			}
		});
	},
};
