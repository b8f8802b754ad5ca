'use strict';
/*
 * What the bench scripts share (scripts/bench.js, scripts/bench-volume.js): compiling the node code into a
 * private folder, talking to the sandbox process, storing media through n8n-core's BinaryDataService, the
 * machine's load. Plain Node.js, run outside n8n.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { Readable } = require('node:stream');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const MB = 1_000_000;
const MiB = 1_048_576;

const say = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const round1 = (n) => Math.round(n * 10) / 10;
const round2 = (n) => Math.round(n * 100) / 100;
const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const loadAverage = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

/** tsc of the project (nodes/ + credentials/) into `outDir`: the JS `npm run build` puts in dist/. */
function build(outDir, { root = REPO_ROOT } = {}) {
	const t0 = Date.now();
	const tsc = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
	const r = spawnSync(tsc, ['-p', path.join(root, 'tsconfig.json'), '--outDir', outDir, '--declaration', 'false', '--sourceMap', 'false'], {
		cwd: root,
		encoding: 'utf8',
	});
	if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}\n${r.stderr}`);
	say(`built ${path.relative(REPO_ROOT, root) || 'nodes/'} into ${path.relative(REPO_ROOT, outDir)} in ${Date.now() - t0} ms`);
}

/** The node code of a git ref (e.g. `main`, a commit), compiled into `outDir` (the "before" of a comparison). */
function buildRef(ref, outDir) {
	const src = `${outDir}-src`;
	fs.rmSync(src, { recursive: true, force: true });
	fs.mkdirSync(src, { recursive: true });
	const archive = spawnSync('git', ['archive', '--format=tar', ref, 'nodes', 'credentials', 'tsconfig.json', 'package.json'], { cwd: REPO_ROOT, maxBuffer: 1 << 28 });
	if (archive.status !== 0) throw new Error(`git archive ${ref} failed: ${archive.stderr}`);
	const untar = spawnSync('tar', ['-x', '-C', src], { input: archive.stdout });
	if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
	fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(src, 'node_modules'));
	const commit = spawnSync('git', ['rev-parse', '--short', ref], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.trim();
	build(outDir, { root: src });
	return commit;
}

async function control(sandbox, method, what, json) {
	const res = await fetch(`${sandbox.baseUrl}/__sandbox/${what}`, {
		method,
		headers: json === undefined ? {} : { 'content-type': 'application/json' },
		body: json === undefined ? undefined : JSON.stringify(json),
	});
	if (!res.ok) throw new Error(`sandbox control ${what}: HTTP ${res.status}`);
	return await res.json();
}

async function openBinaryDataService(storagePath) {
	require(require.resolve('reflect-metadata', { paths: [REPO_ROOT] }));
	const { BinaryDataService } = require(require.resolve('n8n-core/dist/binary-data/binary-data.service', { paths: [REPO_ROOT] }));
	const logger = { debug() {}, info() {}, warn() {}, error() {} };
	logger.scoped = () => logger;
	const service = new BinaryDataService(
		{ mode: 'filesystem', localStoragePath: storagePath, signingSecret: 'bench' },
		{ error() {}, warn() {}, info() {} },
		logger,
	);
	await service.init();
	return service;
}

/** An MP4 of `bytes` bytes from the sandbox generator, stored as n8n stores a binary; sha256 computed while writing. */
async function createMedia(service, bytes, fileName) {
	const { mp4Chunks } = require(path.join(REPO_ROOT, 'test', 'sandbox'));
	const hash = crypto.createHash('sha256');
	function* hashed() {
		for (const piece of mp4Chunks(bytes, { durationSec: 10, seed: 'bench' })) {
			hash.update(piece);
			yield piece;
		}
	}
	const t0 = Date.now();
	const binary = await service.store(
		{ type: 'execution', workflowId: 'bench', executionId: 'bench' },
		Readable.from(hashed()),
		{ fileName, mimeType: 'video/mp4', fileExtension: 'mp4' },
	);
	binary.fileName = fileName;
	binary.mimeType = 'video/mp4';
	binary.fileExtension = 'mp4';
	const filePath = service.getPath(binary.id);
	const size = fs.statSync(filePath).size;
	if (size !== bytes) throw new Error(`stored ${size} bytes instead of ${bytes}`);
	say(`stored ${fileName} (${bytes.toLocaleString('en-US')} bytes) as ${binary.id} in ${Date.now() - t0} ms`);
	return { binary, filePath, size, sha256: hash.digest('hex'), label: fileName };
}

module.exports = { REPO_ROOT, MB, MiB, say, round1, round2, median, loadAverage, build, buildRef, control, openBinaryDataService, createMedia };
