'use strict';
/*
 * Part d: TikTok Trigger in a real n8n 2.41.1 (`n8n start`), fed by the sandbox's signed webhook
 * deliveries. The example "store the post URL when a post goes public" (TikTok Trigger -> n8n's
 * Data table node) is activated on its production URL, with its data table created through n8n's
 * REST API; a second active workflow (Webhook -> TikTok Publish Video) publishes a public video,
 * and the sandbox delivers that publish's events to the trigger. Then forged requests (wrong
 * signature, stale timestamp), a replay and a duplicate. Executions are read back through n8n's
 * REST executions API; the figures are printed at the end.
 */
const path = require('node:path');

const { freePort, HttpClient, secs, sleep, waitFor } = require('../lib/util');
const { line, assert, check, skipAsFailed } = require('../lib/harness');
const { N8nInstance, PACKAGE_NAME, postToNewWebhook } = require('../lib/n8n');
const { sandboxCredential, CLIENT_KEY, CLIENT_SECRET } = require('../lib/sandbox');
const { loadExample, useCredential } = require('../lib/runs');

const OWNER = { email: 'e2e-trigger@example.com', firstName: 'E2E', lastName: 'Trigger', password: 'E2e-Passw0rd!' };
const EXAMPLE = 'store-post-url-when-public.json';
const TABLE = 'tiktok_posts';
const PUBLISH_PATH = 'tiktok-e2e-d-publish';
const PUBLIC_EVENT = 'post.publish.publicly_available';

const CHECKS = [
	'd1 n8n up, owner set up, TikTok Trigger loaded',
	'd2 data table created through the REST API',
	'd3 example workflow active on its production URL; publish workflow active',
	'd4 a video published through TikTok Publish Video -> one trigger execution with the post URL, a row stored',
	'd5 a wrong signature -> 401, no execution',
	'd6 a stale timestamp -> 401, no execution',
	'd7 a replayed request -> no execution',
	'd8 a duplicate delivery -> one execution',
	'd9 n8n restarted: events redelivered by TikTok start nothing (remembered in the static data)',
	'd10 test URL: a forged request leaves the listener waiting, a valid event shows up',
	'd11 figures: executions = genuine public events, rows = executions, no secret in executions or logs',
];

/** A 19-digit post id above 2^53, different every call. */
let idSeq = 0n;
const nextPostId = () => String(7308523530180690000n + BigInt(Date.now() % 1e6) * 1000n + ++idSeq);

module.exports = {
	id: 'd',
	title: 'd: TikTok Trigger on its production URL (n8n start + sandbox webhooks)',
	checks: CHECKS,
	async run({ install, tarball, sandbox, mediaDir, cleanups, userFolder }) {
		const n8n = new N8nInstance(install, userFolder('user-d'), { fileAccessDirs: [mediaDir] });
		await n8n.installPackageTarball(tarball);
		await sandbox.reset();
		const token = await sandbox.mintToken({ clientKey: CLIENT_KEY });
		const cred = sandboxCredential({ id: 'tkE2eCredD00001', name: 'TikTok sandbox (trigger)', sandbox, oauthTokenData: token });
		await n8n.importCredentials([cred]);

		const port = await freePort();
		let server;
		const rest = new HttpClient(`http://localhost:${port}`, { headers: { 'browser-id': 'e2e-browser-000d' } });
		const api = async (method, url, json) => {
			const r = await rest.request(method, `/rest${url}`, json === undefined ? {} : { json });
			assert(r.status === 200, `${method} /rest${url} -> ${r.status} ${r.text.slice(0, 400)}`);
			return r.data?.data ?? r.data;
		};
		const flatted = require(path.join(install.appDir, 'node_modules', 'flatted'));

		const ok1 = await check(CHECKS[0], async () => {
			const t = Date.now();
			server = await n8n.startServer({ port });
			cleanups.push(() => server.stop());
			const setup = await rest.request('POST', '/rest/owner/setup', { json: OWNER });
			assert(setup.status === 200, `owner setup -> ${setup.status} ${setup.text.slice(0, 300)}`);
			await api('POST', '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
			const types = await rest.request('GET', '/types/nodes.json');
			const names = Array.isArray(types.data) ? types.data.map((x) => x.name) : [];
			assert(names.includes(`${PACKAGE_NAME}.tikTokTrigger`), `${PACKAGE_NAME}.tikTokTrigger not in /types/nodes.json`);
			const trigger = types.data.find((x) => x.name === `${PACKAGE_NAME}.tikTokTrigger`);
			assert(trigger.webhooks?.[0]?.httpMethod === 'POST' && trigger.group.includes('trigger'), 'trigger description not served as a webhook trigger');
			return `ready in ${secs(Date.now() - t)} on ${server.url}; tikTokTrigger served with a POST webhook`;
		});
		if (!ok1) return skipAsFailed(CHECKS.slice(1), 'server not up');

		let projectId;
		let tableId;
		const ok2 = await check(CHECKS[1], async () => {
			projectId = (await api('GET', '/projects/personal')).id;
			const columns = ['post_url', 'post_id', 'publish_id', 'open_id', 'public_at'].map((name) => ({ name, type: 'string' }));
			const table = await api('POST', `/projects/${projectId}/data-tables`, { name: TABLE, columns });
			tableId = table.id;
			return `POST /rest/projects/${projectId}/data-tables -> ${tableId} (${columns.length} text columns)`;
		});
		if (!ok2) return skipAsFailed(CHECKS.slice(2), 'no data table');

		let triggerWf;
		let prodUrl;
		let testUrl;
		const ok3 = await check(CHECKS[2], async () => {
			const wf = useCredential(loadExample(EXAMPLE), cred);
			const table = wf.nodes.find((n) => n.type === 'n8n-nodes-base.dataTable');
			if (Number(install.version.split('.')[0]) < 2) {
				// n8n 1.123's Data table node is version 1 and reads the table only by id (a name finds nothing):
				// what a 1.x user does by picking the table from the list again
				table.typeVersion = 1;
				table.parameters.dataTableId = { __rl: true, mode: 'list', value: tableId, cachedResultName: TABLE };
			}
			const triggerNode = wf.nodes.find((n) => n.type === `${PACKAGE_NAME}.tikTokTrigger`);
			triggerWf = await createAndActivate(api, wf);
			prodUrl = `${server.url}/webhook/${triggerNode.webhookId}/webhook`;
			testUrl = `${server.url}/webhook-test/${triggerNode.webhookId}/webhook`;
			const publishWf = await createAndActivate(api, publishWorkflow(cred));
			// n8n answers 401 to an unsigned POST once the production webhook is registered
			let probe;
			for (let i = 0; i < 20; i++) {
				probe = await new HttpClient(prodUrl).request('POST', prodUrl, { json: {} });
				if (probe.status !== 404) break;
				await sleep(500);
			}
			assert(probe.status === 401, `unsigned POST to the production URL -> ${probe.status} ${probe.text.slice(0, 200)}`);
			await sandbox.configure({ webhook: { url: prodUrl, maxAttempts: 5, retryBaseMs: 500 } });
			cleanups.push(() => sandbox.configure({ webhook: { url: null } }));
			return `trigger workflow ${triggerWf.id} on ${prodUrl.replace(server.url, '')} (unsigned POST -> 401); publish workflow ${publishWf.id}`;
		});
		if (!ok3) return skipAsFailed(CHECKS.slice(3), 'workflows not active');

		const executions = async () => {
			const filter = encodeURIComponent(JSON.stringify({ workflowId: triggerWf.id }));
			const list = await api('GET', `/executions?filter=${filter}&limit=100`);
			return list.results || [];
		};
		/** Waits until the trigger workflow has `count` finished executions; returns them. */
		const settledExecutions = async (count) => {
			let last = [];
			await waitFor(
				async () => {
					last = await executions();
					return last.length >= count && last.every((e) => e.finished || ['success', 'error', 'crashed'].includes(e.status));
				},
				{ timeoutMs: 30000, intervalMs: 300, what: `${count} trigger executions` },
			);
			await sleep(1500); // nothing more may arrive
			last = await executions();
			assert(last.length === count, `${last.length} trigger executions, expected ${count}`);
			return last;
		};
		const triggerOutput = async (executionId) => {
			const full = await api('GET', `/executions/${executionId}`);
			const data = typeof full.data === 'string' ? flatted.parse(full.data) : full.data;
			return { execution: full, json: data.resultData.runData['TikTok Trigger'][0].data.main[0][0].json };
		};
		/** The error n8n recorded for an execution, with the node it stopped at. */
		const executionError = async (executionId) => {
			const full = await api('GET', `/executions/${executionId}`);
			const data = typeof full.data === 'string' ? flatted.parse(full.data) : full.data;
			const err = data?.resultData?.error;
			return err ? `${err.message}${err.description ? ` (${err.description})` : ''} [node ${err.node?.name ?? data.resultData.lastNodeExecuted ?? '?'}]` : 'no error recorded';
		};
		const deliveriesOf = async (filter) => (await sandbox.webhookDeliveries({ idle: true })).deliveries.filter(filter);
		const publicEvent = (fault, extra = {}) => ({
			event: PUBLIC_EVENT,
			publishId: `v_pub_url~v2-1.e2e${++idSeq}`,
			content: { publish_id: `v_pub_url~v2-1.e2e${idSeq}`, post_id: '', publish_type: 'DIRECT_PUBLISH' },
			rawNumbers: { post_id: nextPostId() },
			fault,
			...extra,
		});

		let published;
		let genuinePublic = 0;
		const ok4 = await check(CHECKS[3], async () => {
			const hook = await postToNewWebhook(server.url, PUBLISH_PATH, {
				videoUrl: `${sandbox.baseUrl}/media/d-public.mp4?bytes=1500000&seed=d`,
				caption: 'Trigger e2e #n8n',
			});
			assert(hook.status === 200, `POST /webhook/${PUBLISH_PATH} -> ${hook.status} ${hook.text.slice(0, 300)}`);
			published = Array.isArray(hook.data) ? hook.data[0] : hook.data;
			assert(published?.status === 'PUBLISH_COMPLETE' && published.postIds?.length === 1, `publish answered ${hook.text.slice(0, 300)}`);
			const mine = await deliveriesOf((d) => d.publishId === published.publishId);
			const seen = mine.map((d) => `${d.event}:${d.status}`).sort();
			assert(JSON.stringify(seen) === JSON.stringify([`post.publish.complete:200`, `${PUBLIC_EVENT}:200`]), `deliveries: ${seen.join(', ')}`);
			const answers = Object.fromEntries(mine.map((d) => [d.event, d.answer]));
			// a started run: 200 with an empty body; a filtered event: 200 {"received":true}
			assert(answers[PUBLIC_EVENT] === '' && answers['post.publish.complete'] === '{"received":true}', `answers: ${JSON.stringify(answers)}`);
			genuinePublic += 1;
			const [exe] = await settledExecutions(1);
			assert(exe.mode === 'webhook' && exe.status === 'success', `execution ${exe.id}: mode ${exe.mode}, status ${exe.status}${exe.status === 'success' ? '' : `: ${await executionError(exe.id)}`}`);
			const { json } = await triggerOutput(exe.id);
			const postId = published.postIds[0];
			assert(json.postId === postId, `trigger postId ${json.postId} != published ${postId} (64-bit exactness)`);
			assert(json.postUrl === `https://www.tiktok.com/embed/v2/${postId}`, `postUrl ${json.postUrl}`);
			assert(json.publishId === published.publishId && json.publishType === 'direct' && json.event === PUBLIC_EVENT, `trigger output ${JSON.stringify(json).slice(0, 300)}`);
			const rows = await tableRows(api, projectId, tableId);
			assert(rows.length === 1 && rows[0].post_url === json.postUrl && rows[0].post_id === postId, `data table rows: ${JSON.stringify(rows).slice(0, 300)}`);
			return `publish ${published.publishId} -> 2 events delivered (complete filtered out, 200); execution ${exe.id} with postId ${postId} and ${json.postUrl}; row stored`;
		});

		const refusedOnly = async (fault, name) =>
			check(name, async () => {
				const before = (await executions()).length;
				const sent = await sandbox.webhookSend(publicEvent(fault, { forgedOnly: true }));
				const statuses = sent.deliveries.map((d) => `${d.kind}:${d.status}`);
				assert(JSON.stringify(statuses) === JSON.stringify([`${fault}:401`]), `deliveries: ${statuses.join(', ')}`);
				await sleep(1500);
				const after = (await executions()).length;
				assert(after === before, `executions ${before} -> ${after}`);
				return `${fault} -> 401 ${sent.deliveries[0].answer}; executions still ${after}`;
			});
		if (ok4) {
			await refusedOnly('bad_signature', CHECKS[4]);
			await refusedOnly('stale_timestamp', CHECKS[5]);
		} else {
			skipAsFailed(CHECKS.slice(4, 6), 'no first execution');
		}

		await check(CHECKS[6], async () => {
			assert(published, 'nothing published');
			const original = (await deliveriesOf((d) => d.publishId === published.publishId && d.event === PUBLIC_EVENT && d.kind === 'genuine'))[0];
			const before = (await executions()).length;
			const replay = await sandbox.webhookReplay(original.id);
			assert(replay.status === 200 && /duplicate/.test(replay.answer), `replay -> ${replay.status} ${replay.answer}`);
			await sleep(1500);
			const after = (await executions()).length;
			assert(after === before, `executions ${before} -> ${after}`);
			return `same bytes and signature as ${original.id} -> 200 ${replay.answer}, no execution (older than 5 min it would get 401)`;
		});

		const handledEvents = [];
		await check(CHECKS[7], async () => {
			const before = (await executions()).length;
			const sent = await sandbox.webhookSend(publicEvent('duplicate'));
			handledEvents.push(sent.event.eventId);
			const statuses = sent.deliveries.map((d) => `${d.kind}:${d.status}`);
			assert(JSON.stringify(statuses) === JSON.stringify(['genuine:200', 'duplicate:200']), `deliveries: ${statuses.join(', ')}`);
			genuinePublic += 1;
			const list = await settledExecutions(before + 1);
			return `2 deliveries of one event (200, 200 ${sent.deliveries[1].answer}) -> executions ${before} -> ${list.length}`;
		});

		await check(CHECKS[8], async () => {
			assert(published, 'nothing published');
			const first = (await deliveriesOf((d) => d.publishId === published.publishId && d.event === PUBLIC_EVENT && d.kind === 'genuine'))[0];
			handledEvents.unshift(first.eventId);
			const wf = await api('GET', `/workflows/${triggerWf.id}`);
			const remembered = Object.values(wf.staticData || {}).map((v) => (v && Array.isArray(v.tiktokSeenEvents) ? v.tiktokSeenEvents.length : 0));
			assert(remembered.some((n) => n >= 2), `static data of the trigger workflow: ${JSON.stringify(wf.staticData).slice(0, 300)}`);
			const t = Date.now();
			await server.stop();
			server = await n8n.startServer({ port });
			await api('POST', '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
			await waitFor(async () => (await new HttpClient(prodUrl).request('POST', prodUrl, { json: {} })).status === 401, { timeoutMs: 30000, intervalMs: 500, what: 'the production webhook after the restart' });
			const restartMs = Date.now() - t;
			const before = (await executions()).length;
			const answers = [];
			for (const eventId of handledEvents) answers.push(await sandbox.webhookRedeliver(eventId));
			assert(answers.every((a) => a.status === 200 && /duplicate/.test(a.answer)), `redeliveries: ${answers.map((a) => `${a.status} ${a.answer}`).join(', ')}`);
			await sleep(1500);
			const after = (await executions()).length;
			assert(after === before, `executions ${before} -> ${after}`);
			return `${Math.max(...remembered)} event keys in the workflow's static data; n8n restarted in ${secs(restartMs)}; ${answers.length} events redelivered (signed anew) -> 200 duplicate, executions still ${after}`;
		});

		await check(CHECKS[9], async () => {
			const before = await executions();
			// n8n 1.x takes the workflow itself in the body (workflowData); 2.x loads it by id
			const workflowData = Number(install.version.split('.')[0]) < 2 ? { workflowData: await api('GET', `/workflows/${triggerWf.id}`) } : {};
			const run = await api('POST', `/workflows/${triggerWf.id}/run`, { ...workflowData, triggerToStartFrom: { name: 'TikTok Trigger' } });
			assert(run.waitingForWebhook === true, `run -> ${JSON.stringify(run).slice(0, 200)}`);
			await sandbox.configure({ webhook: { url: testUrl } });
			try {
				const forged = await sandbox.webhookSend(publicEvent('bad_signature', { forgedOnly: true }));
				assert(forged.deliveries[0].status === 401, `forged to the test URL -> ${forged.deliveries[0].status}`);
				const genuine = await sandbox.webhookSend(publicEvent(null));
				assert(genuine.deliveries[0].status === 200, `valid event to the test URL -> ${genuine.deliveries[0].status} ${genuine.deliveries[0].answer}`);
			} finally {
				await sandbox.configure({ webhook: { url: prodUrl } });
			}
			let manual;
			await waitFor(
				async () => {
					manual = (await executions()).filter((e) => e.mode === 'manual' && !before.some((b) => b.id === e.id));
					return manual.length === 1 && manual[0].status === 'success';
				},
				{ timeoutMs: 20000, intervalMs: 300, what: 'the manual (test URL) execution' },
			);
			const after = await new HttpClient(testUrl).request('POST', testUrl, { json: {} });
			assert(after.status === 404, `test URL after the test event -> ${after.status} (n8n removes the listener after one execution)`);
			return `POST /rest/workflows/:id/run -> waiting; forged -> 401 and still listening; valid -> manual execution ${manual[0].id}; then the test URL is closed (404)`;
		});

		await check(CHECKS[10], async () => {
			const all = await executions();
			const list = all.filter((e) => e.mode === 'webhook');
			const manual = all.filter((e) => e.mode === 'manual');
			assert(list.length === genuinePublic, `${list.length} production executions for ${genuinePublic} genuine public events`);
			const rows = await tableRows(api, projectId, tableId);
			// the test-URL execution (d9) ran the Data table node too
			assert(rows.length === list.length + manual.length, `${rows.length} rows for ${list.length} + ${manual.length} executions`);
			assert(rows.every((r) => /^https:\/\/www\.tiktok\.com\/embed\/v2\/\d{19}$/.test(r.post_url)), `row URLs: ${rows.map((r) => r.post_url).join(', ')}`);
			const { deliveries } = await sandbox.webhookDeliveries({ idle: true });
			const toProd = deliveries.filter((d) => d.url === prodUrl);
			const genuine = toProd.filter((d) => d.kind === 'genuine');
			const refused = toProd.filter((d) => d.status === 401);
			const forged = toProd.filter((d) => d.kind === 'bad_signature' || d.kind === 'stale_timestamp');
			assert(refused.length === forged.length && forged.every((d) => d.status === 401), 'every forged request refused with 401, nothing else');
			const secrets = [CLIENT_SECRET, token.access_token, token.refresh_token];
			for (const e of all) {
				const full = JSON.stringify(await api('GET', `/executions/${e.id}`));
				for (const s of secrets) assert(!full.includes(s), `execution ${e.id} contains a secret`);
			}
			for (const s of secrets) assert(!server.output.includes(s), 'n8n output contains a secret');
			const warned = (server.output.match(/TikTok Trigger refused a request/g) || []).length;
			const kinds = (k) => toProd.filter((d) => d.kind === k).length;
			const events = new Set(genuine.map((d) => d.eventId)).size;
			const publicEvents = new Set(genuine.filter((d) => d.event === PUBLIC_EVENT).map((d) => d.eventId)).size;
			line(
				`FIGURES  events delivered to the production URL: ${events} (${publicEvents} ${PUBLIC_EVENT}, ${events - publicEvents} filtered out); ` +
					`requests: ${toProd.length} (${genuine.length} genuine, ${kinds('duplicate')} duplicate, ${kinds('replay')} replay, ${forged.length} forged); ` +
					`executions started: ${list.length} (+${manual.length} from the test URL); forged requests refused: ${refused.length}/${forged.length} with 401 ` +
					`(+1 forged on the test URL, +1 unsigned probe); duplicates and replays started nothing; rows stored: ${rows.length}; refusal warnings in n8n's log since the restart: ${warned}`,
			);
			return `${list.length} executions for ${genuinePublic} public events, ${rows.length} rows (1 from the test URL), no secret in ${list.length} executions or n8n's output`;
		});

		const t = Date.now();
		await server.stop();
		line(`n8n stopped in ${secs(Date.now() - t)}`);
	},
};

async function createAndActivate(api, wf) {
	const created = await api('POST', '/workflows', { name: wf.name, nodes: wf.nodes, connections: wf.connections, settings: wf.settings, active: false });
	assert(created?.id && created.versionId, `POST /rest/workflows -> ${JSON.stringify(created).slice(0, 200)}`);
	await api('POST', `/workflows/${created.id}/activate`, { versionId: created.versionId });
	return created;
}

async function tableRows(api, projectId, tableId) {
	const r = await api('GET', `/projects/${projectId}/data-tables/${tableId}/rows?take=100`);
	return Array.isArray(r) ? r : r.data || r.rows || [];
}

/** Webhook -> TikTok Publish Video (public, by URL, waits for the result). */
function publishWorkflow(cred) {
	return {
		name: 'e2e d: publish a public video',
		nodes: [
			{
				id: 'd0000000-0000-4000-8000-000000000001',
				name: 'Publish request',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: 'd0000000-0000-4000-8000-0000000000aa',
				parameters: { httpMethod: 'POST', path: PUBLISH_PATH, responseMode: 'lastNode', options: {} },
			},
			{
				id: 'd0000000-0000-4000-8000-000000000002',
				name: 'TikTok Publish Video',
				type: `${PACKAGE_NAME}.tikTokPublishVideo`,
				typeVersion: 1,
				position: [260, 0],
				parameters: {
					source: 'url',
					videoUrl: '={{ $json.body.videoUrl }}',
					uploadMethod: 'auto',
					caption: '={{ $json.body.caption }}',
					privacyLevel: 'PUBLIC_TO_EVERYONE',
					allowComments: false,
					allowDuet: false,
					allowStitch: false,
					waitForResult: true,
					options: {},
				},
				credentials: { tikTokOAuth2Api: { id: cred.id, name: cred.name } },
			},
		],
		connections: { 'Publish request': { main: [[{ node: 'TikTok Publish Video', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}
