/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * docs/ARCHITECTURE.md must stay true of the code: its file tree lists every runtime file (nodes/,
 * credentials/) and no other, every import follows its layers, there is no import cycle, and the
 * runtime files keep the size rules (a file within 300 lines, a function within 60), measured with the
 * TypeScript compiler as the files are written. And what the runtime code cites is in the repository:
 * each docs/tiktok-api.md section or field report it names exists there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';

import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 60;
/** What runtime code may import besides its own relative files. */
const ALLOWED_PACKAGES = new Set(['n8n-workflow', 'node:crypto']);

const architecture = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');

function listTs(folder: string): string[] {
	return readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
		const path = posix.join(folder, entry.name);
		if (entry.isDirectory()) return listTs(path);
		return entry.name.endsWith('.ts') ? [path] : [];
	});
}

const runtimeFiles = [...listTs('credentials'), ...listTs('nodes')].sort();
const sources = new Map(
	runtimeFiles.map((file) => [
		file,
		ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true),
	]),
);

/** The first fenced block after a heading of ARCHITECTURE.md. */
function blockAfter(heading: string): string[] {
	const start = architecture.indexOf(`\n${heading}\n`);
	if (start < 0) throw new Error(`ARCHITECTURE.md has no "${heading}"`);
	const open = architecture.indexOf('\n```', start);
	const close = architecture.indexOf('\n```', open + 4);
	return architecture.slice(architecture.indexOf('\n', open + 1) + 1, close).split('\n');
}

/** The file tree: two spaces per level, folders end with "/", a file's description after its name. */
function treeFiles(): string[] {
	const folders: string[] = [];
	const files: string[] = [];
	for (const line of blockAfter('## Files')) {
		if (!line.trim()) continue;
		const depth = (line.length - line.trimStart().length) / 2;
		const name = line.trim().split(/\s+/)[0];
		folders.length = depth;
		if (name.endsWith('/')) folders.push(name);
		else files.push(folders.join('') + name);
	}
	return files.sort();
}

/** The layers: `layer N: unit unit …`; a unit is a folder (ending in "/") or a file. */
function layers(): Map<string, number> {
	const units = new Map<string, number>();
	for (const line of blockAfter('## Dependencies')) {
		const match = /^layer (\d+): (.+)$/.exec(line.trim());
		if (!match) continue;
		for (const unit of match[2].split(/\s+/)) units.set(unit, Number(match[1]));
	}
	return units;
}

/** The longest unit path that holds the file. */
function unitOf(file: string, units: Map<string, number>): string | undefined {
	let best: string | undefined;
	for (const unit of units.keys()) {
		const holds = unit.endsWith('/') ? file.startsWith(unit) : file === unit;
		if (holds && (!best || unit.length > best.length)) best = unit;
	}
	return best;
}

/** Every module a file imports or re-exports (type-only imports too), as written. */
function importsOf(file: string): string[] {
	const source = sources.get(file)!;
	return source.statements.flatMap((statement) =>
		(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
		statement.moduleSpecifier &&
		ts.isStringLiteral(statement.moduleSpecifier)
			? [statement.moduleSpecifier.text]
			: [],
	);
}

function resolveRelative(file: string, specifier: string): string {
	return relative(ROOT, join(ROOT, dirname(file), `${specifier}.ts`)).split(sep).join('/');
}

const relativeImports = new Map(
	runtimeFiles.map((file) => [
		file,
		importsOf(file)
			.filter((specifier) => specifier.startsWith('.'))
			.map((specifier) => resolveRelative(file, specifier)),
	]),
);

/** Lines of a file as an editor numbers them (a final newline does not start another line). */
function fileLines(source: ts.SourceFile): number {
	return source.getLineStarts().length - (source.text.endsWith('\n') ? 1 : 0);
}

function lineCount(source: ts.SourceFile, from: number, to: number): number {
	return source.getLineAndCharacterOfPosition(to).line - source.getLineAndCharacterOfPosition(from).line + 1;
}

function functionName(node: ts.SignatureDeclaration, source: ts.SourceFile): string {
	if (node.name) return node.name.getText(source);
	const parent = node.parent;
	if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText(source);
	return `(function at line ${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1})`;
}

/** Every function-like with a body, its length in lines including any function nested in it. */
function functionLengths(file: string): Array<{ name: string; lines: number }> {
	const source = sources.get(file)!;
	const found: Array<{ name: string; lines: number }> = [];
	const visit = (node: ts.Node): void => {
		if (ts.isFunctionLike(node) && 'body' in node && node.body) {
			found.push({ name: functionName(node, source), lines: lineCount(source, node.getStart(source), node.end) });
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return found;
}

describe('docs/ARCHITECTURE.md matches the code', () => {
	it('finds the runtime files and the documented tree and layers', () => {
		expect(runtimeFiles).toContain('nodes/TikTok/core/tiktok/transport.ts');
		expect(treeFiles()).toContain('nodes/TikTok/core/tiktok/transport.ts');
		expect(layers().get('nodes/TikTok/core/tiktok/')).toBe(2);
	});

	it('lists every runtime file in its tree, and only files that exist', () => {
		const listed = treeFiles();
		expect({ missingFromTree: runtimeFiles.filter((file) => !listed.includes(file)) }).toEqual({ missingFromTree: [] });
		expect({ listedButAbsent: listed.filter((file) => !runtimeFiles.includes(file)) }).toEqual({ listedButAbsent: [] });
	});

	it('every runtime file belongs to a unit of the layers', () => {
		const units = layers();
		expect(runtimeFiles.filter((file) => unitOf(file, units) === undefined)).toEqual([]);
	});

	it('imports go to the own unit or a lower layer only', () => {
		const units = layers();
		const against: string[] = [];
		for (const [file, targets] of relativeImports) {
			const from = unitOf(file, units)!;
			for (const target of targets) {
				const to = unitOf(target, units);
				if (to === from) continue;
				if (to === undefined || units.get(to)! >= units.get(from)!) against.push(`${file} -> ${target}`);
			}
		}
		expect(against).toEqual([]);
	});

	it('imports only n8n-workflow, node:crypto and relative files', () => {
		const other = runtimeFiles.flatMap((file) =>
			importsOf(file)
				.filter((specifier) => !specifier.startsWith('.') && !ALLOWED_PACKAGES.has(specifier))
				.map((specifier) => `${file}: ${specifier}`),
		);
		expect(other).toEqual([]);
	});

	it('has no import cycle', () => {
		const cycles: string[] = [];
		const state = new Map<string, 'open' | 'done'>();
		const path: string[] = [];
		const visit = (file: string): void => {
			state.set(file, 'open');
			path.push(file);
			for (const target of relativeImports.get(file) ?? []) {
				if (state.get(target) === 'open') cycles.push([...path.slice(path.indexOf(target)), target].join(' -> '));
				else if (!state.has(target)) visit(target);
			}
			path.pop();
			state.set(file, 'done');
		};
		for (const file of runtimeFiles) if (!state.has(file)) visit(file);
		expect(cycles).toEqual([]);
	});
});

describe('size rules of runtime code', () => {
	it(`no runtime file is over ${MAX_FILE_LINES} lines`, () => {
		const long = runtimeFiles
			.map((file) => ({ file, lines: fileLines(sources.get(file)!) }))
			.filter(({ lines }) => lines > MAX_FILE_LINES);
		expect(long).toEqual([]);
	});

	it(`no runtime function is over ${MAX_FUNCTION_LINES} lines`, () => {
		const long = runtimeFiles.flatMap((file) =>
			functionLengths(file)
				.filter(({ lines }) => lines > MAX_FUNCTION_LINES)
				.map(({ name, lines }) => `${file} ${name}: ${lines} lines`),
		);
		expect(long).toEqual([]);
	});

	it('measures as an editor counts: a 61-line function in a 61-line file', () => {
		const body = Array.from({ length: 59 }, (_, i) => `\tconst v${i} = ${i};`).join('\n');
		const file = ts.createSourceFile('probe.ts', `function probe() {\n${body}\n}\n`, ts.ScriptTarget.Latest, true);
		sources.set('probe.ts', file);
		try {
			expect(functionLengths('probe.ts')).toEqual([{ name: 'probe', lines: 61 }]);
			expect(fileLines(file)).toBe(61);
		} finally {
			sources.delete('probe.ts');
		}
	});
});

describe('what runtime code cites is in the repository', () => {
	const api = readFileSync(join(ROOT, 'docs', 'tiktok-api.md'), 'utf8');
	const sections = new Set([...api.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((match) => match[1]));
	const reports = new Set([...api.matchAll(/^- \*\*(G\d+)\./gm)].map((match) => match[1]));
	const citations = runtimeFiles.flatMap((file) =>
		[...sources.get(file)!.text.matchAll(/docs\/tiktok-api\.md((?:,? (?:§[\d.]*\d|G\d+))+)/g)].flatMap((match) =>
			match[1].split(/,? /).filter(Boolean).map((reference) => ({ file, reference })),
		),
	);

	it('finds the sections, the field reports and the citations', () => {
		expect(sections.has('3.1')).toBe(true);
		expect(reports.has('G14')).toBe(true);
		expect(citations.length).toBeGreaterThan(20);
	});

	it('every docs/tiktok-api.md section and field report cited exists there', () => {
		const missing = citations.filter(({ reference }) =>
			reference.startsWith('§') ? !sections.has(reference.slice(1)) : !reports.has(reference),
		);
		expect(missing).toEqual([]);
	});

	it('no runtime file cites a document outside the repository', () => {
		const outside = runtimeFiles.filter((file) =>
			/(?<!docs\/)tiktok-api\.md|n8n-conventions|shared\/reference|peers(?:-measured)?\.md/.test(sources.get(file)!.text),
		);
		expect(outside).toEqual([]);
	});
});
