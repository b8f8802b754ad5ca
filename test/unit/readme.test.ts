/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * The README is the user's page: short, with the commands that really run the demo and the tests, and
 * with the headings that other places point to (n8n's documentation links of each node and of the
 * credential, and the package's own messages). The depth lives in docs/ (docLinks.test.ts checks
 * every link to it).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { INode } from 'n8n-workflow';

import { TIKTOK_ERROR_CODES } from '../../nodes/TikTok/core/tiktok/errorCatalogue';
import { tikTokTokenError } from '../../nodes/TikTok/core/tiktok/tokenErrors';
import { REPO_ROOT, documentationPages, headings, readPage, withoutCodeBlocks } from '../helpers/markdown';

const README_MAX_BYTES = 20_000;
const readme = readPage('README.md');
const readmeAnchors = headings(readme).map((heading) => heading.anchor);
const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const ci = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');

/** The lines of the README's shell code blocks. */
const shellLines = [...readme.matchAll(/^```bash\n([\s\S]*?)^```/gm)].flatMap((match) =>
	match[1].split('\n').map((line) => line.replace(/#.*$/, '').trim()),
);

it(`README.md is at most ${README_MAX_BYTES} bytes`, () => {
	expect(Buffer.byteLength(readme, 'utf8')).toBeLessThanOrEqual(README_MAX_BYTES);
});

it('README gets a newcomer from a clone to the demo in two commands and to the tests with one more', () => {
	expect(shellLines).toEqual(expect.arrayContaining(['npm ci', 'npm run dev', 'npm test']));
	expect(shellLines.indexOf('npm ci')).toBeLessThan(shellLines.indexOf('npm run dev'));
	expect(shellLines.indexOf('npm run dev')).toBeLessThan(shellLines.indexOf('npm test'));
	expect(packageJson.scripts.dev).toBe('node scripts/dev.js');
});

it('CI runs the test command the README names, and every suite docs/development.md names', () => {
	expect(ci).toMatch(/^npm test\b/m);
	const suites = [...readPage('docs/development.md').matchAll(/`npm run (test:[a-z0-9]+)`/g)].map((match) => match[1]);
	expect(new Set(suites)).toEqual(new Set(Object.keys(packageJson.scripts).filter((name) => name.startsWith('test:'))));
	for (const suite of suites) expect({ suite, inCi: new RegExp(`^\\(?npm run ${suite}\\b`, 'm').test(ci) }).toEqual({ suite, inCi: true });
});

it.each(documentationPages())('every `npm run` command in %s is a script of package.json', (page) => {
	const named = [...withoutCodeBlocks(readPage(page)).matchAll(/`npm run ([\w:-]+)/g), ...readPage(page).matchAll(/^npm run ([\w:-]+)/gm)].map(
		(match) => match[1],
	);
	const unknown = named.filter((script) => !(script in packageJson.scripts));
	expect(unknown).toEqual([]);
});

it("keeps the headings that n8n's documentation links of the nodes and the credential point to", () => {
	const nodesFolder = join(REPO_ROOT, 'nodes');
	const codexFiles = readdirSync(nodesFolder).flatMap((folder) =>
		readdirSync(join(nodesFolder, folder))
			.filter((name) => name.endsWith('.node.json'))
			.map((name) => join(nodesFolder, folder, name)),
	);
	const credential = readFileSync(join(REPO_ROOT, 'credentials', 'TikTokOAuth2Api.credentials.ts'), 'utf8');
	const links = [...codexFiles.map((file) => readFileSync(file, 'utf8')), credential].flatMap((text) =>
		[...text.matchAll(/github\.com\/tiktok-n8n\/n8n-nodes-tiktok-content-posting#([\w-]+)/g)].map((match) => match[1]),
	);
	expect(codexFiles.length).toBeGreaterThanOrEqual(5);
	expect(new Set(links)).toEqual(new Set(['credential', 'tiktok-publish-video', 'tiktok-upload-video', 'tiktok-post-photos', 'tiktok-look-up-cancel-posting-options', 'tiktok-trigger']));
	const missing = links.filter((anchor) => !readmeAnchors.includes(anchor));
	expect(missing).toEqual([]);
});

it("keeps the headings that the package's messages send users to", () => {
	const node = { name: 'TikTok Publish Video', type: 'tikTokPublishVideo', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;
	const refusedRefresh = tikTokTokenError(node, 'refresh', { error: 'invalid_request', errorDescription: 'client_key is missing' });
	const messages = [...Object.values(TIKTOK_ERROR_CODES).map(({ hint }) => hint), refusedRefresh.message, String(refusedRefresh.description)];
	const cited = messages.flatMap((message) => [...message.matchAll(/README,? \(?"([^"]+)"/g)].map((match) => match[1]));
	expect(cited).toContain('Token refresh');
	const headingTexts = headings(readme).map((heading) => heading.text);
	expect(cited.filter((text) => !headingTexts.includes(text))).toEqual([]);
});

it('has a Compatibility table for the n8n versions', () => {
	const compatibility = readme.slice(readme.indexOf('## Compatibility'));
	expect(compatibility).toMatch(/^\| n8n \|/m);
	expect(compatibility).toMatch(/^\| 2\.41\.1\b/m);
});
