/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * The little Markdown reading the documentation tests need: the repository's pages, their headings
 * (with the anchors GitHub gives them), their sections, and their links.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');

/** README.md and every Markdown page in docs/, as paths relative to the repository. */
export function documentationPages(): string[] {
	const docs = readdirSync(join(REPO_ROOT, 'docs'))
		.filter((name) => name.endsWith('.md'))
		.map((name) => `docs/${name}`);
	return ['README.md', ...docs.sort()];
}

export function readPage(relativePath: string): string {
	return readFileSync(join(REPO_ROOT, relativePath), 'utf8');
}

/** The text without fenced code blocks, whose contents are not Markdown (links, headings) to check. */
export function withoutCodeBlocks(markdown: string): string {
	return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
	return heading
		.replace(/`/g, '')
		.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

export interface Heading {
	level: number;
	text: string;
	anchor: string;
}

/** Headings in order, with GitHub's anchors (a repeated heading gets -1, -2, …). */
export function headings(markdown: string): Heading[] {
	const seen = new Map<string, number>();
	return withoutCodeBlocks(markdown)
		.split('\n')
		.map((line) => /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line))
		.filter((match): match is RegExpExecArray => match !== null)
		.map((match) => {
			const base = slug(match[2]);
			const count = seen.get(base) ?? 0;
			seen.set(base, count + 1);
			return { level: match[1].length, text: match[2], anchor: count ? `${base}-${count}` : base };
		});
}

/** The text of the section that starts at the heading `text`, up to the next heading of the same or a higher level. */
export function section(markdown: string, text: string): string {
	const lines = markdown.split('\n');
	const start = lines.findIndex((line) => /^#{1,6}\s/.test(line) && line.replace(/^#+\s+/, '').trim() === text);
	if (start < 0) return '';
	const level = /^#+/.exec(lines[start])![0].length;
	const end = lines.findIndex((line, index) => index > start && new RegExp(`^#{1,${level}}\\s`).test(line));
	return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** Every link and image target: inline `[text](target)`, `![alt](target)` and reference definitions `[name]: target`. */
export function linkTargets(markdown: string): string[] {
	const text = withoutCodeBlocks(markdown).replace(/`[^`\n]*`/g, '');
	const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]);
	const definitions = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((match) => match[1]);
	return [...inline, ...definitions];
}

const cellsOf = (line: string) =>
	line
		.slice(1, line.endsWith('|') ? -1 : undefined)
		.split(/(?<!\\)\|/)
		.map((cell) => cell.trim());

/** The Markdown tables of a text: each a list of rows of trimmed cells, the header row first, the separator row left out. */
export function tables(markdown: string): string[][][] {
	const found: string[][][] = [];
	let current: string[][] | undefined;
	for (const line of markdown.split('\n')) {
		if (!line.startsWith('|')) {
			current = undefined;
			continue;
		}
		if (/^\|[\s|:-]+\|$/.test(line)) continue;
		if (!current) found.push((current = []));
		current.push(cellsOf(line));
	}
	return found;
}
