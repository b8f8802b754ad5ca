'use strict';
/*
 * Part j: safe fetch (issue 21) in a real n8n 2.41.1 with n8n's own SSRF protection turned on
 * (N8N_SSRF_PROTECTION_ENABLED=true). The admin allows the TikTok stand-in by name
 * (N8N_SSRF_ALLOWED_HOSTNAMES=localhost), so every request to TikTok goes to http://localhost:PORT,
 * and a download URL whose host name resolves to a loopback address (this machine's own name, found at
 * run time) is refused by n8n with its own reason, with the package's private-address switch off and on.
 * Then the MP4 checks that see the whole file: a 5000 px video whose moov box is at the end is refused
 * before init from a URL (ranged reads) and from binary data in filesystem and database mode. A download
 * that stalls after its headers fails after the 30 s idle limit. Last, the TikTok Trigger's account
 * filter on its production URL: another account's event starts nothing, the credential's own account's
 * event starts one execution.
 */
const dns = require('node:dns');
const os = require('node:os');
const path = require('node:path');

const { freePort, HttpClient, sleep, waitFor } = require('../lib/util');
const { assert, check } = require('../lib/harness');
const { N8nInstance, PACKAGE_NAME } = require('../lib/n8n');
const { sandboxCredential, CLIENT_KEY } = require('../lib/sandbox');
const { runSummary } = require('../lib/runs');

const OWNER = { email: 'e2e-fetch@example.com', firstName: 'E2E', lastName: 'Fetch', password: 'E2e-Passw0rd!' };
const SSRF_ENV = { N8N_SSRF_PROTECTION_ENABLED: 'true', N8N_SSRF_ALLOWED_HOSTNAMES: 'localhost' };
const N8N_SSRF_MESSAGE = 'The request was blocked because it resolves to a restricted IP address';
const OTHER_OPEN_ID = 'open-id-other-account-0002';

const CHECKS = [
	'j1 SSRF protection on: a URL whose name resolves to a loopback address is refused with n8n\'s reason (package switch off)',
	'j2 the package\'s private-address switch on does not switch n8n\'s protection off',
	'j3 moov at the end, 5000 px, from a URL: refused before init (ranged reads of the header)',
	'j4 moov at the end, 5000 px, from binary data in filesystem mode: refused before init',
	'j5 moov at the end, 5000 px, from binary data in database mode: refused before init',
	'j6 a download that stalls after its headers fails after the 30 s idle limit, naming the server, before init',
	'j7 trigger account filter: another account\'s event -> 200 and no execution; its own -> one execution',
];

/** A host name other than localhost that resolves only to loopback addresses here (e.g. the machine's name). */
async function loopbackName() {
	const candidates = [os.hostname(), 'ip6-localhost', 'ip6-loopback'].filter((n) => n && n !== 'localhost' && !n.endsWith('.localhost'));
	for (const name of candidates) {
		try {
			const addresses = await dns.promises.lookup(name, { all: true });
			if (addresses.length && addresses.every((a) => a.address.startsWith('127.') || a.address === '::1')) return { name, addresses: addresses.map((a) => a.address) };
		} catch {
			// not resolvable here
		}
	}
	throw new Error(`no host name other than localhost resolves only to loopback here (tried ${candidates.join(', ')})`);
}

/** Manual Trigger -> [Read video file] -> TikTok Upload Video (a draft: no creator_info needed). */
function uploadWorkflow(id, name, cred, params, file) {
	const upload = {
		id: `${id}-3`,
		name: 'TikTok Upload Video',
		type: `${PACKAGE_NAME}.tikTokUploadVideo`,
		typeVersion: 1,
		position: [520, 0],
		parameters: { waitForResult: false, options: {}, ...params },
		credentials: { tikTokOAuth2Api: { id: cred.id, name: cred.name } },
	};
	const start = { id: `${id}-1`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	const read = file && {
		id: `${id}-2`,
		name: 'Read video file',
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		position: [260, 0],
		parameters: { operation: 'read', fileSelector: file, options: { dataPropertyName: 'data' } },
	};
	const connections = read
		? { Start: { main: [[{ node: read.name, type: 'main', index: 0 }]] }, [read.name]: { main: [[{ node: upload.name, type: 'main', index: 0 }]] } }
		: { Start: { main: [[{ node: upload.name, type: 'main', index: 0 }]] } };
	return { id, name, nodes: [start, ...(read ? [read] : []), upload], connections, settings: { executionOrder: 'v1' }, pinData: {}, active: false };
}

/** The error of a run that must have failed in TikTok Upload Video. */
function uploadError(exec) {
	const err = exec.run?.data?.resultData?.error;
	assert(exec.run && exec.run.status !== 'success' && err, `expected a failed run, got ${runSummary(exec)}`);
	assert(!err.node || err.node.name === 'TikTok Upload Video', `the error came from ${err.node?.name}: ${err.message}`);
	return err;
}

const initCalls = (entries) => entries.filter((e) => /\/post\/publish\/(inbox\/)?video\/init\/$/.test(e.path));

module.exports = {
	id: 'j',
	title: "j: safe fetch with n8n's SSRF protection on; whole-file MP4 checks; trigger account filter",
	checks: CHECKS,
	async run({ install, tarball, sandbox, media, mediaDir, cleanups, userFolder }) {
		const folder = userFolder('user-j');
		const n8n = new N8nInstance(install, folder, { fileAccessDirs: [mediaDir], env: SSRF_ENV });
		const dbMode = new N8nInstance(install, folder, { fileAccessDirs: [mediaDir], env: { ...SSRF_ENV, N8N_DEFAULT_BINARY_DATA_MODE: 'database' } });
		await n8n.installPackageTarball(tarball);
		await sandbox.reset();
		const port = new URL(sandbox.baseUrl).port;
		// The admin allows the TikTok stand-in by its name: every TikTok call goes to localhost.
		const byName = { apiBaseUrl: `http://localhost:${port}/v2`, authorizeUrl: `http://localhost:${port}/v2/auth/authorize/`, tokenUrl: `http://localhost:${port}/v2/oauth/token/` };
		const token = await sandbox.mintToken({ clientKey: CLIENT_KEY });
		const strict = sandboxCredential({ id: 'tkE2eCredJ00001', name: 'TikTok sandbox (j, private addresses off)', sandbox: byName, oauthTokenData: token, allowPrivateNetworks: false });
		const open = sandboxCredential({ id: 'tkE2eCredJ00002', name: 'TikTok sandbox (j, private addresses on)', sandbox: byName, oauthTokenData: token, allowPrivateNetworks: true });
		await n8n.importCredentials([strict, open]);
		const since = async () => (await sandbox.log()).length;
		const newEntries = async (start) => (await sandbox.log()).slice(start);

		const refusedByN8n = async (id, cred, url) => {
			const wf = uploadWorkflow(id, id, cred, { source: 'url', videoUrl: url, uploadMethod: 'download' });
			await n8n.importWorkflow(wf);
			const start = await since();
			const err = uploadError(await n8n.execute(wf.id));
			const text = `${err.message} ${err.description ?? ''}`;
			assert(text.includes(N8N_SSRF_MESSAGE), `error: ${text.slice(0, 400)}`);
			const entries = await newEntries(start);
			assert(initCalls(entries).length === 0 && !entries.some((e) => e.path.startsWith('/media/')), `reached: ${entries.map((e) => e.path).join(', ')}`);
			return err;
		};

		let loopback;
		await check(CHECKS[0], async () => {
			loopback = await loopbackName();
			const url = `https://${loopback.name}:${port}/media/j1.mp4?bytes=2000000`;
			const err = await refusedByN8n('tkE2eJ1Ssrf0001', strict, url);
			return `"${loopback.name}" resolves to ${loopback.addresses.join(', ')}; the package's URL check let it through (a name), n8n refused: "${err.message.slice(0, 160)}"`;
		});

		await check(CHECKS[1], async () => {
			assert(loopback, 'no loopback name (j1)');
			const url = `http://${loopback.name}:${port}/media/j2.mp4?bytes=2000000`;
			const err = await refusedByN8n('tkE2eJ2Ssrf0002', open, url);
			return `switch on, http://${loopback.name}: still refused by n8n ("${err.message.slice(0, 100)}…")`;
		});

		const moovAtEnd = { bytes: 3_000_000, opts: { moovAtEnd: true, width: 5000, height: 2800, durationSec: 10, seed: 'j-moov' } };
		const refusedBeforeInit = async (runner, wf, binaryStore) => {
			await n8n.importWorkflow(wf);
			const start = await since();
			const exec = await runner.execute(wf.id);
			const err = uploadError(exec);
			if (binaryStore) {
				const id = exec.run.data.resultData.runData['Read video file'][0].data.main[0][0].binary?.data?.id;
				assert(typeof id === 'string' && id.startsWith(binaryStore), `the binary is stored as ${JSON.stringify(id)}, not in ${binaryStore}`);
			}
			assert(/5000/.test(err.message) && /4096/.test(err.message), `error: ${err.message}`);
			const entries = await newEntries(start);
			assert(initCalls(entries).length === 0, `${initCalls(entries).length} init calls`);
			return { err, entries };
		};

		await check(CHECKS[2], async () => {
			const query = `bytes=${moovAtEnd.bytes}&moovAtEnd=1&width=5000&height=2800&durationSec=10&seed=j-moov`;
			const url = `http://localhost:${port}/media/j3.mp4?${query}`;
			const wf = uploadWorkflow('tkE2eJ3UrlMoov1', 'j3', open, { source: 'url', videoUrl: url, uploadMethod: 'download' });
			const { err, entries } = await refusedBeforeInit(n8n, wf);
			const ranged = entries.filter((e) => e.path === '/media/j3.mp4' && e.range);
			assert(ranged.length >= 1 && ranged.every((e) => e.status === 206), `ranged reads: ${JSON.stringify(ranged.map((e) => [e.range, e.status]))}`);
			return `"${err.message.slice(0, 120)}…"; ${ranged.length} ranged read(s) (${ranged.map((e) => e.range).join(', ')}), no init`;
		});

		const file = path.join(mediaDir, 'j-moov-at-end-5000px.mp4');
		await media.writeMp4File(file, moovAtEnd.bytes, moovAtEnd.opts);
		await check(CHECKS[3], async () => {
			const wf = uploadWorkflow('tkE2eJ4FsMoov01', 'j4', open, { source: 'binary', binaryPropertyName: 'data' }, file);
			const { err } = await refusedBeforeInit(n8n, wf, 'filesystem');
			return `binary in n8n's filesystem store: "${err.message.slice(0, 100)}…", no init`;
		});

		await check(CHECKS[4], async () => {
			const wf = uploadWorkflow('tkE2eJ5DbMoov01', 'j5', open, { source: 'binary', binaryPropertyName: 'data' }, file);
			const { err } = await refusedBeforeInit(dbMode, wf, 'database:');
			return `N8N_DEFAULT_BINARY_DATA_MODE=database: "${err.message.slice(0, 100)}…", no init`;
		});

		await check(CHECKS[5], async () => {
			const url = `http://localhost:${port}/media/j7.mp4?bytes=2000000&stallAfterBytes=1000`;
			const wf = uploadWorkflow('tkE2eJ7Stall001', 'j7', open, { source: 'url', videoUrl: url, uploadMethod: 'download' });
			await n8n.importWorkflow(wf);
			const start = await since();
			const t = Date.now();
			const err = uploadError(await n8n.execute(wf.id));
			const expected = `The server at "localhost:${port}" stopped sending the video: no byte for 30 s after 1,000 bytes of 2,000,000 bytes`;
			assert(err.message === expected, `error: ${err.message}`);
			assert(initCalls(await newEntries(start)).length === 0, 'an init was sent');
			return `"${err.message}" (run ${((Date.now() - t) / 1000).toFixed(1)} s), no init`;
		});

		await check(CHECKS[6], async () => {
			const n8nPort = await freePort();
			const server = await n8n.startServer({ port: n8nPort });
			cleanups.push(() => server.stop());
			const rest = new HttpClient(`http://localhost:${n8nPort}`, { headers: { 'browser-id': 'e2e-browser-000j' } });
			const api = async (method, url, json) => {
				const r = await rest.request(method, `/rest${url}`, json === undefined ? {} : { json });
				assert(r.status === 200, `${method} /rest${url} -> ${r.status} ${r.text.slice(0, 300)}`);
				return r.data?.data ?? r.data;
			};
			assert((await rest.request('POST', '/rest/owner/setup', { json: OWNER })).status === 200, 'owner setup failed');
			await api('POST', '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
			const webhookId = 'j0000000-0000-4000-8000-0000000000aa';
			const wf = {
				name: 'e2e j: trigger for this account only',
				nodes: [
					{ id: 'j0000000-0000-4000-8000-000000000001', name: 'TikTok Trigger', type: `${PACKAGE_NAME}.tikTokTrigger`, typeVersion: 1, position: [0, 0], webhookId, parameters: { events: ['*'], options: {} }, credentials: { tikTokOAuth2Api: { id: strict.id, name: strict.name } } },
				],
				connections: {},
				settings: { executionOrder: 'v1' },
			};
			const created = await api('POST', '/workflows', { ...wf, active: false });
			await api('POST', `/workflows/${created.id}/activate`, { versionId: created.versionId });
			const prodUrl = `http://localhost:${n8nPort}/webhook/${webhookId}/webhook`;
			await waitFor(async () => (await new HttpClient(prodUrl).request('POST', prodUrl, { json: {} })).status === 401, { timeoutMs: 20000, what: 'production webhook registered' });
			await sandbox.configure({ webhook: { url: prodUrl, maxAttempts: 1 } });
			cleanups.push(() => sandbox.configure({ webhook: { url: null } }));
			const executions = async () => {
				const filter = encodeURIComponent(JSON.stringify({ workflowId: created.id }));
				return (await api('GET', `/executions?filter=${filter}&limit=100`)).results || [];
			};
			const event = (openId) => ({ event: 'post.publish.complete', openId, content: { publish_id: `v_pub_file~v2-1.j-${openId}`, publish_type: 'DIRECT_PUBLISH' } });
			const other = await sandbox.webhookSend(event(OTHER_OPEN_ID));
			const otherStatus = other.deliveries?.at(-1)?.status;
			assert(otherStatus === 200, `another account's event was answered ${otherStatus}`);
			await sleep(1500);
			assert((await executions()).length === 0, 'another account\'s event started an execution');
			const own = await sandbox.webhookSend(event(token.open_id));
			assert(own.deliveries?.at(-1)?.status === 200, `own event answered ${own.deliveries?.at(-1)?.status}`);
			await waitFor(async () => (await executions()).length >= 1, { timeoutMs: 20000, what: 'one execution' });
			await sleep(1000);
			const list = await executions();
			assert(list.length === 1, `${list.length} executions`);
			return `other account (${OTHER_OPEN_ID}) -> 200, no run; own account -> 200, one execution`;
		});
	},
};
