'use strict';
/*
 * The demo video's scenes (scripts/demo-video.js records them): what a person does in the editor, at
 * a human pace (fixed pauses), with a caption for each step. recordScenes() returns how long each
 * scene took and what it checked; it throws when something the video shows did not happen.
 */

const ui = require('../test/browser/lib/editor');
const { CLIENT_KEY, CLIENT_SECRET } = require('../test/e2e/lib/sandbox');
const { DEMO_WORKFLOW_ID, DEMO_NODES } = require('./demo-workflow');

const CAPTION_STYLE = [
	'position: fixed; right: 20px; bottom: 46px; max-width: 470px; z-index: 2147483647; pointer-events: none',
	'background: rgba(24, 24, 27, .9); color: #fff; border-radius: 10px; padding: 10px 16px',
	'font: 500 17px/1.4 system-ui, sans-serif; box-shadow: 0 8px 28px rgba(0, 0, 0, .35)',
].join('; ');
const STEP_STYLE = 'display: block; font-weight: 700; font-size: 13px; letter-spacing: .04em; color: #ff9b85; margin-bottom: 2px';
const CARD_STYLE = [
	'position: fixed; inset: 0; z-index: 2147483647; display: flex; align-items: center; justify-content: center; pointer-events: none',
	'background: rgba(24, 24, 27, .72); font-family: system-ui, sans-serif',
].join('; ');

const escapeHtml = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** One caption at a time, bottom right; a card covers the page for the title and the end. */
function narrator(page) {
	let shown;
	const replace = async (html) => {
		if (shown) await shown.dispose().catch(() => {});
		shown = html ? await page.screencast.showOverlay(html) : undefined;
	};
	return {
		caption: (text, step) => replace(`<div style="${CAPTION_STYLE}">${step ? `<span style="${STEP_STYLE}">${escapeHtml(step)}</span>` : ''}${escapeHtml(text)}</div>`),
		card: (title, lines) =>
			replace(
				`<div style="${CARD_STYLE}"><div style="background: #fff; border-radius: 16px; padding: 36px 48px; max-width: 860px; box-shadow: 0 12px 40px rgba(0,0,0,.4)">` +
					`<div style="font-size: 34px; font-weight: 700; color: #18181b; margin-bottom: 14px">${escapeHtml(title)}</div>` +
					lines.map((l) => `<div style="font-size: 20px; line-height: 1.5; color: #3f3f46">${escapeHtml(l)}</div>`).join('') +
					'</div></div>',
			),
		clear: () => replace(undefined),
	};
}

const hold = (page, seconds) => page.waitForTimeout(seconds * 1000);

/** n8n's toasts cover the output panels: close the ones showing. */
async function closeToasts(page) {
	for (const close of await page.locator('.el-notification__closeBtn').filter({ visible: true }).all()) await close.click().catch(() => {});
}

/**
 * The credential is created where a user meets the need: in the first TikTok node's Credential list.
 * n8n then sets it in every TikTok node of the workflow that has none.
 */
async function connectCredential({ page, context, dev }, say) {
	const step = '1 · CONNECT A TIKTOK ACCOUNT';
	await say.caption('Its TikTok nodes have no credential yet. In the first one: Credential › Create new credential', step);
	let ndv = await ui.openNode(page, DEMO_NODES.byUrl);
	await hold(page, 1.5);
	await ndv.locator('[data-test-id="node-credentials-select"]').click();
	await hold(page, 1);
	await page.getByText('Create new credential').filter({ visible: true }).first().click();
	const modal = page.locator('[data-test-id="editCredential-modal"]');
	await modal.waitFor();
	const { apiBaseUrl, authorizeUrl, tokenUrl } = dev.sandbox;
	await say.caption('Environment: Custom points the credential at the TikTok sandbox (a real app keeps TikTok)', step);
	await hold(page, 1);
	await ui.chooseOption(page, modal.locator('[data-test-id="parameter-input-environment"]'), 'Custom');
	for (const [parameter, value] of [['apiBaseUrl', apiBaseUrl], ['customAuthUrl', authorizeUrl], ['customTokenUrl', tokenUrl]]) await ui.fillParameter(modal, parameter, value);
	await hold(page, 2);
	await say.caption('Allow Private Network Addresses: the sandbox serves its test media on this machine (keep it off with TikTok)', step);
	await ui.setSwitch(modal, 'allowPrivateNetworks', true);
	await hold(page, 1.5);
	await say.caption('Client Key and Client Secret come from your app in TikTok\'s developer portal', step);
	await ui.fillParameter(modal, 'clientId', CLIENT_KEY);
	await hold(page, 1);
	await ui.fillParameter(modal, 'clientSecret', CLIENT_SECRET);
	await hold(page, 1.5);
	await say.caption('Connect my account: TikTok\'s consent page opens in a popup (the sandbox approves at once)', step);
	const popup = await ui.connectOAuth(context, modal);
	// connected from a node, the modal closes by itself once n8n has the token
	await modal.waitFor({ state: 'hidden' });
	await say.caption('Connected. n8n set the new credential in every TikTok node of the workflow', step);
	await hold(page, 3);
	await closeToasts(page);
	await ndv.locator('[data-test-id="credential-edit-button"]').click();
	await modal.waitFor();
	const status = await waitForConnected(page, modal);
	if (!status.connected) throw new Error(`the credential does not show "Account connected": ${JSON.stringify({ status, popup })}`);
	await say.caption('Account connected: n8n keeps the token and refreshes it when it expires', step);
	await hold(page, 2.5);
	await ui.closeModal(page, modal);
	// n8n loaded the node's lists when the credential was saved, before it had a token: open the node again
	await ui.closeNode(page);
	ndv = await ui.openNode(page, DEMO_NODES.byUrl);
	await say.caption('Privacy Level lists the account\'s own options (TikTok\'s creator info): this video goes to Everyone', step);
	// choosing the credential emptied the list's value (n8n keeps only values of the loaded list)
	await ndv.locator('[data-test-id="parameter-input-privacyLevel"]').click();
	const items = page.locator('.el-select-dropdown__item').filter({ visible: true });
	const everyone = items.filter({ hasText: 'Everyone' }).first();
	await everyone.waitFor({ timeout: 60000 });
	const options = await items.allInnerTexts();
	if (!options.every((o) => o.includes('posting as Sandbox Shop'))) throw new Error(`Privacy Level options without the account's name: ${JSON.stringify(options)}`);
	await hold(page, 3.5);
	await everyone.click();
	await hold(page, 1.5);
	await ui.closeNode(page);
	await ui.saveWorkflow(page);
	const assigned = await tikTokCredentials(dev);
	if (new Set(assigned.map((a) => a.credential)).size !== 1 || assigned.some((a) => !a.credential)) throw new Error(`the TikTok nodes' credentials: ${JSON.stringify(assigned)}`);
	return `credential "${assigned[0].credential}" connected (popup ${popup.closed ? 'closed by itself' : 'left open'}), set by n8n in ${assigned.length} TikTok nodes; Privacy Level: ${options.length} options "posting as Sandbox Shop"`;
}

async function waitForConnected(page, modal) {
	let status = await ui.credentialStatus(modal);
	for (let i = 0; i < 30 && !status.connected; i++) {
		await page.waitForTimeout(500);
		status = await ui.credentialStatus(modal);
	}
	return status;
}

/** The demo workflow's TikTok nodes and the credential each uses, as saved. */
async function tikTokCredentials(dev) {
	const r = await dev.rest.request('GET', `/rest/workflows/${DEMO_WORKFLOW_ID}`);
	const nodes = r.data?.data?.nodes ?? [];
	return nodes.filter((n) => n.type.startsWith('n8n-nodes-tiktok-content-posting.')).map((n) => ({ node: n.name, credential: n.credentials?.tikTokOAuth2Api?.name }));
}

/** Before the recording: the demo workflow's TikTok nodes without a credential, as a new user's are. */
async function removeCredentials(dev) {
	const current = await dev.rest.request('GET', `/rest/workflows/${DEMO_WORKFLOW_ID}`);
	const workflow = current.data?.data;
	if (!workflow) throw new Error(`could not read the demo workflow: ${current.status} ${current.text.slice(0, 200)}`);
	for (const node of workflow.nodes) delete node.credentials;
	const saved = await dev.rest.request('PATCH', `/rest/workflows/${DEMO_WORKFLOW_ID}`, {
		json: { nodes: workflow.nodes, connections: workflow.connections, versionId: workflow.versionId },
	});
	if (saved.status !== 200) throw new Error(`could not save the demo workflow: ${saved.status} ${saved.text.slice(0, 200)}`);
}

const OUTPUT_TOURS = [
	[DEMO_NODES.byUrl, 'From a URL: PUBLISH_COMPLETE, then the post ID and URL once TikTok\'s moderation passed'],
	[DEMO_NODES.byBinary, 'From binary data: the 12 MB file read from disk, uploaded, posted as Only Me'],
	[DEMO_NODES.photos, 'TikTok Post Photos: the 3-photo carousel posted'],
	[DEMO_NODES.status, 'TikTok › Get Status: the post looked up by the publish ID the first node returned'],
];

async function runWorkflow({ page, dev, log }, say) {
	const step = '2 · RUN IT';
	await say.caption('Execute workflow: a video from a URL, a video from binary data, photos, then Get Status', step);
	await hold(page, 1.5);
	const before = (await dev.sandbox.publishes()).length;
	const started = Date.now();
	const result = await ui.executeWorkflow(page, DEMO_NODES.photos);
	log(`  the run took ${((Date.now() - started) / 1000).toFixed(1)} s in the editor`);
	if (!result.ok) throw new Error(result.notRun ? 'the run ended before Post Photos' : `the run failed at "${result.failedNode}"`);
	await hold(page, 2);
	await closeToasts(page);
	for (const [name, caption] of OUTPUT_TOURS) {
		await say.caption(caption, step);
		await ui.openNode(page, name);
		await hold(page, 3.5);
		await ui.closeNode(page);
	}
	const posts = (await dev.sandbox.publishes()).slice(before);
	const kinds = posts.map((p) => `${p.mediaType ?? 'VIDEO'} ${p.source} ${p.status}${p.postIds?.length ? ' (post id)' : ''}`);
	const want = ['VIDEO PULL_FROM_URL', 'VIDEO FILE_UPLOAD', 'PHOTO PULL_FROM_URL'];
	const missing = want.filter((w) => !kinds.some((k) => k.startsWith(w) && / PUBLISH_COMPLETE/.test(k)));
	if (posts.length !== 3 || missing.length) throw new Error(`the sandbox received ${JSON.stringify(kinds)}; missing ${missing.join(', ')}`);
	if (!kinds.some((k) => k.startsWith('VIDEO PULL_FROM_URL') && k.includes('(post id)'))) throw new Error(`the public video has no post id: ${JSON.stringify(kinds)}`);
	return `the sandbox received ${kinds.join(', ')}`;
}

/** The trigger workflow's executions (REST, as the editor reads them). */
async function triggerExecutions(dev) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: dev.triggerWf.id }));
	const r = await dev.rest.request('GET', `/rest/executions?filter=${filter}`);
	return r.data?.data?.results ?? [];
}

async function showTrigger({ page, dev }, say) {
	const step = '3 · TIKTOK\'S WEBHOOK STARTS THE TIKTOK TRIGGER';
	// the sandbox delivered the post.publish.publicly_available webhook when the post id came
	let runs = [];
	for (let i = 0; i < 60 && !(runs = await triggerExecutions(dev)).some((e) => e.status === 'success'); i++) await page.waitForTimeout(1000);
	if (!runs.some((e) => e.status === 'success')) throw new Error(`no successful TikTok Trigger execution: ${JSON.stringify(runs.map((e) => e.status))}`);
	await say.caption('The public video passed moderation: TikTok sent the signed event post.publish.publicly_available to another, published workflow', step);
	await page.locator('[data-test-id="project-home-menu-item"]').click();
	await hold(page, 1.5);
	await page.getByText(dev.triggerWf.name).first().click();
	const trigger = page.locator('[data-test-id="canvas-node"][data-node-name="TikTok Trigger"]').filter({ visible: true });
	await trigger.waitFor();
	await hold(page, 2);
	let ndv = await ui.openNode(page, 'TikTok Trigger');
	await ndv.locator('[title="Click to display webhook URLs"]').click();
	await ndv.locator('[data-test-id="radio-button-production"]').click();
	await say.caption('Its TikTok Trigger: the Production URL is the Callback URL of the TikTok app; requests are checked with the credential\'s Client Secret', step);
	await hold(page, 5);
	await ui.closeNode(page);
	await say.caption('Executions: the run the webhook started', step);
	await page.locator('[data-test-id="radio-button-executions"]').click();
	await trigger.waitFor();
	await hold(page, 3);
	await trigger.dblclick();
	ndv = page.locator('[data-test-id="ndv"]');
	await ndv.waitFor();
	await say.caption('The event as the workflow gets it: publish ID, post ID and post URL; the next node stores them in a data table', step);
	await hold(page, 5);
	await ui.closeNode(page);
	return `TikTok Trigger executions: ${runs.map((e) => `${e.id} ${e.mode} ${e.status}`).join(', ')}`;
}

const SCENES = [
	['title', async ({ page }, say) => {
		await say.card('TikTok Content Posting for n8n', [
			'n8n 2.41.1 with the community package n8n-nodes-tiktok-content-posting,',
			'against the TikTok sandbox: a local stand-in for TikTok\'s API (no TikTok account is used).',
		]);
		await hold(page, 4.5);
		await say.caption('One workflow with every TikTok node; the sticky notes name each row', 'THE WORKFLOW');
		await hold(page, 3.5);
	}],
	['connect the credential', connectCredential],
	['run it, read the outputs', runWorkflow],
	['the trigger fired by the webhook', showTrigger],
	['end', async ({ page }, say) => {
		await say.card('Shown in one take', [
			'TikTok credential connected through OAuth',
			'TikTok Publish Video from a URL and from binary data',
			'TikTok Post Photos · TikTok › Get Status',
			'TikTok Trigger started by TikTok\'s signed webhook',
		]);
		await hold(page, 5);
		await say.clear();
	}],
];

async function recordScenes({ page, context, dev, log }) {
	const say = narrator(page);
	const scenes = [];
	const checks = [];
	for (const [name, scene] of SCENES) {
		const t0 = Date.now();
		log(`scene: ${name}`);
		try {
			const checked = await scene({ page, context, dev, log }, say);
			if (checked) checks.push(checked);
		} catch (e) {
			e.message = `scene "${name}": ${e.message}`;
			e.scenes = scenes;
			throw e;
		}
		scenes.push({ name, ms: Date.now() - t0 });
	}
	return { scenes, checks };
}

module.exports = { recordScenes, removeCredentials };
