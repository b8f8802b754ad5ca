// Prints the README's errors tables from the package's own tables (run after `npm run build`):
//   node scripts/errors-table.js
// test/unit/readme.test.ts checks that the README lists every code.
const { TIKTOK_ERROR_CODES, TIKTOK_FAIL_REASONS } = require('../dist/nodes/TikTok/core/tiktok/errorCatalogue');

const cell = (text) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (title, entries) =>
	[`| ${title} | What happened | What to do |`, '|---|---|---|']
		.concat(entries.map(([code, { summary, hint }]) => `| \`${code}\` | ${cell(summary)} | ${cell(hint)} |`))
		.join('\n');

const codes = Object.entries(TIKTOK_ERROR_CODES).filter(([code]) => code !== 'ok');
console.log(table('Error code', codes));
console.log('\nWhen TikTok reports `FAILED` after the upload, `fail_reason` is one of:\n');
console.log(table('fail_reason', Object.entries(TIKTOK_FAIL_REASONS)));
