'use strict';
/*
 * What a person does in the n8n 2.41.1 editor, as playwright steps. Selectors are n8n's own
 * `data-test-id`s (checked against 2.41.1), plus visible texts where n8n has no id.
 */

const NAV = { waitUntil: 'domcontentloaded' };
const debug = (msg) => {
	if (process.env.BROWSER_DEBUG) process.stdout.write(`      [editor] ${msg}\n`);
};

async function signIn(page, baseUrl, login) {
	await page.goto(`${baseUrl}/signin`, NAV);
	await page.locator('input[type="email"], input[name="emailOrLdapLoginId"]').first().fill(login.email);
	await page.locator('input[type="password"]').first().fill(login.password);
	await page.keyboard.press('Enter');
	await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
	return new URL(page.url()).pathname;
}

/** Credentials > Create credential > search the type > Continue: returns the credential modal. */
async function openNewCredential(page, baseUrl, typeDisplayName) {
	if (new URL(page.url()).pathname !== '/home/credentials') await page.goto(`${baseUrl}/home/credentials`, NAV);
	await page.getByRole('button', { name: 'Create credential' }).first().click();
	const select = page.locator('[data-test-id="selectCredential-modal"]');
	await select.waitFor();
	await page.keyboard.type(typeDisplayName);
	// the type list is a dropdown that n8n renders outside the modal
	const option = page.locator('.el-select-dropdown__item').filter({ hasText: typeDisplayName }).filter({ visible: true }).first();
	await option.waitFor();
	await option.click();
	await select.locator('[data-test-id="new-credential-type-button"]').click();
	const modal = page.locator('[data-test-id="editCredential-modal"]');
	await modal.waitFor();
	return modal;
}

/** Pick an option of an n8n options parameter (an element-plus select) by its visible name. */
async function chooseOption(page, input, name) {
	await input.click();
	const option = page.locator('.el-select-dropdown__item').filter({ hasText: name }).filter({ visible: true }).first();
	await option.waitFor();
	await option.click();
}

async function fillParameter(scope, name, value) {
	const input = scope.locator(`[data-test-id="parameter-input-${name}"] input`).first();
	await input.fill(value);
}

/**
 * Click the credential's Connect button and let the OAuth popup run: the sandbox's authorize page
 * approves at once and redirects to n8n's callback, which closes the popup by itself (n8n tells the
 * editor over a BroadcastChannel). Returns the popup's URLs and whether it closed.
 */
async function connectOAuth(context, modal, { timeoutMs = 120000 } = {}) {
	const popupPromise = context.waitForEvent('page', { timeout: timeoutMs });
	await modal.locator('[data-test-id="quick-connect-button"], [data-test-id="oauth-connect-button"]').first().click();
	const popup = await popupPromise;
	const urls = [];
	const record = (frame) => {
		if (frame === popup.mainFrame()) urls.push(frame.url());
	};
	popup.on('framenavigated', record);
	if (!popup.isClosed()) urls.push(popup.url());
	const closed = popup.isClosed() || (await popup.waitForEvent('close', { timeout: timeoutMs }).then(() => true, () => false));
	let leftOpenAt;
	if (!closed) {
		leftOpenAt = popup.url();
		await popup.close().catch(() => {});
	}
	return { urls: urls.filter((u) => u && u !== 'about:blank'), closed, leftOpenAt };
}

/**
 * Credentials > Create credential > TikTok OAuth2 API, Environment Custom with the given URLs, Client
 * Key and Secret, Allow Private Network Addresses on (the sandbox's media are on 127.0.0.1), then
 * Connect through the OAuth popup. `pause(step)` runs after each step ('form',
 * 'environment', then each parameter's name; the demo video paces and captions them, the browser test
 * does not). Returns the modal, the popup's story and the modal's status.
 */
async function createTikTokCredential(page, context, baseUrl, { name, apiBaseUrl, authorizeUrl, tokenUrl, clientKey, clientSecret, pause = async () => {} }) {
	const modal = await openNewCredential(page, baseUrl, 'TikTok OAuth2 API');
	await pause('form');
	const title = modal.locator('[data-test-id="credential-name"]');
	await title.click();
	await title.locator('input').fill(name);
	await page.keyboard.press('Enter');
	await chooseOption(page, modal.locator('[data-test-id="parameter-input-environment"]'), 'Custom');
	await pause('environment');
	for (const [parameter, value] of [
		['apiBaseUrl', apiBaseUrl],
		['customAuthUrl', authorizeUrl],
		['customTokenUrl', tokenUrl],
		['clientId', clientKey],
		['clientSecret', clientSecret],
	]) {
		await fillParameter(modal, parameter, value);
		await pause(parameter);
	}
	// the sandbox serves its media from http://127.0.0.1: only this switch lets the nodes fetch them
	await setSwitch(modal, 'allowPrivateNetworks', true);
	await pause('allowPrivateNetworks');
	const popup = await connectOAuth(context, modal);
	// the banner follows the popup's message; give the modal a moment to re-render
	for (let i = 0; i < 30 && !(await modal.locator('[data-test-id="oauth-connect-success-banner"]').isVisible()); i++) await page.waitForTimeout(500);
	return { modal, popup, status: await credentialStatus(modal) };
}

/** n8n's own texts for a credential that does not work (en locale of n8n 2.41.1). */
const CREDENTIAL_PROBLEM = /Couldn.t connect with these settings|Problem with connection settings|Please check the errors below/i;

/** What the credential modal says about the connection. */
async function credentialStatus(modal) {
	const connected = await modal.locator('[data-test-id="oauth-connect-success-banner"]').isVisible();
	const notConnected = await modal.locator('[data-test-id="oauth-not-connected-banner"]').isVisible();
	const errors = [];
	for (const el of await modal.getByText(CREDENTIAL_PROBLEM).all()) {
		if (await el.isVisible()) errors.push((await el.locator('xpath=..').innerText()).replace(/\s+/g, ' ').trim());
	}
	const tested = await modal.locator('[data-test-id="credentials-config-container-test-success"]').isVisible();
	return { connected, notConnected, errors, tested };
}

/**
 * The credential form's "Client ID" and "Client Secret" labels and the package's notice between them,
 * top to bottom as the user sees them (y of each, undefined when not shown), and the notice's text.
 */
async function credentialFormOrder(modal) {
	const y = async (locator) => (await locator.isVisible()) ? (await locator.boundingBox())?.y : undefined;
	const notice = modal.locator('.notice').filter({ hasText: 'In the field n8n labels' }).first();
	return {
		// labels read "Client ID *" (required)
		clientId: await y(modal.getByText(/^\s*Client ID\s*\*?\s*$/).first()),
		notice: await y(notice),
		clientSecret: await y(modal.getByText(/^\s*Client Secret\s*\*?\s*$/).first()),
		noticeText: (await notice.isVisible()) ? (await notice.innerText()).replace(/\s+/g, ' ').trim() : undefined,
	};
}

async function closeModal(page, modal) {
	const close = modal.locator('.el-dialog__headerbtn, [aria-label="Close"], [aria-label="close"]').first();
	if (await close.count()) await close.click();
	else await page.keyboard.press('Escape');
	await modal.waitFor({ state: 'hidden' });
}

async function openWorkflow(page, baseUrl, workflowId) {
	await page.goto(`${baseUrl}/workflow/${workflowId}`, NAV);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor();
}

const canvasNode = (page, name) => page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);

/** Double-click a node on the canvas: returns the node panel (NDV). */
async function openNode(page, name) {
	await canvasNode(page, name).dblclick();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.locator('[data-test-id="node-parameters"]').waitFor();
	return ndv;
}

async function closeNode(page) {
	const close = page.locator('[data-test-id="ndv-close-button"]');
	if (await close.isVisible()) await close.click();
	await page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden' });
}

/**
 * Pick the node's credential. With `reloads`, also wait until the editor has reloaded that
 * parameter's list for the new credential (until then it still shows the previous credential's list).
 */
async function selectNodeCredential(page, ndv, credentialName, { reloads, timeoutMs = 90000 } = {}) {
	const reloaded = reloads
		? page
				.waitForResponse(
					(r) => r.url().includes('/rest/dynamic-node-parameters/options') && (r.request().postData() ?? '').includes(`"parameters.${reloads}"`),
					{ timeout: timeoutMs },
				)
				.catch(() => {
					throw new Error(`the editor did not reload the ${reloads} list after choosing "${credentialName}"`);
				})
		: undefined;
	await ndv.locator('[data-test-id="node-credentials-select"]').click();
	await page.getByRole('option', { name: credentialName }).filter({ visible: true }).first().click();
	if (reloaded) await reloaded;
	await page.waitForTimeout(500); // the list re-renders from the answer
}

/**
 * Open an options parameter whose list is loaded from the server (loadOptionsMethod) and read it:
 * { options: [{ name, description }], error } — error is n8n's issue tooltip when loading failed.
 */
async function readLoadedOptions(page, ndv, parameterName, { timeoutMs = 90000 } = {}) {
	// when loading failed, n8n shows "Error fetching options" and an issue icon whose tooltip says why
	const item = ndv
		.locator('[data-test-id="parameter-item"]')
		.filter({ has: page.locator(`[data-test-id="${parameterName}-parameter-input-options-container"]`) })
		.first();
	const input = item.locator(`[data-test-id="parameter-input-${parameterName}"]`);
	const issues = item.locator('[data-test-id="parameter-issues"]');
	const readIssues = async () => {
		await issues.hover();
		const tip = page.getByText('Issues:').filter({ visible: true }).first();
		await tip.waitFor({ timeout: 10000 }).catch(() => {});
		const text = (await tip.locator('xpath=..').innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
		await page.mouse.move(0, 0);
		return text || 'an issue icon without text';
	};
	const t0 = Date.now();
	let previous;
	while (Date.now() - t0 < timeoutMs) {
		// an issue other than "is required" (an empty value) means the list could not be loaded
		if (await issues.isVisible()) {
			const text = await readIssues();
			debug(`${parameterName}: issue "${text}"`);
			if (!/^Issues: Parameter "[^"]*" is required\.$/.test(text)) return { options: [], error: text };
		}
		if (!(await input.isVisible())) {
			debug(`${parameterName}: no input`);
			await page.waitForTimeout(1000);
			continue;
		}
		const items = page.locator('.el-select-dropdown__item').filter({ visible: true });
		// a list that opened late (after the last look) is open already: a click would close it
		if (!(await items.first().isVisible())) await input.click();
		const shown = await items.first().waitFor({ timeout: 10000 }).then(() => true, () => false);
		// one read of all the texts at once: the list re-renders when the options (re)load
		const texts = shown ? await items.evaluateAll((els) => els.map((e) => e.innerText)).catch(() => []) : [];
		// Escape closes the open list; with no list open it would close the node panel itself
		if (shown) await page.keyboard.press('Escape');
		debug(`${parameterName}: ${texts.length} options ${JSON.stringify(texts)}`);
		// the same list twice in a row: loaded for the current credential, not a list being replaced
		if (texts.length && JSON.stringify(texts) === previous) {
			await input.click();
			const options = texts.map((t) => {
				const [name, ...rest] = t.split('\n').map((x) => x.trim()).filter(Boolean);
				return { name, description: rest.join(' ') };
			});
			return { options, error: undefined, close: () => page.keyboard.press('Escape') };
		}
		previous = texts.length ? JSON.stringify(texts) : undefined;
		await page.waitForTimeout(1000);
	}
	throw new Error(`the ${parameterName} list neither opened nor showed an error within ${timeoutMs / 1000} s`);
}

/** Set an n8n boolean parameter (a switch) to on/off, by clicking it like a user. */
async function setSwitch(ndv, name, on) {
	const input = ndv.locator(`[data-test-id="parameter-input-${name}"] input[role="switch"]`);
	const isOn = async () => (await input.getAttribute('aria-checked')) === 'true';
	if ((await isOn()) !== on) await ndv.locator(`[data-test-id="parameter-input-${name}"] .el-switch`).click();
	for (let i = 0; i < 20 && (await isOn()) !== on; i++) await ndv.page().waitForTimeout(100);
	if ((await isOn()) !== on) throw new Error(`could not turn ${name} ${on ? 'on' : 'off'}`);
}

/** The visible notices of the node panel whose text starts with `prefix`. */
async function visibleNotices(ndv, prefix) {
	await ndv.page().waitForTimeout(200); // let the display options re-render
	return (await ndv.locator('.notice').filter({ hasText: prefix }).filter({ visible: true }).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/**
 * n8n 2.x saves a workflow by itself a few seconds after a change (PATCH /rest/workflows/:id); a
 * navigation before that loses the change. Ctrl+S saves now; resolves once the save answered.
 */
async function saveWorkflow(page, { timeoutMs = 15000 } = {}) {
	const isSave = (r) => r.request().method() === 'PATCH' && /\/rest\/workflows\/[^/]+$/.test(new URL(r.url()).pathname);
	const saved = page.waitForResponse(isSave, { timeout: timeoutMs }).catch(() => null);
	await page.keyboard.press('Control+s');
	const res = await saved;
	if (res && res.status() >= 400) throw new Error(`saving the workflow failed: HTTP ${res.status()}`);
	return res ? res.status() : 'nothing to save';
}

/**
 * Execute workflow (the canvas button) and wait for the run to end: { ok: true } when `nodeName` shows
 * success, { ok: false, failedNode } when a node shows an error, { ok: false, notRun: true } when the
 * run ended without reaching `nodeName`.
 */
async function executeWorkflow(page, nodeName, { timeoutMs = 240000 } = {}) {
	await page.locator('[data-test-id="execute-workflow-button"]').first().click();
	const ok = canvasNode(page, nodeName).locator('[data-test-id="canvas-node-status-success"]');
	const failed = page.locator('[data-test-id="canvas-node-status-error"]').first();
	const running = page.locator('[data-test-id="stop-execution-button"]');
	const t0 = Date.now();
	let idle = 0;
	while (Date.now() - t0 < timeoutMs) {
		if (await ok.isVisible()) return { ok: true };
		if (await failed.isVisible()) {
			const name = await failed.locator('xpath=ancestor::*[@data-test-id="canvas-node"][1]').getAttribute('data-node-name');
			return { ok: false, failedNode: name };
		}
		// the stop button shows while the run goes on; a few idle looks in a row mean it ended
		idle = (await running.isVisible()) ? 0 : idle + 1;
		if (idle >= 5 && Date.now() - t0 > 10000) return { ok: false, notRun: true };
		await page.waitForTimeout(1000);
	}
	throw new Error(`the run did not end within ${timeoutMs / 1000} s`);
}

/**
 * The node panel's output, as the user reads it (table view text) and as JSON. n8n's JSON view is a
 * virtual list (vue-json-pretty, virtual: true): only the rows inside the panel are in the page, so a
 * long output is read with the window made taller until the whole JSON is shown, then put back.
 */
async function readOutput(page, ndv) {
	const out = ndv.locator('[data-test-id="output-panel"]');
	const container = out.locator('[data-test-id="ndv-data-container"]');
	await container.waitFor();
	const table = (await container.innerText()).replace(/\s+/g, ' ').trim();
	await out.locator('[data-test-id="radio-button-json"]').click();
	const viewport = page.viewportSize();
	let json = '';
	try {
		for (const height of [viewport.height, 3000, 6000, 12000]) {
			if (height !== viewport.height) await page.setViewportSize({ width: viewport.width, height });
			await page.waitForTimeout(500);
			// the JSON view's text holds non-breaking spaces
			json = (await container.innerText()).replace(/\u00a0/g, ' ').trim();
			if (parsesAsJson(json)) break;
		}
	} finally {
		await page.setViewportSize(viewport);
	}
	await out.locator('[data-test-id="radio-button-table"]').click();
	return { table, json };
}

function parsesAsJson(text) {
	try {
		JSON.parse(text);
		return true;
	} catch {
		return false;
	}
}

module.exports = {
	signIn,
	openNewCredential,
	chooseOption,
	fillParameter,
	connectOAuth,
	createTikTokCredential,
	credentialStatus,
	credentialFormOrder,
	closeModal,
	openWorkflow,
	canvasNode,
	openNode,
	closeNode,
	selectNodeCredential,
	readLoadedOptions,
	setSwitch,
	visibleNotices,
	saveWorkflow,
	executeWorkflow,
	readOutput,
};
