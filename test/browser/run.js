#!/usr/bin/env node
/*
 * npm run test:browser — the editor as a person meets it, in a real Chromium.
 *
 *   setup  Debian's chromium (apt-get when missing), then what `npm run dev` starts
 *          (scripts/dev-environment.js: n8n 2.41.1 with the packed package, the TikTok sandbox, the
 *          examples) on free ports in a throwaway user folder; headless Chromium with a fresh profile
 *   checks sign in; create a TikTok credential (environment Custom -> the sandbox) and connect it
 *          through the OAuth popup; run an example with it from the editor and read the output;
 *          Privacy Level names the account; exactly one posting declaration in every combination of
 *          the branded-content toggles; a wrong Client Secret is not reported as a working connection;
 *          the TikTok Post Photos panel (photo list, cover limits) and the TikTok Trigger panel
 *          (Production URL, its notice): panels.js
 *
 * Plain Node.js like the e2e suite (PASS/FAIL lines, "N passed, N failed"). Screenshots go to
 * .cache/screenshots/ (git-ignored); `node scripts/readme-screenshots.js` copies the README's from there.
 * Env: BROWSER_KEEP=1 keeps the work folder (.cache/browser/run-*; kept anyway after a failure);
 * BROWSER_ONLY=br7,br8 runs only those checks (with br1) while developing them.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { ensureChromium, launchChromium } = require('./lib/chromium');
const ui = require('./lib/editor');
const { startDevEnvironment, devEnvironmentHandle } = require('../../scripts/dev-environment');
const { REPO_ROOT, secs, pidAlive } = require('../e2e/lib/util');
const { line, assert, check, skipAsFailed, part, summary } = require('../e2e/lib/harness');
const { CLIENT_KEY, CLIENT_SECRET } = require('../e2e/lib/sandbox');
const { checkPhotosPanel, checkTriggerPanel } = require('./panels');

const SCREENSHOTS = path.join(REPO_ROOT, '.cache', 'screenshots');
const SCHEDULE_WF = 'tkExampleSched01';
const SHOPIFY_WF = 'tkExampleShopify';
const PUBLISH_NODE = 'TikTok Publish Video';
const DECLARATION = "By posting, you agree to TikTok's";
const CHECKS = [
	'br1 sign in to the npm run dev editor',
	'br2 TikTok credential: Connect my account -> sandbox consent popup -> "Account connected"',
	'br3 an example runs from the editor with that credential; its output read in the node panel',
	'br4 TikTok Publish Video: the Privacy Level list names the account',
	'br5 exactly one posting declaration in each combination of the branded-content toggles',
	'br6 a wrong Client Secret is not reported as a working connection',
	'br7 TikTok Post Photos panel: the photo list (one URL per line) and Cover Photo Index limited to 0-34',
	'br8 TikTok Trigger panel: the Production URL is the URL TikTok calls, with its notice under it',
];

/** BROWSER_ONLY=br7,br8: only those checks (and br1, the sign-in they need); the others are skipped. */
const ONLY = process.env.BROWSER_ONLY ? new Set(['br1', ...process.env.BROWSER_ONLY.split(',').map((x) => x.trim())]) : undefined;

/** check() with a screenshot of the page when the check fails (.cache/screenshots/failed-<id>.png). */
async function checkWithShot(page, name, fn) {
	const id = name.split(' ')[0];
	if (ONLY && !ONLY.has(id)) {
		line(`SKIP  ${name} (BROWSER_ONLY)`);
		return false;
	}
	return check(name, async () => {
		try {
			return await fn();
		} catch (e) {
			const file = await shot(page, `failed-${id}`).catch(() => undefined);
			if (file) e.message = `${e.message} (screenshot ${file})`;
			throw e;
		}
	});
}

function workFolder() {
	const root = path.join(REPO_ROOT, '.cache', 'browser');
	fs.mkdirSync(root, { recursive: true });
	for (const f of fs.readdirSync(root)) {
		const m = /^run-(\d+)-/.exec(f);
		if (m && !pidAlive(Number(m[1]))) fs.rmSync(path.join(root, f), { recursive: true, force: true });
	}
	const dir = path.join(root, `run-${process.pid}-${Date.now()}`);
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

async function shot(page, name) {
	fs.mkdirSync(SCREENSHOTS, { recursive: true });
	// toasts cover the panels, and dropdowns fade in: let the page settle first
	for (const close of await page.locator('.el-notification__closeBtn').filter({ visible: true }).all()) await close.click().catch(() => {});
	await page.waitForTimeout(800);
	const file = path.join(SCREENSHOTS, `${name}.png`);
	await page.screenshot({ path: file });
	return path.relative(REPO_ROOT, file);
}

/** New TikTok credential pointed at the sandbox, connected through the popup. */
function createAndConnect(page, context, dev, { name, clientSecret }) {
	const { apiBaseUrl, authorizeUrl, tokenUrl } = dev.sandbox;
	return ui.createTikTokCredential(page, context, dev.server.url, { name, apiBaseUrl, authorizeUrl, tokenUrl, clientKey: CLIENT_KEY, clientSecret });
}

async function run(dev, page, context, out) {
	const ok1 = await checkWithShot(page, CHECKS[0], async () => {
		const landed = await ui.signIn(page, dev.server.url, dev.login);
		return `${dev.login.email} -> ${landed}`;
	});
	if (!ok1) return skipAsFailed(CHECKS.slice(1), 'could not sign in');

	const connectedName = 'TikTok (browser)';
	const ok2 = await checkWithShot(page, CHECKS[1], async () => {
		const logStart = (await dev.sandbox.log()).length;
		const { modal, popup, status } = await createAndConnect(page, context, dev, { name: connectedName, clientSecret: CLIENT_SECRET });
		out.credentialShot = await shot(page, 'credential-connected');
		assert(status.connected, `no "Account connected" in the credential (banners: ${JSON.stringify(status)}); popup ${JSON.stringify(popup)}`);
		// the package's notice sits between the fields it is about (n8n orders oAuth2Api's fields first)
		const form = await ui.credentialFormOrder(modal);
		assert(form.clientId !== undefined && form.notice !== undefined && form.clientSecret !== undefined, `Client ID, the notice and Client Secret are not all shown: ${JSON.stringify(form)}`);
		assert(form.clientId < form.notice && form.notice < form.clientSecret, `the notice is not between Client ID and Client Secret: ${JSON.stringify(form)}`);
		assert(popup.closed || popup.leftOpenAt?.includes('/rest/oauth2-credential/callback'), `the popup stopped at ${popup.leftOpenAt}`);
		const log = (await dev.sandbox.log()).slice(logStart);
		const authorize = log.find((e) => e.method === 'GET' && e.path.endsWith('/auth/authorize/'));
		const exchange = log.find((e) => e.method === 'POST' && /\/oauth\/token\/?$/.test(e.path) && e.body?.grant_type === 'authorization_code');
		assert(authorize && authorize.status === 302, `the popup did not go through the sandbox's authorize page (${JSON.stringify(authorize)})`);
		assert(exchange && !exchange.errorCode, `no successful code exchange in the sandbox log (${JSON.stringify(exchange)})`);
		await ui.closeModal(page, modal);
		return `popup ${popup.closed ? 'closed by itself' : 'left open on the callback page'}; authorize 302 -> code exchange; "Account connected"; the Client key notice between Client ID and Client Secret; ${out.credentialShot}`;
	});

	await checkWithShot(page, CHECKS[2], async () => {
		assert(ok2, 'no connected credential (br2 failed)');
		await ui.openWorkflow(page, dev.server.url, SCHEDULE_WF);
		let ndv = await ui.openNode(page, PUBLISH_NODE);
		await ui.selectNodeCredential(page, ndv, connectedName);
		await ui.closeNode(page);
		await ui.saveWorkflow(page);
		const before = (await dev.sandbox.publishes()).length;
		const result = await ui.executeWorkflow(page, PUBLISH_NODE);
		assert(result.ok, result.notRun ? `the run ended without running ${PUBLISH_NODE}` : `the run failed at node "${result.failedNode}"`);
		ndv = await ui.openNode(page, PUBLISH_NODE);
		const output = await ui.readOutput(page, ndv);
		out.outputShot = await shot(page, 'example-output');
		await ui.closeNode(page);
		const items = JSON.parse(output.json);
		assert(Array.isArray(items) && items.length === 2, `the node panel shows ${Array.isArray(items) ? items.length : '?'} output items, expected 2: ${output.json.slice(0, 300)}`);
		assert(items.every((i) => i.status === 'PUBLISH_COMPLETE' && i.publishId), `output: ${output.json.slice(0, 400)}`);
		assert((output.table.match(/PUBLISH_COMPLETE/g) || []).length === 2, `table view: ${output.table.slice(0, 300)}`);
		const pubs = (await dev.sandbox.publishes()).slice(before);
		assert(pubs.length === 2, `the sandbox received ${pubs.length} posts, expected 2`);
		return `"${SCHEDULE_WF}" run from the editor: ${items.map((i) => `${i.publishId} ${i.status}`).join(', ')}; ${out.outputShot}`;
	});

	let ndv;
	await checkWithShot(page, CHECKS[3], async () => {
		await ui.openWorkflow(page, dev.server.url, SHOPIFY_WF);
		ndv = await ui.openNode(page, PUBLISH_NODE);
		await ui.selectNodeCredential(page, ndv, ok2 ? connectedName : dev.credential.name, { reloads: 'privacyLevel' });
		const list = await ui.readLoadedOptions(page, ndv, 'privacyLevel');
		assert(!list.error, `Privacy Level could not load: ${list.error}`);
		out.nodeShot = await shot(page, 'node-privacy-level');
		await list.close();
		const nickname = 'Sandbox Shop'; // the sandbox account's creator_nickname (test/sandbox/state.js)
		assert(list.options.length > 0, 'the list is empty');
		const missing = list.options.filter((o) => !o.description.includes(`posting as ${nickname}`));
		assert(!missing.length, `options without "posting as ${nickname}": ${JSON.stringify(missing)}`);
		return `${list.options.map((o) => `${o.name} (${o.description})`).join('; ')}; ${out.nodeShot}`;
	});

	await checkWithShot(page, CHECKS[4], async () => {
		if (!ndv) {
			await ui.openWorkflow(page, dev.server.url, SHOPIFY_WF);
			ndv = await ui.openNode(page, PUBLISH_NODE);
		}
		const seen = [];
		const wrong = [];
		// Your Brand and Branded Content show only while Disclose Commercial Content is on, but keep
		// their values when it is turned off: reach every state the way a user can.
		for (const commercial of [false, true]) {
			for (const yourBrand of [false, true]) {
				for (const branded of [false, true]) {
					await ui.setSwitch(ndv, 'commercialContent', true);
					await ui.setSwitch(ndv, 'yourBrand', yourBrand);
					await ui.setSwitch(ndv, 'brandedContent', branded);
					await ui.setSwitch(ndv, 'commercialContent', commercial);
					const notices = await ui.visibleNotices(ndv, DECLARATION);
					const state = `commercial ${commercial ? 'on' : 'off'}, your brand ${yourBrand ? 'on' : 'off'}, branded ${branded ? 'on' : 'off'}`;
					seen.push(`${state}: ${notices.length}`);
					if (notices.length !== 1) {
						wrong.push(`${state}: ${notices.length} notices ${JSON.stringify(notices)}`);
						await shot(page, `declaration-${+commercial}${+yourBrand}${+branded}`);
					}
				}
			}
		}
		// back to the example's settings (all off)
		await ui.setSwitch(ndv, 'commercialContent', true);
		await ui.setSwitch(ndv, 'yourBrand', false);
		await ui.setSwitch(ndv, 'brandedContent', false);
		await ui.setSwitch(ndv, 'commercialContent', false);
		await ui.closeNode(page);
		await ui.saveWorkflow(page);
		ndv = undefined;
		assert(!wrong.length, `not exactly one declaration in: ${wrong.join('; ')}`);
		return seen.join('; ');
	});

	await checkWithShot(page, CHECKS[5], async () => {
		const { modal, popup, status } = await createAndConnect(page, context, dev, { name: 'TikTok (wrong secret)', clientSecret: 'not-the-client-secret' });
		out.wrongShot = await shot(page, 'wrong-secret-credential');
		const form = await ui.credentialFormOrder(modal);
		await ui.closeModal(page, modal);
		// n8n 2.41.1 shows "Account connected" whatever TikTok answered; the form's notice says so
		const warned = /"Account connected" even when TikTok refused/.test(form.noticeText ?? '');
		const inModal = status.errors.length > 0 || !status.connected || warned;
		// the credential is used where a user goes next: the node's Privacy Level list
		await ui.openWorkflow(page, dev.server.url, SHOPIFY_WF);
		const node = await ui.openNode(page, PUBLISH_NODE);
		await ui.selectNodeCredential(page, node, 'TikTok (wrong secret)', { reloads: 'privacyLevel' });
		const list = await ui.readLoadedOptions(page, node, 'privacyLevel');
		if (list.close) await list.close();
		await shot(page, 'wrong-secret-node');
		await ui.selectNodeCredential(page, node, dev.credential.name);
		await ui.closeNode(page);
		await ui.saveWorkflow(page);
		// what makes the user look at the credential: TikTok's refusal named, Client Key/Secret, reconnect
		const actionable = /client secret|client key|invalid_client|reconnect|connect my account/i;
		const inNode = Boolean(list.error && actionable.test(list.error));
		const seen = `credential modal: ${status.connected ? '"Account connected"' : 'not connected'}${status.errors.length ? `, error ${JSON.stringify(status.errors)}` : ', no error shown'}${warned ? ', its notice warns that "Account connected" is shown even when TikTok refused' : ', no warning'}; Privacy Level: ${list.error ? JSON.stringify(list.error) : `${list.options.length} options listed`}; popup ${popup.closed ? 'closed by itself' : `left open at ${popup.leftOpenAt}`}`;
		assert(inModal && inNode, `silent: ${seen}`);
		return seen;
	});

	await checkWithShot(page, CHECKS[6], () => checkPhotosPanel(page, dev, shot));
	await checkWithShot(page, CHECKS[7], () => checkTriggerPanel(page, dev, shot));
}

async function main() {
	const t0 = Date.now();
	const work = workFolder();
	const dev = devEnvironmentHandle();
	let browser;
	const out = {};
	const stop = async () => {
		if (browser) await browser.close();
		await dev.stop();
	};
	process.on('SIGINT', () => stop().then(() => process.exit(130)));
	process.on('SIGTERM', () => stop().then(() => process.exit(143)));

	let page;
	let context;
	await part('setup', async () => {
		const chromium = await ensureChromium(line);
		let t = Date.now();
		await startDevEnvironment({ n8nPort: 0, sandboxPort: 0, userFolder: path.join(work, 'n8n-user'), fresh: true, log: line }, dev);
		line(`npm run dev environment up in ${secs(Date.now() - t)}: ${dev.server.url}, sandbox ${dev.sandbox.baseUrl}`);
		t = Date.now();
		browser = await launchChromium(chromium, path.join(work, 'chromium-profile'));
		context = browser.context;
		page = context.pages()[0] || (await context.newPage());
		page.setDefaultTimeout(Number(process.env.BROWSER_TIMEOUT_MS || 120000));
		line(`${chromium} started headless with a fresh profile in ${secs(Date.now() - t)}`);
	});

	await part('editor checks (real Chromium)', async () => {
		if (!page) return skipAsFailed(CHECKS, 'setup failed');
		await run(dev, page, context, out);
	});

	await stop();
	const { passed, failed, failures, durations } = summary();
	line('\n== durations');
	for (const d of durations) line(`${d.label.padEnd(40)} ${secs(d.ms)}`);
	line(`${'total'.padEnd(40)} ${secs(Date.now() - t0)}`);
	line(`screenshots: ${path.relative(REPO_ROOT, SCREENSHOTS)}/`);
	if (failed) {
		line('\nfailed checks:');
		for (const r of failures) line(`- ${r.name}: ${String(r.reason).split('\n')[0]}`);
		line(`work folder kept: ${path.relative(REPO_ROOT, work)}`);
	} else if (!process.env.BROWSER_KEEP) fs.rmSync(work, { recursive: true, force: true });
	line('');
	line(`${passed} passed, ${failed} failed`);
	process.exitCode = failed || passed === 0 ? 1 : 0;
}

if (require.main === module) {
	main().catch((e) => {
		line(`FAIL  browser test crashed — ${e.stack || e.message}`);
		process.exit(1);
	});
}

module.exports = { run, CHECKS };
