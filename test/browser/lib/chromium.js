'use strict';
/*
 * Debian's `chromium` package, driven by playwright-core (no browser download: `npx playwright install`
 * cannot reach its CDN here). ensureChromium() installs the package with apt-get when it is missing,
 * as root or through sudo; launchChromium() starts it headless with a fresh profile folder.
 * ensureVideoEncoder() does the same for Debian's `ffmpeg`, which playwright's recordVideo runs to
 * encode the demo video (scripts/demo-video.js) in place of the ffmpeg build it would download.
 */
const fs = require('node:fs');
const path = require('node:path');
const { REPO_ROOT, runCapture, tail } = require('../../e2e/lib/util');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FFMPEG = '/usr/bin/ffmpeg';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function aptGet(args, log) {
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const [cmd, argv] = isRoot ? ['apt-get', args] : ['sudo', ['-n', 'apt-get', ...args]];
	log(`${isRoot ? '' : 'sudo '}apt-get ${args.join(' ')}`);
	// another apt run (other CI job, unattended upgrades) holds the dpkg lock: wait for it
	const r = await runCapture(cmd, ['-o', 'DPkg::Lock::Timeout=600', ...argv], {
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		timeoutMs: 15 * 60 * 1000,
	});
	if (r.code !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.code})\n${tail(r.stdout, 15)}\n${tail(r.stderr, 15)}`);
}

/** Installs a Debian package when `binary` is missing (apt-get update first on a fresh machine). */
async function ensureDebianPackage(binary, packageName, log) {
	if (fs.existsSync(binary)) return binary;
	const t0 = Date.now();
	log(`${packageName} is missing: installing the Debian package`);
	try {
		await aptGet(['install', '-y', '--no-install-recommends', packageName], log);
	} catch {
		// a fresh machine or container has no package lists yet
		await aptGet(['update'], log);
		await aptGet(['install', '-y', '--no-install-recommends', packageName], log);
	}
	if (!fs.existsSync(binary)) throw new Error(`apt-get install ${packageName} did not produce ${binary}`);
	log(`${packageName} installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	return binary;
}

/** Returns the Chromium path, installing Debian's package first when it is missing. */
async function ensureChromium(log = () => {}) {
	if (fs.existsSync(CHROMIUM)) return CHROMIUM;
	if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${CHROMIUM} does not exist`);
	return ensureDebianPackage(CHROMIUM, 'chromium', log);
}

/**
 * playwright-core encodes recordVideo with an ffmpeg of its own, downloaded by `playwright install
 * ffmpeg` (unreachable here) into <PLAYWRIGHT_BROWSERS_PATH>/ffmpeg-<revision>/ffmpeg-linux. Debian's
 * ffmpeg takes the same arguments (Matroska of JPEG frames in, VP9 WebM out): install it when missing
 * and link it where playwright looks, in .cache/playwright. Call before playwright-core is loaded
 * (it reads PLAYWRIGHT_BROWSERS_PATH once). Returns the ffmpeg path.
 */
async function ensureVideoEncoder(log = () => {}) {
	await ensureDebianPackage(FFMPEG, 'ffmpeg', log);
	// browsers.json is not in the package's exports: read it next to its package.json
	const browsersJson = path.join(path.dirname(require.resolve('playwright-core/package.json')), 'browsers.json');
	const { revision } = JSON.parse(fs.readFileSync(browsersJson, 'utf8')).browsers.find((b) => b.name === 'ffmpeg');
	const browsersPath = path.join(REPO_ROOT, '.cache', 'playwright');
	const link = path.join(browsersPath, `ffmpeg-${revision}`, 'ffmpeg-linux');
	if (!fs.existsSync(link)) {
		fs.mkdirSync(path.dirname(link), { recursive: true });
		fs.rmSync(link, { force: true });
		fs.symlinkSync(FFMPEG, link);
	}
	process.env.PLAYWRIGHT_BROWSERS_PATH = browsersPath;
	return FFMPEG;
}

/** A headless Chromium with a profile folder of its own (removed by close()). */
async function launchChromium(executablePath, profileDir, { viewport = { width: 1440, height: 900 } } = {}) {
	const { chromium } = require('playwright-core');
	fs.rmSync(profileDir, { recursive: true, force: true });
	fs.mkdirSync(path.dirname(profileDir), { recursive: true });
	// launchPersistentContext is how playwright takes a --user-data-dir of our choosing
	const context = await chromium.launchPersistentContext(profileDir, {
		executablePath,
		headless: true,
		args: FLAGS,
		viewport,
		deviceScaleFactor: 1,
		locale: 'en-US',
		timezoneId: 'UTC',
	});
	return {
		context,
		async close() {
			await context.close().catch(() => {});
			fs.rmSync(profileDir, { recursive: true, force: true });
		},
	};
}

module.exports = { ensureChromium, ensureVideoEncoder, launchChromium, CHROMIUM, FLAGS };
