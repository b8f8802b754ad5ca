/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/** The README is where users look: it must list every error code and fail reason the package explains. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { TIKTOK_ERROR_CODES, TIKTOK_FAIL_REASONS } from '../../nodes/TikTok/core/tiktok/errorCatalogue';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

it.each(Object.keys(TIKTOK_ERROR_CODES).filter((code) => code !== 'ok'))('README explains error code %s', (code) => {
	expect(readme).toContain(`| \`${code}\` |`);
});

it.each(Object.keys(TIKTOK_FAIL_REASONS))('README explains fail_reason %s', (reason) => {
	expect(readme).toContain(`| \`${reason}\` |`);
});

it('README names the test commands that CI runs', () => {
	const ci = readFileSync(join(__dirname, '..', '..', '.ci', 'run'), 'utf8');
	expect(readme).toContain('npm test && npm run test:e2e');
	expect(ci).toMatch(/^npm test\b/m);
	expect(ci).toMatch(/^npm run test:e2e\b/m);
	expect(readme).toContain('npm run test:queue');
	expect(ci).toMatch(/^npm run test:queue\b/m);
});
