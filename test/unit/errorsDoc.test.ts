/**
 * docs/errors.md is where users look up a code: it must explain every error code and fail reason the
 * package explains, in the package's own words (the nodes' messages), so that a reworded message
 * cannot leave the page stale. Fix a failure with `npm run build && node scripts/errors-table.js --write`.
 */
import {
	PHOTO_ERROR_CODES,
	PHOTO_FAIL_REASONS,
	TIKTOK_ERROR_CODES,
	TIKTOK_FAIL_REASONS,
} from '../../nodes/TikTok/core/tiktok/errorCatalogue';
import { errorTables, generatedPart } from '../../scripts/errors-table';
import { readPage, section } from '../helpers/markdown';

const page = readPage('docs/errors.md');
const rowsOf = (heading: string) =>
	section(page, heading)
		.split('\n')
		.filter((line) => line.startsWith('| `'));

it('the generated tables of docs/errors.md are what the package says today', () => {
	const expected = errorTables({
		errorCodes: TIKTOK_ERROR_CODES,
		failReasons: TIKTOK_FAIL_REASONS,
		photoErrorCodes: PHOTO_ERROR_CODES,
		photoFailReasons: PHOTO_FAIL_REASONS,
	});
	expect(generatedPart(page)).toBe(expected);
});

it.each(Object.entries(TIKTOK_ERROR_CODES).filter(([code]) => code !== 'ok'))('docs/errors.md explains error code %s as the node does', (code, { summary }) => {
	const row = rowsOf('Error codes').find((line) => line.startsWith(`| \`${code}\` |`));
	expect(row).toContain(`| ${summary} |`);
});

it.each(Object.entries(TIKTOK_FAIL_REASONS))('docs/errors.md explains fail_reason %s as the node does', (reason, { summary }) => {
	const row = rowsOf('Fail reasons').find((line) => line.startsWith(`| \`${reason}\` |`));
	expect(row).toContain(`| ${summary} |`);
});

it.each(Object.entries({ ...PHOTO_ERROR_CODES, ...PHOTO_FAIL_REASONS }))('docs/errors.md explains %s for photos as TikTok Post Photos does', (code, { summary, hint }) => {
	const row = rowsOf('Photos').find((line) => line.startsWith(`| \`${code}\``));
	expect(row).toContain(`| ${summary} | ${hint} |`);
});

it('the generator escapes what would break a table row', () => {
	const tables = errorTables({
		errorCodes: { ok: { summary: 'never listed', hint: '' }, some_code: { summary: 'a | b', hint: 'line one\nline two' } },
		failReasons: {},
		photoErrorCodes: {},
		photoFailReasons: { too_big: { summary: 'big', hint: 'smaller' } },
	});
	expect(tables).toContain('| `some_code` | a \\| b | line one line two |');
	expect(tables).not.toContain('never listed');
	expect(tables).toContain('| `too_big` (fail_reason) | big | smaller |');
});
