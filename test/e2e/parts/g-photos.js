'use strict';
/*
 * Part g: photo posts and looking posts up, in the real n8n. On `n8n start`, through real webhooks:
 * the photo example as a shop would call it, in both modes (Direct Post, and a copy switched to Send
 * to Inbox as Draft); a pull in progress cancelled; the account's posting options; a bad photo
 * refused before any call to TikTok (the sandbox log proves it). Then headless (CLI, the example as
 * a user imports it): the "check later" example looks both publish_ids up.
 */
const { randomUUID } = require('node:crypto');

const { secs, freePort, HttpClient } = require('../lib/util');
const { line, assert, check, skipAsFailed } = require('../lib/harness');
const { N8nInstance, PACKAGE_NAME, postToNewWebhook } = require('../lib/n8n');
const { sandboxCredential, CLIENT_KEY } = require('../lib/sandbox');
const { nodeItems, assertRunSucceeded, publishIdOf, loadExample, useCredential } = require('../lib/runs');

const OWNER = { email: 'e2e-photos@example.com', firstName: 'E2E', lastName: 'Photos', password: 'E2e-Passw0rd!' };
const CHECKS = [
	'g1 photo example, Direct Post, through its webhook',
	'g2 photo example switched to Send to Inbox as Draft',
	'g3 Post: Cancel a photo pull in progress',
	'g4 Account: Get Posting Options',
	'g5 bad photo refused before any call to TikTok',
	'g6 check-later example (CLI): Get Status of both publish_ids',
];

/** A workflow for the server checks: a webhook (answering with the last node's item) and the given nodes in a row. */
function webhookWorkflow(name, webhookPath, nodes, cred) {
	const hook = {
		id: `e2e-g-${webhookPath}`,
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', options: {} },
	};
	const chain = nodes.map((node, index) => ({
		id: `e2e-g-${webhookPath}-${index}`,
		typeVersion: 1,
		position: [260 * (index + 1), 0],
		credentials: { tikTokOAuth2Api: { id: cred.id, name: cred.name } },
		...node,
	}));
	const all = [hook, ...chain];
	const connections = {};
	for (let i = 0; i + 1 < all.length; i++) connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	return { name, nodes: all, connections, settings: { executionOrder: 'v1' } };
}

/** The product a shop's webhook sends (WooCommerce's shape), its photos on the sandbox's verified /media/. */
function product(sandbox, name) {
	const media = `${sandbox.baseUrl}/media/`;
	return {
		name,
		short_description: '<p>Breathable <strong>linen</strong>, made in Portugal.</p>',
		images: [
			{ id: 1, src: `${media}${name.replace(/\W+/g, '-')}-front.jpg?w=1080&h=1350&bytes=300000`, alt: '' },
			{ id: 2, src: `${media}${name.replace(/\W+/g, '-')}-back.webp?w=1080&h=1080&webp=vp8x`, alt: '' },
			{ id: 3, src: `${media}${name.replace(/\W+/g, '-')}-detail.jpg?w=720&h=960&sof=2`, alt: '' },
		],
	};
}

module.exports = {
	id: 'g',
	title: 'g: photo posts and post lookup (n8n start + webhook, then CLI)',
	checks: CHECKS,
	async run({ install, tarball, sandbox, cleanups, userFolder }) {
		const n8n = new N8nInstance(install, userFolder('user-g'));
		await n8n.installPackageTarball(tarball);
		await sandbox.reset();
		const token = await sandbox.mintToken({ clientKey: CLIENT_KEY });
		const cred = sandboxCredential({ id: 'tkE2eCredG00001', name: 'TikTok sandbox (photos)', sandbox, oauthTokenData: token });
		await n8n.importCredentials([cred]);

		const port = await freePort();
		const rest = new HttpClient(`http://localhost:${port}`, { headers: { 'browser-id': 'e2e-browser-g' } });
		let server;
		const started = Date.now();
		try {
			server = await n8n.startServer({ port });
			cleanups.push(() => server.stop());
			const setup = await rest.request('POST', '/rest/owner/setup', { json: OWNER });
			assert(setup.status === 200, `POST /rest/owner/setup -> ${setup.status} ${setup.text.slice(0, 300)}`);
			const types = await rest.request('GET', '/types/nodes.json');
			const names = Array.isArray(types.data) ? types.data.map((t) => t.name) : [];
			for (const type of ['tikTokPostPhotos', 'tikTok']) assert(names.includes(`${PACKAGE_NAME}.${type}`), `${PACKAGE_NAME}.${type} not loaded by n8n`);
			line(`n8n ready with the photo and TikTok nodes in ${secs(Date.now() - started)}`);
		} catch (error) {
			if (server) await server.stop();
			return skipAsFailed(CHECKS, `n8n server: ${error.message.split('\n')[0]}`);
		}

		/** Creates and activates a workflow whose trigger is a webhook, calls it once, deactivates it. */
		async function runViaWebhook(wf, item) {
			const created = await rest.request('POST', '/rest/workflows', {
				json: { name: wf.name, nodes: wf.nodes, connections: wf.connections, settings: wf.settings, active: false },
			});
			assert(created.status === 200 && created.data?.data?.id, `POST /rest/workflows -> ${created.status} ${created.text.slice(0, 300)}`);
			const { id, versionId } = created.data.data;
			const act = await rest.request('POST', `/rest/workflows/${id}/activate`, { json: { versionId } });
			assert(act.status === 200, `activate -> ${act.status} ${act.text.slice(0, 300)}`);
			const webhookPath = wf.nodes.find((n) => n.type === 'n8n-nodes-base.webhook').parameters.path;
			const hook = await postToNewWebhook(server.url, webhookPath, item);
			await rest.request('POST', `/rest/workflows/${id}/deactivate`, { json: {} });
			assert(hook.status === 200, `POST /webhook/${webhookPath} -> ${hook.status} ${hook.text.slice(0, 400)}`);
			return Array.isArray(hook.data) ? hook.data[0] : hook.data;
		}

		/** A copy of the photo example in the given mode, called with a product. */
		async function postThroughWebhook(postMode, webhookPath, item) {
			const wf = useCredential(loadExample('post-product-photos-when-product-added.json'), cred);
			const hookNode = wf.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
			hookNode.parameters.path = webhookPath;
			hookNode.webhookId = randomUUID();
			wf.nodes.find((n) => n.name === 'TikTok Post Photos').parameters.postMode = postMode;
			wf.name = `${wf.name} (${postMode})`;
			const out = await runViaWebhook(wf, item);
			const record = (await sandbox.publishes()).find((p) => p.publishId === publishIdOf(out));
			assert(record, `the sandbox has no publish for the webhook's answer ${JSON.stringify(out).slice(0, 300)}`);
			return { out, record };
		}

		const ids = {};
		await check(CHECKS[0], async () => {
			const item = product(sandbox, 'Linen shirt');
			const logStart = (await sandbox.log()).length;
			const { out, record } = await postThroughWebhook('direct', 'tiktok-photos-direct', item);
			assert(out.status === 'PUBLISH_COMPLETE' && out.mediaType === 'photo' && out.mode === 'direct_post', `answer ${JSON.stringify(out).slice(0, 400)}`);
			assert(out.photoCount === 3 && out.photoChecks?.[1]?.format === 'webp', `photo checks ${JSON.stringify(out.photoChecks)}`);
			const body = record.initBody;
			assert(body.post_mode === 'DIRECT_POST' && body.media_type === 'PHOTO', `init body ${JSON.stringify(body).slice(0, 300)}`);
			assert(JSON.stringify(body.source_info.photo_images) === JSON.stringify(item.images.map((i) => i.src)), 'photo_images are not the product images');
			assert(body.post_info.title === 'Linen shirt' && body.post_info.description.startsWith('Breathable linen, made in Portugal.'), `text ${JSON.stringify(body.post_info)}`);
			assert(body.post_info.privacy_level === 'SELF_ONLY', `privacy ${body.post_info.privacy_level}`);
			assert(record.images.every((i) => ['jpeg', 'webp'].includes(i.format)), `sandbox read ${JSON.stringify(record.images)}`);
			const heads = (await sandbox.log()).slice(logStart).filter((e) => e.path.startsWith('/media/') && e.range === 'bytes=0-65535');
			assert(heads.length === 3, `expected 3 ranged head reads by the node, saw ${heads.length}`);
			ids.direct = publishIdOf(out);
			return `${ids.direct} ${out.status}; 3 photos (ranged head reads: ${heads.length}), title and text from the product`;
		});

		await check(CHECKS[1], async () => {
			const { out, record } = await postThroughWebhook('inbox', 'tiktok-photos-draft', product(sandbox, 'Wool scarf'));
			assert(out.status === 'SEND_TO_USER_INBOX' && out.mode === 'draft', `answer ${JSON.stringify(out).slice(0, 400)}`);
			const body = record.initBody;
			assert(body.post_mode === 'MEDIA_UPLOAD', `post_mode ${body.post_mode}`);
			assert(JSON.stringify(Object.keys(body.post_info).sort()) === '["description","title"]', `draft post_info ${JSON.stringify(body.post_info)}`);
			ids.draft = publishIdOf(out);
			return `${ids.draft} ${out.status}; post_info: title and description only`;
		});

		await check(CHECKS[2], async () => {
			const media = `${sandbox.baseUrl}/media/`;
			const wf = webhookWorkflow('e2e: post, then cancel the pull', 'tiktok-photos-cancel', [
				{
					name: 'Post photos',
					type: `${PACKAGE_NAME}.tikTokPostPhotos`,
					parameters: {
						postMode: 'direct',
						photoUrls: `${media}c1.jpg\n${media}c2.jpg?bytes=90000&stallMs=60000`,
						privacyLevel: 'SELF_ONLY',
						waitForResult: false,
						options: {},
					},
				},
				{ name: 'Cancel', type: `${PACKAGE_NAME}.tikTok`, parameters: { resource: 'post', operation: 'cancel', publishId: '={{ $json.publishId }}' } },
			], cred);
			const out = await runViaWebhook(wf, {});
			assert(out?.cancelled === true && out.status === 'FAILED' && out.failReason === 'publish_cancelled', `cancel gave ${JSON.stringify(out)}`);
			const record = (await sandbox.publishes()).find((p) => p.publishId === out.publishId);
			assert(record?.status === 'FAILED' && record.failReason === 'publish_cancelled', `sandbox ${JSON.stringify(record)?.slice(0, 200)}`);
			return `${out.publishId} cancelled while TikTok pulled the photos: ${out.status} ${out.failReason}`;
		});

		await check(CHECKS[3], async () => {
			const wf = webhookWorkflow('e2e: posting options', 'tiktok-posting-options', [
				{ name: 'Posting options', type: `${PACKAGE_NAME}.tikTok`, parameters: { resource: 'account', operation: 'getPostingOptions' } },
			], cred);
			const out = await runViaWebhook(wf, {});
			assert(out?.canPost === true && out.displayName === 'Sandbox Shop' && out.privacyLevelOptions?.includes('SELF_ONLY'), `gave ${JSON.stringify(out)}`);
			assert(!/avatar|sandbox\.shop/.test(JSON.stringify(out)), `profile data in ${JSON.stringify(out)}`);
			return `canPost, ${out.privacyLevelOptions.join('/')}, max ${out.maxVideoPostDurationSec} s`;
		});

		await check(CHECKS[4], async () => {
			const media = `${sandbox.baseUrl}/media/`;
			const wf = webhookWorkflow('e2e: a bad photo', 'tiktok-photos-bad', [
				{
					name: 'Post photos',
					type: `${PACKAGE_NAME}.tikTokPostPhotos`,
					// "On Error: Continue": the webhook answers with the error item instead of n8n's generic error
					onError: 'continueRegularOutput',
					parameters: { postMode: 'direct', photoUrls: `${media}ok.jpg\n${media}too-big.jpg?w=1086&h=1448`, privacyLevel: 'SELF_ONLY', options: {} },
				},
			], cred);
			const logStart = (await sandbox.log()).length;
			const out = await runViaWebhook(wf, {});
			assert(/^Photo 2 of 2 .* is 1086 × 1448 px: its short side \(1086 px\) is over TikTok's limit of 1080 px/.test(out?.error ?? ''), `answer ${JSON.stringify(out)}`);
			assert(/Nothing was sent to TikTok\.$/.test(out.description ?? ''), `description ${out.description}`);
			const calls = (await sandbox.log()).slice(logStart);
			const tiktok = calls.filter((e) => e.path.startsWith('/v2/'));
			assert(tiktok.length === 0, `TikTok was called: ${tiktok.map((e) => e.path).join(', ')}`);
			const heads = calls.filter((e) => e.path.startsWith('/media/'));
			return `refused: "${out.error.slice(0, 90)}…"; ${heads.length} photo head reads, 0 TikTok calls`;
		});

		const t = Date.now();
		await server.stop();
		line(`n8n stopped in ${secs(Date.now() - t)}`);

		await check(CHECKS[5], async () => {
			assert(ids.direct && ids.draft, 'g1/g2 gave no publish_ids');
			const wf = useCredential(loadExample('check-timed-out-posts-later.json'), cred);
			const code = wf.nodes.find((n) => n.name === 'Posts to check');
			code.parameters.jsCode = `return ${JSON.stringify([ids.direct, ids.draft, 'p_pub_url~v2.404'].map((publishId) => ({ json: { publishId } })))};`;
			await n8n.importWorkflow(wf);
			const exec = await n8n.execute(wf.id);
			const how = assertRunSucceeded(exec);
			const items = nodeItems(exec.run, 'TikTok');
			assert(items?.length === 3, `TikTok node gave ${JSON.stringify(items)}`);
			assert(items[0].status === 'PUBLISH_COMPLETE' && items[0].final === true && items[0].mediaType === 'photo', `first ${JSON.stringify(items[0])}`);
			assert(items[1].status === 'SEND_TO_USER_INBOX' && items[1].mode === 'draft', `second ${JSON.stringify(items[1])}`);
			assert(/invalid_publish_id/.test(items[2].error ?? ''), `third ${JSON.stringify(items[2])}`);
			const done = nodeItems(exec.run, 'Done: record the result') ?? [];
			const later = nodeItems(exec.run, 'Still processing: check next run') ?? [];
			assert(done.length === 2 && later.length === 1, `IF routed ${done.length} done / ${later.length} later`);
			return `${how}; ${items.map((i) => i.status ?? 'error').join(', ')}; 2 final, 1 to check again`;
		});

	},
};
