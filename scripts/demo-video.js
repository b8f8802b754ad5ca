#!/usr/bin/env node
/*
 * npm run demo:video — the demo video n8n's Creator Portal asks for: one take, under 5 minutes, the
 * credential connecting, the actions and the trigger firing. Recorded by playwright-core in the browser
 * test's Chromium (Debian's, test/browser/lib/chromium.js) against what `npm run dev` starts
 * (scripts/dev-environment.js, on free ports, in a throwaway folder).
 *
 *   not recorded  the environment; the owner signed in; each page the video shows opened once (n8n's
 *                 first load of the editor takes 20 s and more on a loaded 2-core machine)
 *   recorded      scripts/demo-scenes.js: a TikTok credential connected through the OAuth popup; the
 *                 every-node workflow (scripts/demo-workflow.js) run with it: Publish Video from a URL
 *                 and from binary data, Post Photos, TikTok › Get Status; then the TikTok Trigger
 *                 execution that the sandbox's signed webhook started
 *
 * The recording is playwright's video recorder (the one behind the context option recordVideo: JPEG
 * frames from Chromium's screencast, encoded to VP9 WebM by ffmpeg), started on the page with
 * page.screencast.start() once the editor is loaded: recordVideo would record from the page's
 * creation, cold load included, and its fixed JPEG quality doubles the time the editor takes to draw
 * the canvas on this machine. Pace: fixed pauses; captions are overlays (page.screencast.showOverlay)
 * besides the workflow's sticky notes. The script checks what the video claims (the sandbox's posts,
 * the trigger's execution) and fails when it is not so or when the video is longer than 300 s.
 * Output: .cache/demo-video/tiktok-n8n-demo.webm (git-ignored), or DEMO_VIDEO_OUT. Prints the path,
 * the duration (read from the WebM header, test/browser/lib/webm.js) and the size.
 * Env: N8N_CACHE_DIR (the n8n install), DEMO_KEEP=1 keeps the work folder.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { ensureChromium, ensureVideoEncoder, launchChromium } = require('../test/browser/lib/chromium');
const { webmFileDurationSeconds } = require('../test/browser/lib/webm');
const ui = require('../test/browser/lib/editor');
const { startDevEnvironment, devEnvironmentHandle } = require('./dev-environment');
const { DEMO_WORKFLOW_ID } = require('./demo-workflow');
const { recordScenes, removeCredentials } = require('./demo-scenes');
const { REPO_ROOT, secs, runCapture, pidAlive } = require('../test/e2e/lib/util');

const WORK_ROOT = path.join(REPO_ROOT, '.cache', 'demo-video');
const OUTPUT = path.resolve(process.env.DEMO_VIDEO_OUT || path.join(WORK_ROOT, 'tiktok-n8n-demo.webm'));
const MAX_SECONDS = 300;
const VIEWPORT = { width: 1280, height: 800 };
// Chromium's JPEG frames: 90 (recordVideo's fixed value) costs the editor twice the time to draw here
const JPEG_QUALITY = 55;
const FPS = 12;

const say = (msg) => process.stdout.write(`[demo] ${msg}\n`);

/**
 * Signs in and opens once each page the video shows, so the recording does not wait on n8n's first
 * loads; takes the credential out of the demo workflow's TikTok nodes (the video connects one) and
 * ends on that workflow, where the video starts.
 */
async function prepare(page, dev) {
	// before the editor is open anywhere: an editor open during the change would ask who changed it
	await removeCredentials(dev);
	await ui.signIn(page, dev.server.url, dev.login);
	// the node panel's output in the JSON view: a whole item fits the panel's width
	await page.evaluate(() => localStorage.setItem('N8N_NDV_OUTPUT_PANEL_DISPLAY_MODE', 'json'));
	await page.goto(`${dev.server.url}/home/executions`, { waitUntil: 'domcontentloaded' });
	await page.getByText('Executions', { exact: true }).first().waitFor();
	await ui.openWorkflow(page, dev.server.url, dev.triggerWf.id);
	await ui.openWorkflow(page, dev.server.url, DEMO_WORKFLOW_ID);
	await page.locator('[data-test-id="execute-workflow-button"]').first().waitFor();
	await page.mouse.move(VIEWPORT.width / 2, VIEWPORT.height / 2);
}

/** Records the scenes into `file`; returns what recordScenes() returns, or { error, scenes }. */
async function record(page, context, dev, file) {
	await page.screencast.start({ path: file, size: VIEWPORT, quality: JPEG_QUALITY, fps: FPS });
	// a pointer that moves to what is clicked; no action titles (the captions say what happens)
	await page.screencast.showActions({ duration: 600, cursor: 'pointer', style: { title: 'display: none', highlight: 'outline: 3px solid rgba(255, 109, 90, .9); border-radius: 6px' } });
	const t0 = Date.now();
	let outcome;
	try {
		outcome = await recordScenes({ page, context, dev, log: say });
	} catch (e) {
		outcome = { error: e, scenes: e.scenes };
	}
	outcome.recordedMs = Date.now() - t0;
	await page.screencast.stop(); // writes the file
	return outcome;
}

async function ffprobeSeconds(file) {
	if (!fs.existsSync('/usr/bin/ffprobe')) return undefined;
	const r = await runCapture('/usr/bin/ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { timeoutMs: 60000 });
	const value = Number.parseFloat(r.stdout);
	return Number.isFinite(value) ? value : undefined;
}

async function main() {
	const t0 = Date.now();
	fs.mkdirSync(WORK_ROOT, { recursive: true });
	// work folders of earlier runs that are over (kept after a failure or with DEMO_KEEP)
	for (const f of fs.readdirSync(WORK_ROOT)) {
		const m = /^run-(\d+)-/.exec(f);
		if (m && !pidAlive(Number(m[1]))) fs.rmSync(path.join(WORK_ROOT, f), { recursive: true, force: true });
	}
	const work = fs.mkdtempSync(path.join(WORK_ROOT, `run-${process.pid}-`));
	const dev = devEnvironmentHandle();
	const stop = () => dev.stop();
	process.on('SIGINT', () => stop().then(() => process.exit(130)));
	process.on('SIGTERM', () => stop().then(() => process.exit(143)));

	let result;
	let browser;
	const video = path.join(work, 'demo.webm');
	try {
		const executablePath = await ensureChromium(say);
		await ensureVideoEncoder(say); // before playwright-core is loaded: it reads PLAYWRIGHT_BROWSERS_PATH once
		let t = Date.now();
		await startDevEnvironment({ n8nPort: 0, sandboxPort: 0, userFolder: path.join(work, 'n8n-user'), fresh: true, log: say }, dev);
		say(`npm run dev environment up in ${secs(Date.now() - t)}: ${dev.server.url}, sandbox ${dev.sandbox.baseUrl}`);
		t = Date.now();
		browser = await launchChromium(executablePath, path.join(work, 'chromium-profile'), { viewport: VIEWPORT });
		const page = browser.context.pages()[0] || (await browser.context.newPage());
		page.setDefaultTimeout(120000);
		await prepare(page, dev);
		say(`signed in, pages opened once (${secs(Date.now() - t)}); recording…`);
		result = await record(page, browser.context, dev, video);
	} finally {
		if (browser) await browser.close();
		await stop();
	}

	if (fs.existsSync(video)) {
		fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
		const target = result.error ? OUTPUT.replace(/\.webm$/, '.failed.webm') : OUTPUT;
		fs.copyFileSync(video, target);
		result.output = target;
	}
	for (const scene of result.scenes ?? []) say(`  ${scene.name.padEnd(34)} ${secs(scene.ms)}`);
	if (result.error) {
		say(`FAILED: ${result.error.stack || result.error.message}`);
		if (result.output) say(`the video so far: ${path.relative(REPO_ROOT, result.output)}`);
		say(`work folder kept: ${path.relative(REPO_ROOT, work)}`);
		process.exitCode = 1;
		return;
	}
	const seconds = webmFileDurationSeconds(result.output);
	const probed = await ffprobeSeconds(result.output);
	const bytes = fs.statSync(result.output).size;
	if (!process.env.DEMO_KEEP) fs.rmSync(work, { recursive: true, force: true });
	say(`checked: ${result.checks.join('; ')}`);
	say(`video:    ${result.output}`);
	say(`duration: ${seconds.toFixed(1)} s (WebM header${probed === undefined ? '' : `; ffprobe ${probed.toFixed(1)} s`}), limit ${MAX_SECONDS} s`);
	say(`size:     ${(bytes / 1e6).toFixed(1)} MB (${bytes} bytes)`);
	say(`total time ${secs(Date.now() - t0)} (recording ${secs(result.recordedMs)})`);
	if (!(seconds <= MAX_SECONDS)) {
		say(`FAILED: the video is ${seconds.toFixed(1)} s, over n8n's ${MAX_SECONDS} s`);
		process.exitCode = 1;
	}
}

module.exports = { prepare, record, VIEWPORT };

if (require.main === module) {
	main().catch((e) => {
		say(`failed: ${e.stack || e.message}`);
		process.exit(1);
	});
}
