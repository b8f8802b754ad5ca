/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/** The README's photo section must say what the nodes say: every photo-specific explanation, verbatim. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PHOTO_ERROR_CODES, PHOTO_FAIL_REASONS } from '../../nodes/TikTok/core/tiktok/errorCatalogue';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const photos = readme.slice(readme.indexOf('## TikTok Post Photos'), readme.indexOf('## TikTok: look up'));

it.each(Object.entries({ ...PHOTO_ERROR_CODES, ...PHOTO_FAIL_REASONS }))('README explains %s for photos as the node does', (code, { summary, hint }) => {
	const row = photos.split('\n').find((line) => line.startsWith(`| \`${code}\``));
	expect(row).toBeDefined();
	expect(row).toContain(`| ${summary} | ${hint} |`);
});

it('README documents every parameter of TikTok Post Photos and the TikTok node', async () => {
	const { TikTokPostPhotos } = await import('../../nodes/TikTokPostPhotos/TikTokPostPhotos.node');
	const { TikTok } = await import('../../nodes/TikTok/TikTok.node');
	const shownNames = (properties: Array<{ type: string; displayName: string; options?: unknown[] }>) =>
		properties.filter((p) => p.type !== 'notice').map((p) => p.displayName.replace(/ Name or ID$/, ''));
	for (const name of shownNames(new TikTokPostPhotos().description.properties as never)) {
		expect({ name, documented: photos.includes(name) }).toEqual({ name, documented: true });
	}
	const lookup = readme.slice(readme.indexOf('## TikTok: look up'), readme.indexOf('## Output'));
	for (const name of ['Get Status', 'Cancel', 'Get Posting Options', 'Publish ID', 'Wait for Final Status', 'Timeout (Minutes)']) {
		expect({ name, documented: lookup.includes(name) }).toEqual({ name, documented: true });
	}
	expect(shownNames(new TikTok().description.properties as never)).toEqual(
		expect.arrayContaining(['Resource', 'Operation', 'Publish ID', 'Wait for Final Status', 'Options']),
	);
});
