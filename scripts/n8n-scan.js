#!/usr/bin/env node
/*
 * npm run scan — n8n's community package scanner (@n8n/scan-community-package, the verification gate)
 * on this package before it is published: the packed tarball and the source, with the scanner's own
 * rules and lint configuration.
 *
 * The scanner's CLI (`npx @n8n/scan-community-package <name>`) only takes a package name: it reads the
 * version's metadata from registry.npmjs.org, (1) requires an npm provenance statement there, (2) downloads
 * the source from github.com at the commit the provenance names and lints its nodes/credentials/
 * package.json, (3) `npm pack`s the published tarball and lints its compiled .js and package.json. A
 * version that is not published has no metadata and no provenance, so here we run steps (2) and (3)
 * with the scanner's exported analyzePackage() and the same file patterns: (2) on this checkout,
 * (3) on the tarball `npm pack` makes. Step (1) runs for real in the release workflow, after publishing
 * (.github/workflows/release.yml: `scan-community-package <name>@<version>`).
 *
 *   node scripts/n8n-scan.js            builds first if dist/ is missing
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const { REPO_ROOT, runOk } = require('../test/e2e/lib/util');
const { buildPackage, packPackage } = require('../test/e2e/lib/package');

const WORK = path.join(REPO_ROOT, '.cache', 'scan');
const say = (m) => process.stdout.write(`[scan] ${m}\n`);

async function main() {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	const scannerPkg = require('@n8n/scan-community-package/package.json');
	fs.rmSync(WORK, { recursive: true, force: true });
	fs.mkdirSync(path.join(WORK, 'tmp'), { recursive: true });
	// the scanner makes a temporary folder when it is loaded: keep it under .cache
	process.env.TMPDIR = path.join(WORK, 'tmp');

	if (!(pkg.n8n?.nodes ?? []).every((f) => fs.existsSync(path.join(REPO_ROOT, f)))) {
		say('dist/ is missing or incomplete: npm run build');
		await buildPackage();
	}
	const { tarball, files } = await packPackage(path.join(WORK, 'pack'));
	const unpacked = path.join(WORK, 'package');
	fs.mkdirSync(unpacked, { recursive: true });
	await runOk('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
	say(`${path.basename(tarball)}: ${files.length} files`);

	const scanner = await import(pathToFileURL(require.resolve('@n8n/scan-community-package/scanner/scanner.mjs')).href);
	const legs = [
		// what the scanner lints in the source checkout the provenance points at
		{ what: `source (${scanner.SOURCE_FILE_PATTERNS.join(', ')})`, dir: REPO_ROOT, patterns: scanner.SOURCE_FILE_PATTERNS },
		// what it lints in the published tarball
		{ what: 'packed tarball (**/*.js, package.json)', dir: unpacked, patterns: ['**/*.js', 'package.json'] },
	];
	let failed = false;
	for (const leg of legs) {
		const result = await scanner.analyzePackage(leg.dir, leg.patterns);
		if (result.passed) say(`PASS ${leg.what}${result.message ? ` (${result.message})` : ''}`);
		else {
			failed = true;
			say(`FAIL ${leg.what}: ${result.message}`);
			if (result.details) process.stdout.write(`${result.details}\n`);
		}
	}
	say(`@n8n/scan-community-package ${scannerPkg.version}, ${pkg.name}@${pkg.version}: ${failed ? 'FAILED' : 'passed'} (provenance is checked after publishing, in the release workflow)`);
	fs.rmSync(WORK, { recursive: true, force: true });
	process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
	process.stderr.write(`[scan] failed: ${e.stack || e.message}\n`);
	process.exit(1);
});
