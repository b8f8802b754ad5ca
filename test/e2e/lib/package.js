'use strict';
/* Build the package (npm run build -> dist/) and pack it into a tarball, as npm publish would. */
const fs = require('node:fs');
const path = require('node:path');
const { REPO_ROOT, runCapture, tail } = require('./util');

const npmEnv = () => ({ ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' });

async function buildPackage() {
	const r = await runCapture('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, env: npmEnv(), timeoutMs: 300000 });
	if (r.code !== 0) throw new Error(`npm run build failed (exit ${r.code})\n${tail(r.stdout)}\n${tail(r.stderr)}`);
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	const missing = [...(pkg.n8n?.nodes || []), ...(pkg.n8n?.credentials || [])].filter((f) => !fs.existsSync(path.join(REPO_ROOT, f)));
	if (missing.length) throw new Error(`build did not produce: ${missing.join(', ')}`);
	return r.ms;
}

async function packPackage(destDir) {
	fs.mkdirSync(destDir, { recursive: true });
	for (const f of fs.readdirSync(destDir)) if (f.endsWith('.tgz')) fs.rmSync(path.join(destDir, f));
	const r = await runCapture('npm', ['pack', '--pack-destination', destDir, '--ignore-scripts', '--json'], {
		cwd: REPO_ROOT,
		env: npmEnv(),
		timeoutMs: 120000,
	});
	if (r.code !== 0) throw new Error(`npm pack failed\n${tail(r.stdout)}\n${tail(r.stderr)}`);
	const tgz = fs.readdirSync(destDir).find((f) => f.endsWith('.tgz'));
	if (!tgz) throw new Error('npm pack produced no tarball');
	let files = [];
	try {
		files = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0].files.map((f) => f.path);
	} catch {}
	return { tarball: path.join(destDir, tgz), files };
}

module.exports = { buildPackage, packPackage };
