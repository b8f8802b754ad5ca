'use strict';
/*
 * Browser checks br7 and br8 (run.js): the panels of TikTok Post Photos and TikTok Trigger as a user
 * sees them in n8n 2.41.1, and the screenshots docs/verification.md shows (scripts/readme-screenshots.js
 * copies them into docs/).
 */

const ui = require('./lib/editor');
const { assert } = require('../e2e/lib/harness');
const { DEMO_WORKFLOW_ID, DEMO_NODES, photoUrls } = require('../../scripts/demo-workflow');

const PHOTO_LIMITS = 'JPEG or WebP only, at most 1080 px on the short side and 20 MB each';
const COVER_MAX = 34; // TikTok takes 1 to 35 photos; the cover is counted from 0

/** The demo workflow's photoUrls as n8n saved it (REST, as the editor reads it). */
async function savedPhotoUrls(dev) {
	const r = await dev.rest.request('GET', `/rest/workflows/${DEMO_WORKFLOW_ID}`);
	const node = (r.data?.data?.nodes ?? []).find((n) => n.name === DEMO_NODES.photos);
	return node?.parameters?.photoUrls;
}

/** Types `value` into an n8n number field and leaves it: returns what the field then holds. */
async function typeNumber(page, input, value) {
	await input.click();
	await input.fill(String(value));
	await page.keyboard.press('Tab');
	await page.waitForTimeout(300);
	return input.inputValue();
}

/**
 * br7: the photo list is a multi-line field, one URL per line, that n8n saves with its line breaks (a
 * line typed at the end is saved as a 4th photo); the limits notice sits above it; Cover Photo Index
 * keeps 0 to 34 and refuses a value outside (the field keeps the last valid one).
 */
async function checkPhotosPanel(page, dev, shot) {
	const expected = photoUrls(dev.sandbox);
	await ui.openWorkflow(page, dev.server.url, DEMO_WORKFLOW_ID);
	let ndv = await ui.openNode(page, DEMO_NODES.photos);
	const list = () => ndv.locator('[data-test-id="parameter-input-photoUrls"] textarea');
	await list().waitFor();
	const screenshot = await shot(page, 'post-photos-panel');

	const lines = (await list().inputValue()).split('\n');
	assert(JSON.stringify(lines) === JSON.stringify(expected), `Photo URLs shows ${JSON.stringify(lines)}, expected the workflow's ${expected.length} URLs one per line`);
	const placeholder = (await list().getAttribute('placeholder')) ?? '';
	assert(placeholder.split('\n').filter((l) => l.startsWith('https://')).length >= 2, `the placeholder does not show a list of https URLs, one per line: ${JSON.stringify(placeholder)}`);
	const notice = ndv.locator('.notice').filter({ hasText: PHOTO_LIMITS }).first();
	assert(await notice.isVisible(), `no notice "${PHOTO_LIMITS}"`);
	assert((await notice.boundingBox()).y < (await list().boundingBox()).y, 'the limits notice is not above the Photo URLs field');

	const added = `${dev.sandbox.baseUrl}/media/linen-shirt-label.jpg`;
	await list().click();
	await page.keyboard.press('Control+End');
	await page.keyboard.press('Enter');
	await page.keyboard.type(added);
	await ui.closeNode(page);
	await ui.saveWorkflow(page);
	const saved = (await savedPhotoUrls(dev)) ?? '';
	assert(saved === [...expected, added].join('\n'), `after typing a 4th line, n8n saved ${JSON.stringify(saved)}`);

	ndv = await ui.openNode(page, DEMO_NODES.photos);
	const cover = ndv.locator('[data-test-id="parameter-input-coverIndex"] input');
	const range = [await cover.getAttribute('aria-valuemin'), await cover.getAttribute('aria-valuemax')];
	assert(range[0] === '0' && range[1] === String(COVER_MAX), `Cover Photo Index range ${JSON.stringify(range)}, expected 0 to ${COVER_MAX}`);
	// typed, in this order, and what the field holds after each: out of range keeps the last valid value
	const tries = [[2, '2'], [COVER_MAX + 1, '2'], [-1, '2'], [COVER_MAX, String(COVER_MAX)]];
	const kept = [];
	for (const [typed] of tries) kept.push(`${typed} → ${await typeNumber(page, cover, typed)}`);
	const wanted = tries.map(([typed, holds]) => `${typed} → ${holds}`);
	assert(JSON.stringify(kept) === JSON.stringify(wanted), `Cover Photo Index, typed → held: ${kept.join(', ')}; expected ${wanted.join(', ')}`);

	// back to the workflow as imported (the demo video and npm run dev use it)
	await list().fill(expected.join('\n'));
	await typeNumber(page, cover, 0);
	await ui.closeNode(page);
	await ui.saveWorkflow(page);
	assert((await savedPhotoUrls(dev)) === expected.join('\n'), 'the photo list was not put back');
	return `${expected.length} URLs one per line, a typed 4th line saved as a 4th URL; limits notice above the list; Cover Photo Index 0 to ${COVER_MAX} (typed → held: ${kept.join(', ')}); ${screenshot}`;
}

/**
 * br8: the Production URL shown is the one TikTok (the sandbox) is set to call, a live webhook of this
 * node (an unsigned request is refused with 401); the Test URL is another one; the notice under the
 * URLs says to paste the Production URL as the app's Callback URL (https) and links the portal.
 */
async function checkTriggerPanel(page, dev, shot) {
	assert(dev.triggerUrl, 'npm run dev set no TikTok Trigger URL');
	await ui.openWorkflow(page, dev.server.url, dev.triggerWf.id);
	const ndv = await ui.openNode(page, 'TikTok Trigger');
	const urls = ndv.locator('[title="Click to display webhook URLs"]');
	await urls.click();
	const shown = ndv.locator('.webhook-url');
	await ndv.locator('[data-test-id="radio-button-test"]').click();
	const testUrl = (await shown.innerText()).trim();
	await ndv.locator('[data-test-id="radio-button-production"]').click();
	const productionUrl = (await shown.innerText()).trim();
	assert(productionUrl === dev.triggerUrl, `Production URL ${productionUrl}, but TikTok (the sandbox) is set to call ${dev.triggerUrl}`);
	assert(testUrl !== productionUrl && testUrl.includes('/webhook-test/'), `Test URL ${testUrl}`);
	const unsigned = await fetch(productionUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
	assert(unsigned.status === 401, `an unsigned POST to the Production URL answered ${unsigned.status}, expected 401`);

	const notice = ndv.locator('.notice').filter({ hasText: 'TikTok has no API to register webhooks' }).first();
	assert(await notice.isVisible(), 'no setup notice');
	const text = (await notice.innerText()).replace(/\s+/g, ' ');
	for (const words of ['Production URL', 'Webhook URLs', 'Callback URL', 'https', 'publish this workflow']) assert(text.includes(words), `the notice does not say "${words}": ${text}`);
	assert((await notice.boundingBox()).y > (await shown.boundingBox()).y, 'the notice is not under the Webhook URLs');
	const portal = notice.locator('a', { hasText: 'TikTok developer portal' });
	const link = [await portal.getAttribute('href'), await portal.getAttribute('target')];
	assert(link[0] === 'https://developers.tiktok.com/apps' && link[1] === '_blank', `the portal link: ${JSON.stringify(link)}`);
	const header = (await ndv.locator('[data-test-id="trigger-header"]').innerText()).replace(/\s+/g, ' ');
	assert(header.includes('Paste the Production URL'), `the trigger panel's header: ${header}`);

	// the events and the options a user can add, for the screenshot
	await ndv.locator('[data-test-id="collection-parameter-add"]').click();
	// the dropdown opens after an animation: wait for it rather than count at once (CI, loaded 2 cores)
	const option = page.getByText('Timestamp Tolerance (Seconds)').filter({ visible: true });
	await option.first().waitFor({ timeout: 15_000 }).catch(() => {});
	const options = await option.count();
	const screenshot = await shot(page, 'trigger-panel');
	await page.keyboard.press('Escape');
	await ui.closeNode(page);
	assert(options > 0, 'Add Option does not list the trigger\'s options');
	return `Production URL ${productionUrl} = the URL the sandbox calls, unsigned POST -> 401; Test URL ${testUrl}; notice under the URLs, portal link; ${screenshot}`;
}

module.exports = { checkPhotosPanel, checkTriggerPanel };
