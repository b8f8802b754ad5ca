'use strict';
/*
 * Debian's `chromium` package, driven by playwright-core (no browser download: `npx playwright install`
 * cannot reach its CDN here). ensureChromium() installs the package with apt-get when it is missing,
 * as root or through sudo; launchChromium() starts it headless with a fresh profile folder.
 */
const fs = require('node:fs');
const path = require('node:path');
const { runCapture, tail } = require('../../e2e/lib/util');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

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

/** Returns the Chromium path, installing Debian's package first when it is missing. */
async function ensureChromium(log = () => {}) {
	if (fs.existsSync(CHROMIUM)) return CHROMIUM;
	if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${CHROMIUM} does not exist`);
	const t0 = Date.now();
	log('chromium is missing: installing the Debian package');
	try {
		await aptGet(['install', '-y', '--no-install-recommends', 'chromium'], log);
	} catch {
		// a fresh machine or container has no package lists yet
		await aptGet(['update'], log);
		await aptGet(['install', '-y', '--no-install-recommends', 'chromium'], log);
	}
	if (!fs.existsSync(CHROMIUM)) throw new Error(`apt-get install chromium did not produce ${CHROMIUM}`);
	log(`chromium installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	return CHROMIUM;
}

/** A headless Chromium with a profile folder of its own (removed by close()). */
async function launchChromium(executablePath, profileDir) {
	const { chromium } = require('playwright-core');
	fs.rmSync(profileDir, { recursive: true, force: true });
	fs.mkdirSync(path.dirname(profileDir), { recursive: true });
	// launchPersistentContext is how playwright takes a --user-data-dir of our choosing
	const context = await chromium.launchPersistentContext(profileDir, {
		executablePath,
		headless: true,
		args: FLAGS,
		viewport: { width: 1440, height: 900 },
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

module.exports = { ensureChromium, launchChromium, CHROMIUM, FLAGS };
