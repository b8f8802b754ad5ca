#!/usr/bin/env node
/*
 * node scripts/screenshot.js [--workflow <id>] [--out docs/screenshot-canvas.png]
 *
 * Headless Chromium logs into the dev editor (npm run dev, http://localhost:5678), opens an example
 * workflow, runs it from the editor and saves the canvas after the successful run.
 * If no dev instance answers, the script starts `node scripts/dev.js` itself and stops it at the end.
 *
 * Needs: Debian package `chromium` (apt-get install -y chromium) and `playwright-core` from npm
 * (a devDependency; `npm install --no-save playwright-core` works too). Browsers are not downloaded.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const REPO_ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const arg = (name, def) => {
	const i = args.indexOf(name);
	return i >= 0 ? args[i + 1] : def;
};
const EDITOR = (process.env.DEV_EDITOR_URL || `http://localhost:${process.env.DEV_N8N_PORT || 5678}`).replace(/\/$/, '');
const WORKFLOW_ID = arg('--workflow', 'tkExampleDraft01');
const OUT = path.resolve(REPO_ROOT, arg('--out', 'docs/screenshot-canvas.png'));
const LOGIN_FILE = path.join(REPO_ROOT, '.cache', 'n8n-dev-user', 'demo-login.json');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const say = (m) => process.stdout.write(`[screenshot] ${m}\n`);

async function editorUp() {
	try {
		const r = await fetch(`${EDITOR}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
		return r.status === 200;
	} catch {
		return false;
	}
}

function startDev() {
	return new Promise((resolve, reject) => {
		say('no dev editor running: starting node scripts/dev.js');
		const child = spawn(process.execPath, [path.join(__dirname, 'dev.js')], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		const onData = (d) => {
			out += d;
			if (out.includes(' is ready (')) resolve(child);
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.on('exit', (code) => reject(new Error(`dev.js exited (${code}):\n${out.slice(-3000)}`)));
	});
}

async function main() {
	let playwright;
	try {
		playwright = require('playwright-core');
	} catch {
		throw new Error('playwright-core is missing: npm install --no-save playwright-core (or add it as a devDependency)');
	}
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);

	let dev;
	if (!(await editorUp())) dev = await startDev();
	const login = JSON.parse(fs.readFileSync(LOGIN_FILE, 'utf8'));

	const browser = await playwright.chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	try {
		const page = await browser.newPage({ viewport: { width: 1440, height: 860 }, deviceScaleFactor: 1 });
		page.setDefaultTimeout(60000);

		say(`signing in to ${EDITOR} as ${login.email}`);
		await page.goto(`${EDITOR}/signin`, { waitUntil: 'domcontentloaded' });
		await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(login.email);
		await page.locator('input[type="password"]').first().fill(login.password);
		await page.keyboard.press('Enter');
		await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 60000 });

		say(`opening workflow ${WORKFLOW_ID}`);
		await page.goto(`${EDITOR}/workflow/${WORKFLOW_ID}`, { waitUntil: 'domcontentloaded' });
		await page.locator('[data-test-id="canvas-node"], .vue-flow__node').first().waitFor();
		await page.keyboard.press('Escape').catch(() => {});

		say('running the workflow from the editor');
		const runButton = page.locator('[data-test-id="execute-workflow-button"]').first();
		if (await runButton.count()) await runButton.click();
		else await page.getByRole('button', { name: /Execute workflow/i }).first().click();

		// success: n8n shows a success badge on each executed node, or a toast
		const success = page.locator('[data-test-id="canvas-node-status-success"]').first();
		const toast = page.getByText(/executed successfully/i).first();
		await Promise.race([success.waitFor({ timeout: 120000 }), toast.waitFor({ timeout: 120000 })]);
		const failed = await page.locator('[data-test-id="canvas-node-status-error"]').count();
		if (failed) throw new Error('a node shows an error after the run');
		await page.waitForTimeout(1500); // let toasts and edges settle
		// fit the workflow to the view (shortcut "1" = zoom to fit)
		await page.locator('.vue-flow__pane, [data-test-id="canvas"]').first().click({ position: { x: 5, y: 5 } }).catch(() => {});
		await page.keyboard.press('1').catch(() => {});
		await page.waitForTimeout(800);

		fs.mkdirSync(path.dirname(OUT), { recursive: true });
		await page.screenshot({ path: OUT });
		say(`saved ${path.relative(REPO_ROOT, OUT)}`);
	} finally {
		await browser.close();
		if (dev) {
			dev.kill('SIGINT');
			await new Promise((r) => dev.once('exit', r));
		}
	}
}

main().catch((e) => {
	process.stderr.write(`[screenshot] failed: ${e.stack || e.message}\n`);
	process.exit(1);
});
