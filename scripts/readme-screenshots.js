#!/usr/bin/env node
/*
 * node scripts/readme-screenshots.js — copies the screenshots of the README and docs/verification.md
 * from the browser test's output (.cache/screenshots/, written by `npm run test:browser`) into docs/.
 * Run it after a green browser test when the editor or the nodes changed what they show.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..');
const FROM = path.join(REPO_ROOT, '.cache', 'screenshots');
const COPIES = [
	['credential-connected.png', 'docs/screenshot-credential.png'],
	['node-privacy-level.png', 'docs/screenshot-node.png'],
	['post-photos-panel.png', 'docs/screenshot-photos.png'],
	['trigger-panel.png', 'docs/screenshot-trigger.png'],
];

let missing = 0;
for (const [source, target] of COPIES) {
	const from = path.join(FROM, source);
	if (!fs.existsSync(from)) {
		process.stderr.write(`missing ${path.relative(REPO_ROOT, from)}: run npm run test:browser first\n`);
		missing++;
		continue;
	}
	fs.copyFileSync(from, path.join(REPO_ROOT, target));
	process.stdout.write(`${path.relative(REPO_ROOT, from)} -> ${target}\n`);
}
process.exitCode = missing ? 1 : 0;
