'use strict';
/*
 * Part i: the shop examples (WooCommerce Trigger `product.created`, Shopify Trigger `products/create`)
 * with sample products pinned on their triggers, run the way the editor runs them: `n8n start`,
 * POST /rest/workflows/:id/run {triggerToStartFrom} (n8n uses pinned trigger data in manual runs only,
 * so no shop is needed). Checks the filter, the video URL built from the SKU / handle, the caption
 * built from name, price and tags, the post in the sandbox, and that the same product is posted once.
 */
const path = require('node:path');

const { freePort, HttpClient, sleep, secs } = require('../lib/util');
const { assert, check, skipAsFailed } = require('../lib/harness');
const { N8nInstance } = require('../lib/n8n');
const { sandboxCredential, CLIENT_KEY } = require('../lib/sandbox');
const { loadExample, useCredential, pointAtSandbox, publishIdOf } = require('../lib/runs');
const { wooProducts, shopifyProducts, pinned, expectedWoo, expectedShopify } = require('../lib/shop');

const OWNER = { email: 'e2e-shop@example.com', firstName: 'E2E', lastName: 'Shop', password: 'E2e-Sh0p-Passw0rd' };
const PUBLISH = 'TikTok Publish Video';
const CHECKS = [
	'i1 n8n started, shop examples created with pinned trigger data',
	'i2 WooCommerce product.created: the published product with a SKU is posted, with its caption and video',
	'i3 Shopify products/create: the active product is posted, with its caption and video',
	'i4 WooCommerce: the same product again posts nothing',
];

/** Manual run from a trigger with pinned data, as the editor's "Execute workflow" does; waits for the end. */
async function runFromTrigger(rest, flatted, workflowId, trigger, { timeoutMs = 180000 } = {}) {
	const start = await rest.request('POST', `/rest/workflows/${workflowId}/run`, { json: { triggerToStartFrom: { name: trigger } } });
	const executionId = start.data?.data?.executionId;
	assert(start.status === 200 && executionId, `POST /rest/workflows/${workflowId}/run -> ${start.status} ${start.text.slice(0, 300)}`);
	const t0 = Date.now();
	for (;;) {
		const r = await rest.request('GET', `/rest/executions/${executionId}`);
		const e = r.data?.data;
		if (e && e.status !== 'running' && e.status !== 'new' && e.stoppedAt) {
			const data = typeof e.data === 'string' ? flatted.parse(e.data) : e.data;
			return { status: e.status, data, ms: Date.now() - t0 };
		}
		assert(Date.now() - t0 < timeoutMs, `execution ${executionId} still ${e?.status} after ${timeoutMs / 1000} s`);
		await sleep(500);
	}
}

const outputOf = (data, node, output = 0) => (data?.resultData?.runData?.[node]?.[0]?.data?.main?.[output] ?? []).map((i) => i.json);

function assertSucceeded(run) {
	const err = run.data?.resultData?.error;
	assert(run.status === 'success' && !err, `status ${run.status}${err ? `: ${err.message} [node ${err.node?.name ?? '?'}]` : ''}`);
}

/** The example as a user imports it, pointed at the sandbox, with the sample products pinned on its trigger. */
function prepare(file, trigger, products, cred, sandbox) {
	const wf = pointAtSandbox(useCredential(loadExample(file), cred), sandbox);
	assert(wf.nodes.some((n) => n.name === trigger), `${file} has no node "${trigger}"`);
	wf.pinData = { [trigger]: pinned(products) };
	return wf;
}

/** The post the sandbox received for an output item, checked against the expected caption and file. */
async function assertPosted(sandbox, item, expected) {
	assert(item?.status === 'PUBLISH_COMPLETE' && publishIdOf(item), `TikTok Publish Video output: ${JSON.stringify(item)?.slice(0, 300)}`);
	const post = (await sandbox.publishes()).find((p) => (p.publishId ?? p.publish_id) === publishIdOf(item));
	assert(post, `the sandbox has no post ${publishIdOf(item)}`);
	const title = post.initBody?.post_info?.title;
	assert(title === expected.caption, `caption sent to TikTok:\n  ${JSON.stringify(title)}\nexpected\n  ${JSON.stringify(expected.caption)}`);
	const url = post.initBody?.source_info?.video_url;
	const log = await sandbox.log();
	const fetched = url || log.map((e) => e.path).find((p) => p.endsWith(`/media/${expected.file}`));
	assert(fetched && fetched.endsWith(`/media/${expected.file}`), `video source ${url ?? '(uploaded)'}; expected a URL ending in /media/${expected.file}`);
	return `${publishIdOf(item)} ${item.status} via ${item.uploadMethod}, video ${expected.file}, caption ${JSON.stringify(title)}`;
}

module.exports = {
	id: 'i',
	title: 'i: shop examples with pinned trigger data (n8n start + manual run)',
	checks: CHECKS,
	async run({ install, tarball, sandbox, mediaDir, cleanups, userFolder }) {
		const n8n = new N8nInstance(install, userFolder('user-i'), { fileAccessDirs: [mediaDir] });
		const flatted = require(path.join(install.appDir, 'node_modules', 'flatted'));
		const port = await freePort();
		const rest = new HttpClient(`http://localhost:${port}`, { headers: { 'browser-id': 'e2e-shop-0001' } });
		const ids = {};
		const ok1 = await check(CHECKS[0], async () => {
			await n8n.installPackageTarball(tarball);
			await sandbox.reset();
			const token = await sandbox.mintToken({ clientKey: CLIENT_KEY });
			const cred = sandboxCredential({ id: 'tkE2eCredShop01', name: 'TikTok sandbox (shop)', sandbox, oauthTokenData: token });
			await n8n.importCredentials([cred]);
			const t = Date.now();
			const server = await n8n.startServer({ port });
			cleanups.push(() => server.stop());
			const setup = await rest.request('POST', '/rest/owner/setup', { json: OWNER });
			assert(setup.status === 200, `POST /rest/owner/setup -> ${setup.status} ${setup.text.slice(0, 200)}`);
			const workflows = [
				['woo', prepare('publish-when-woocommerce-product-created.json', 'WooCommerce Trigger', wooProducts(), cred, sandbox)],
				['shopify', prepare('publish-when-shopify-product-created.json', 'Shopify Trigger', shopifyProducts(), cred, sandbox)],
			];
			for (const [key, wf] of workflows) {
				const r = await rest.request('POST', '/rest/workflows', {
					json: { name: wf.name, nodes: wf.nodes, connections: wf.connections, settings: wf.settings, pinData: wf.pinData, active: false },
				});
				assert(r.status === 200 && r.data?.data?.id, `POST /rest/workflows (${wf.name}) -> ${r.status} ${r.text.slice(0, 300)}`);
				ids[key] = r.data.data.id;
			}
			return `n8n ready in ${secs(Date.now() - t)}; workflows ${ids.woo} (WooCommerce), ${ids.shopify} (Shopify), no shop credentials`;
		});
		if (!ok1) return skipAsFailed(CHECKS.slice(1), 'setup of part i failed');

		const okWoo = await check(CHECKS[1], async () => {
			const run = await runFromTrigger(rest, flatted, ids.woo, 'WooCommerce Trigger');
			assertSucceeded(run);
			const filtered = outputOf(run.data, 'Published, with a SKU');
			assert(filtered.length === 1 && filtered[0].sku === wooProducts()[0].sku, `filter kept ${JSON.stringify(filtered.map((p) => p.sku))} (the draft must be dropped)`);
			const built = outputOf(run.data, 'Video URL and caption');
			const expected = expectedWoo(wooProducts()[0]);
			assert(built.length === 1 && built[0].videoUrl.endsWith(`/media/${expected.file}`), `video URL ${built[0]?.videoUrl}`);
			const items = outputOf(run.data, PUBLISH);
			assert(items.length === 1, `${items.length} posts, expected 1`);
			return `${secs(run.ms)}; draft skipped; ${await assertPosted(sandbox, items[0], expected)}`;
		});

		await check(CHECKS[2], async () => {
			const run = await runFromTrigger(rest, flatted, ids.shopify, 'Shopify Trigger');
			assertSucceeded(run);
			const items = outputOf(run.data, PUBLISH);
			assert(items.length === 1, `${items.length} posts, expected 1`);
			return `${secs(run.ms)}; ${await assertPosted(sandbox, items[0], expectedShopify(shopifyProducts()[0]))}`;
		});

		await check(CHECKS[3], async () => {
			assert(okWoo, 'the first WooCommerce run (i2) failed');
			const before = (await sandbox.publishes()).length;
			const run = await runFromTrigger(rest, flatted, ids.woo, 'WooCommerce Trigger');
			assertSucceeded(run);
			const discarded = outputOf(run.data, 'Not posted before', 1);
			assert(outputOf(run.data, 'Not posted before', 0).length === 0 && discarded.length === 1, `Not posted before: kept ${outputOf(run.data, 'Not posted before', 0).length}, discarded ${discarded.length}`);
			assert(outputOf(run.data, PUBLISH).length === 0, 'TikTok Publish Video posted again');
			const after = (await sandbox.publishes()).length;
			assert(after === before, `the sandbox got ${after - before} new posts`);
			return `product ${discarded[0].id} discarded by "Not posted before"; 0 new posts`;
		});
	},
};
