/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * Every relative link in README.md and docs/*.md leads somewhere: to a file or folder of the repository
 * (not to a build output or a cache), and, when it names an anchor in a Markdown page, to a heading of
 * that page. Links to other sites are not followed (no network in tests).
 */
import { existsSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

import { REPO_ROOT, documentationPages, headings, linkTargets, readPage, slug } from '../helpers/markdown';

/** Folders that exist only on a machine that built or ran something: a link there breaks in a clone. */
const NOT_IN_A_CLONE = /^(dist|node_modules|\.cache|coverage)(\/|$)/;

function isExternal(target: string): boolean {
	return /^[a-z][a-z0-9+.-]*:/i.test(target);
}

/** What is wrong with one link of a page, or undefined when it resolves. */
function brokenLink(page: string, target: string): string | undefined {
	const [pathPart, anchor] = target.split('#', 2);
	const file = pathPart ? normalize(join(dirname(page), decodeURIComponent(pathPart))) : page;
	const fromRoot = relative('.', file).replace(/\\/g, '/');
	if (fromRoot.startsWith('..')) return `${target}: leaves the repository`;
	if (NOT_IN_A_CLONE.test(fromRoot)) return `${target}: ${fromRoot} is not in a clone of the repository`;
	if (!existsSync(join(REPO_ROOT, fromRoot))) return `${target}: no file ${fromRoot}`;
	if (anchor === undefined || !fromRoot.endsWith('.md')) return undefined;
	const anchors = headings(readPage(fromRoot)).map((heading) => heading.anchor);
	return anchors.includes(anchor.toLowerCase()) ? undefined : `${target}: no heading with anchor #${anchor} in ${fromRoot}`;
}

const pages = documentationPages();

it('finds the README and the pages in docs/', () => {
	expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/nodes.md', 'docs/errors.md', 'docs/tiktok-api.md']));
});

it.each(pages)('every relative link in %s resolves', (page) => {
	const broken = linkTargets(readPage(page))
		.filter((target) => !isExternal(target))
		.map((target) => brokenLink(page, target))
		.filter((problem): problem is string => problem !== undefined);
	expect(broken).toEqual([]);
});

it.each(pages.filter((page) => page !== 'docs/ARCHITECTURE.md'))('%s is reachable from the README', (page) => {
	const reachable = new Set(['README.md']);
	const queue = ['README.md'];
	while (queue.length) {
		const from = queue.shift()!;
		for (const target of linkTargets(readPage(from)).filter((t) => !isExternal(t))) {
			const path = target.split('#')[0];
			if (!path.endsWith('.md')) continue;
			const to = relative('.', normalize(join(dirname(from), path))).replace(/\\/g, '/');
			if (!reachable.has(to) && existsSync(join(REPO_ROOT, to)) && pages.includes(to)) {
				reachable.add(to);
				queue.push(to);
			}
		}
	}
	expect({ page, reachable: reachable.has(page) }).toEqual({ page, reachable: true });
});

describe('the link checker itself', () => {
	it('computes the anchors GitHub gives headings', () => {
		expect(slug('TikTok: look up, cancel, posting options')).toBe('tiktok-look-up-cancel-posting-options');
		expect(slug('1.3 Token exchange: POST /v2/oauth/token/')).toBe('13-token-exchange-post-v2oauthtoken');
		expect(slug('How `client_key` reaches TikTok')).toBe('how-client_key-reaches-tiktok');
		expect(headings('# A\n## B\n## B\n```\n## not a heading\n```\n').map((h) => h.anchor)).toEqual(['a', 'b', 'b-1']);
	});

	it('reports a missing file, a missing anchor, a build output and a link out of the repository', () => {
		expect(brokenLink('README.md', 'docs/nodes.md#tiktok-trigger')).toBeUndefined();
		expect(brokenLink('docs/nodes.md', '../README.md#credential')).toBeUndefined();
		expect(brokenLink('README.md', 'docs/no-such-page.md')).toMatch(/no file docs\/no-such-page\.md/);
		expect(brokenLink('README.md', 'docs/nodes.md#no-such-heading')).toMatch(/no heading with anchor #no-such-heading/);
		expect(brokenLink('README.md', 'dist/index.js')).toMatch(/not in a clone/);
		expect(brokenLink('docs/nodes.md', '../../outside.md')).toMatch(/leaves the repository/);
	});

	it('reads inline links, images and reference definitions, but not code', () => {
		const markdown = '[a](x.md) ![b](y.png "title") `[c](not-a-link.md)`\n```\n[d](in-code.md)\n```\n[e]: z.md\n';
		expect(linkTargets(markdown)).toEqual(['x.md', 'y.png', 'z.md']);
	});
});
