'use strict';
/*
 * Part c: token refresh through n8n's refresh path (CLI on part b's user folder): run, expire, run
 * (n8n refreshes on the 401), check the rotated refresh token was stored, expire + run again, old
 * refresh tokens answer invalid_grant.
 */
const { line, assert, check, skipAsFailed } = require('../lib/harness');
const { N8nInstance } = require('../lib/n8n');
const { sandboxCredential, CLIENT_KEY, CLIENT_SECRET } = require('../lib/sandbox');
const { nodeItems, assertRunSucceeded, tokenRequests, describeTokenRequests } = require('../lib/runs');

const CHECKS = ['c1 run with the stored token', 'c2 expired access token -> n8n refreshes, run succeeds', 'c3 rotated refresh token persisted; second expiry + run succeed', 'c4 every refresh request from n8n carried client_key', 'c5 old refresh tokens are dead (invalid_grant)'];

/**
 * A workflow that calls TikTok through the credential with this package's own node: TikTok Publish
 * Video with Expected Account, so user/info is the first TikTok call of each run, then creator_info,
 * a pulled video (the sandbox's own verified /media/ prefix) and the final status.
 */
function refreshProbeWorkflow(id, cred, sandbox) {
	return {
		id,
		name: 'e2e: TikTok Publish Video through the stored credential',
		nodes: [
			{ id: 'e2e-0001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'e2e-0002',
				name: 'Publish',
				type: 'n8n-nodes-tiktok-content-posting.tikTokPublishVideo',
				typeVersion: 1,
				position: [260, 0],
				parameters: {
					source: 'url',
					videoUrl: `${sandbox.baseUrl}/media/refresh-probe.mp4?bytes=200000`,
					uploadMethod: 'pull',
					caption: 'Token refresh probe',
					privacyLevel: 'SELF_ONLY',
					expectedAccount: 'Sandbox Shop',
					waitForResult: true,
					options: {},
				},
				credentials: { tikTokOAuth2Api: { id: cred.id, name: cred.name } },
			},
		],
		connections: { Start: { main: [[{ node: 'Publish', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

module.exports = {
	id: 'c',
	title: 'c: token refresh through n8n (expire, run, rotate, persist)',
	checks: CHECKS,
	refreshProbeWorkflow,
	async run({ install, tarball, sandbox, mediaDir, userFolder, shared }) {
		const names = CHECKS;
		const userB = userFolder('user-b');
		const oauthCred = shared.oauthCred;
		const n8n = new N8nInstance(install, userB, { fileAccessDirs: [mediaDir] });
		let cred = oauthCred;
		if (!cred) {
			// part b did not connect a credential: use a minted token instead (still n8n's refresh path)
			await n8n.installPackageTarball(tarball);
			const token = await sandbox.mintToken({ clientKey: CLIENT_KEY });
			const c = sandboxCredential({ id: 'tkE2eCredC00001', name: 'TikTok sandbox (minted for c)', sandbox, oauthTokenData: token });
			await n8n.importCredentials([c]);
			cred = { id: c.id, name: c.name };
			line('note: part b did not connect a credential; c uses a minted token');
		} else line(`using the credential connected in part b (${cred.id})`);
		await sandbox.reset();
		await sandbox.configure({ verifyOwnMedia: true });
		const wf = refreshProbeWorkflow('tkE2eRefresh0001', cred, sandbox);
		await n8n.importWorkflow(wf);
		const tokenOf = async () => (await n8n.exportCredentials(cred.id)).find((c) => c.id === cred.id)?.data?.oauthTokenData ?? {};

		const t0 = await tokenOf();
		const ok1 = await check(names[0], async () => {
			assert(t0.access_token && t0.refresh_token, 'stored credential has no tokens');
			const exec = await n8n.execute(wf.id);
			const how = assertRunSucceeded(exec);
			const out = nodeItems(exec.run, 'Publish')?.[0];
			assert(out?.status === 'PUBLISH_COMPLETE', `TikTok Publish Video output: ${JSON.stringify(out)?.slice(0, 200)}`);
			const refreshes = tokenRequests(await sandbox.log()).filter((r) => r.grantType === 'refresh_token');
			assert(refreshes.length === 0, 'n8n refreshed although the token was valid');
			return `${how}; TikTok Publish Video: ${out.status} (${out.publishId})`;
		});
		if (!ok1) return skipAsFailed(names.slice(1), 'baseline run failed');

		let t1;
		const ok2 = await check(names[1], async () => {
			await sandbox.expireTokens();
			const exec = await n8n.execute(wf.id);
			const how = assertRunSucceeded(exec);
			const log = await sandbox.log();
			const refreshes = tokenRequests(log).filter((r) => r.grantType === 'refresh_token');
			assert(refreshes.length === 1 && !refreshes[0].errorCode, `refresh requests: ${describeTokenRequests(refreshes)}`);
			const userInfo = log.filter((e) => e.path.endsWith('/user/info/')).map((e) => e.status);
			assert(userInfo.slice(-2).join(',') === '401,200', `user/info statuses ${userInfo.join(',')} (expected ...401,200)`);
			t1 = await tokenOf();
			assert(t1.access_token !== t0.access_token, 'access token not replaced in the stored credential');
			return `${how}; user/info 401 -> refresh -> 200`;
		});
		if (!ok2) return skipAsFailed(names.slice(2), 'first refresh failed');

		let t2;
		await check(names[2], async () => {
			assert(t1.refresh_token && t1.refresh_token !== t0.refresh_token, 'stored refresh token did not change after the refresh (rotation not persisted)');
			await sandbox.expireTokens();
			const exec = await n8n.execute(wf.id);
			const how = assertRunSucceeded(exec);
			const refreshes = tokenRequests(await sandbox.log()).filter((r) => r.grantType === 'refresh_token');
			assert(refreshes.length === 2 && refreshes.every((r) => !r.errorCode), `refresh requests: ${describeTokenRequests(refreshes)}`);
			t2 = await tokenOf();
			assert(t2.refresh_token && t2.refresh_token !== t1.refresh_token, 'second rotation not persisted');
			// and the new access token is reused without another refresh
			const again = await n8n.execute(wf.id);
			assertRunSucceeded(again);
			const after = tokenRequests(await sandbox.log()).filter((r) => r.grantType === 'refresh_token');
			assert(after.length === 2, 'n8n refreshed again although the stored token was fresh');
			return `${how}; refresh token rotated twice and stored each time; fresh token reused`;
		});

		await check(names[3], async () => {
			const reqs = tokenRequests(await sandbox.log()).filter((r) => r.grantType === 'refresh_token');
			assert(reqs.length >= 2, 'no refresh requests logged');
			assert(reqs.every((r) => r.inBody || r.inQuery), `client_key missing: ${describeTokenRequests(reqs)}`);
			const where = reqs.every((r) => r.inQuery && !r.inBody) ? 'query string only (n8n cannot add it to the refresh body)' : describeTokenRequests(reqs);
			return `n8n refresh requests: client_key in ${where}`;
		});

		await check(names[4], async () => {
			const outcomes = [];
			for (const [label, rt] of [['original', t0.refresh_token], ['first rotated', t1.refresh_token]]) {
				const r = await sandbox.token({ client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: rt });
				assert(r.data?.error === 'invalid_grant', `${label} refresh token: ${r.text.slice(0, 200)}`);
				outcomes.push(`${label}: invalid_grant`);
			}
			const current = await sandbox.token({ client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: 'rft.not-a-real-token' });
			assert(current.data?.error === 'invalid_grant', 'a made-up refresh token was accepted');
			return outcomes.join(', ');
		});
	},
};
