#!/usr/bin/env node
'use strict';
/*
 * npm run bench:volume [-- --parts batch,memory] [--posts 8] [--processing-ms 20000] [--moderation-ms 20000]
 *                        [--baseline-ref REF | --no-baseline] [--memory-file 300MB] [--chunk-mb 32] [--rounds 3] [--no-build]
 *
 * Issue 19's figures, measured in one run against the TikTok sandbox (scripts/bench/README.md, "Volume"):
 *
 * batch   N public posts from URLs (TikTok pulls them), the sandbox taking `processing-ms` to process each and
 *         `moderation-ms` more before it gives the post id, TikTok's real limits (6 inits, 30 status calls a
 *         minute per token). Publish Video, one execution with the N items, each in its own child process
 *         (scripts/bench/package-run.js), built from:
 *         - the baseline ref (default BEFORE_BATCH_WAITS, the last commit whose node finished each item, waits
 *           included, before starting the next: "one after another"), compiled from git into .cache/bench-baseline;
 *         - this checkout (the batch: every item handed over, then one wait for all).
 *         Per run: seconds, init and status calls, 429 answers, items with a post id (from the sandbox log and
 *         the node's output). Target (issue 19): the batch <= 200 s for 8 posts of 20 s + 20 s, 0 x 429, every id.
 * memory  A `memory-file` binary stored through n8n-core's BinaryDataService (filesystem mode), posted by the
 *         built Upload Video node with Chunk Size `chunk-mb`, and the same file only read to its end through the
 *         same n8n stream helper (no node), `rounds` times each, in turn, each in its own process. The node's own
 *         overhead = median(peak RSS - idle) of the post - median(peak RSS - idle) of the read.
 *         Target (issue 19): <= 2 x the plan's largest request + 16 MB.
 *
 * Progress goes to stderr; the tables, then one JSON object as the last line, to stdout. MB = 10^6 bytes.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { REPO_ROOT, MB, say, round1, median, loadAverage, build, buildRef, control, openBinaryDataService, createMedia } = require('./bench/common');

const BUILD_DIR = path.join(REPO_ROOT, '.cache', 'bench-build');
const BASELINE_DIR = path.join(REPO_ROOT, '.cache', 'bench-baseline');
const CHILD = path.join(__dirname, 'bench', 'package-run.js');
/** main before issue 19: Publish Video posted, then waited for, each item before the next one. */
const BEFORE_BATCH_WAITS = '1c970eb';

function parseArgs(argv) {
	const args = { parts: ['batch', 'memory'], posts: 8, processingMs: 20_000, moderationMs: 20_000, baselineRef: BEFORE_BATCH_WAITS, memoryFile: '300MB', chunkMb: 32, rounds: 3, build: true };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		const raw = () => (inline !== undefined ? inline : argv[++i]);
		if (flag === '--parts') args.parts = raw().split(',').map((p) => p.trim());
		else if (flag === '--posts') args.posts = Number(raw());
		else if (flag === '--processing-ms') args.processingMs = Number(raw());
		else if (flag === '--moderation-ms') args.moderationMs = Number(raw());
		else if (flag === '--baseline-ref') args.baselineRef = raw();
		else if (flag === '--no-baseline') args.baselineRef = undefined;
		else if (flag === '--memory-file') args.memoryFile = raw();
		else if (flag === '--chunk-mb') args.chunkMb = Number(raw());
		else if (flag === '--rounds') args.rounds = Number(raw());
		else if (flag === '--no-build') args.build = false;
		else throw new Error(`Unknown argument: ${argv[i]}`);
	}
	for (const k of ['posts', 'rounds', 'chunkMb']) if (!(args[k] > 0)) throw new Error(`--${k} must be > 0`);
	const m = /^(\d+)\s*(MB|MiB)$/i.exec(args.memoryFile);
	if (!m) throw new Error(`--memory-file: "${args.memoryFile}" (e.g. 300MB, 300MiB)`);
	args.memoryBytes = Number(m[1]) * (m[2].toLowerCase() === 'mib' ? 1_048_576 : MB);
	return args;
}

/** One child process running the built node (or only reading), with the sandbox's fresh token. */
async function runChild(sandbox, spec) {
	const token = await control(sandbox, 'POST', 'mint-token', {});
	const full = { baseUrl: sandbox.baseUrl, token, ...spec };
	return await new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--expose-gc', CHILD, JSON.stringify(full)], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
		let message;
		child.on('message', (m) => {
			if (!(m && m.event === 'start')) message = m;
		});
		child.on('error', reject);
		child.on('exit', (code) => (message ? resolve(message) : reject(new Error(`package run exited with ${code} without a result`))));
	});
}

// ---------- batch ----------

function batchSpec(args, sandbox, buildDir) {
	const items = Array.from({ length: args.posts }, (_, i) => ({
		parameters: { videoUrl: `${sandbox.baseUrl}/media/batch-${i + 1}.mp4?bytes=1500000&seed=${i + 1}`, caption: `Batch post ${i + 1} #volume` },
	}));
	const parameters = {
		source: 'url',
		uploadMethod: 'pull',
		privacyLevel: 'PUBLIC_TO_EVERYONE',
		allowComments: true,
		allowDuet: false,
		allowStitch: false,
		expectedAccount: '',
		waitForResult: true,
		options: { timeoutMinutes: 10, postIdWaitMinutes: 2 },
	};
	return { buildDir, storagePath: args.storagePath, node: 'publish', parameters, items };
}

async function runBatch(args, sandbox, label, buildDir) {
	await control(sandbox, 'POST', 'reset', {});
	say(`batch: ${label}: ${args.posts} public posts (processing ${args.processingMs} ms, moderation ${args.moderationMs} ms)…`);
	const result = await runChild(sandbox, batchSpec(args, sandbox, buildDir));
	if (!result.ok) throw new Error(`${label} failed: ${result.error?.message}${result.error?.description ? ` — ${result.error.description}` : ''}`);
	const log = await control(sandbox, 'GET', 'log');
	const calls = (suffix) => log.filter((e) => e.path.endsWith(suffix));
	const outputs = result.outputs ?? [];
	const run = {
		label,
		executions: result.executions.length,
		seconds: round1(result.executeMs / 1000),
		inits: calls('/post/publish/video/init/').length,
		statusCalls: calls('/post/publish/status/fetch/').length,
		rateLimited: log.filter((e) => e.status === 429).length,
		withPostId: outputs.filter((o) => Array.isArray(o.postIds) && o.postIds.length > 0).length,
		published: outputs.filter((o) => o.status === 'PUBLISH_COMPLETE').length,
		items: outputs.length,
	};
	say(`batch: ${label}: ${run.seconds} s, ${run.inits} inits, ${run.statusCalls} status calls, ${run.rateLimited} x 429, ${run.withPostId}/${run.items} with a post id`);
	return run;
}

async function batchPart(args, sandbox) {
	await control(sandbox, 'POST', 'configure', {
		processingMs: args.processingMs,
		postIdDelayMs: args.moderationMs,
		rateLimits: { windowMs: 60_000, init: 6, creatorInfo: 20, status: 30 },
	});
	const runs = [];
	if (args.baselineRef) {
		const commit = buildRef(args.baselineRef, BASELINE_DIR);
		runs.push(await runBatch(args, sandbox, `before: ${args.baselineRef}${commit.startsWith(args.baselineRef) ? '' : ` (${commit})`}`, BASELINE_DIR));
	}
	runs.push(await runBatch(args, sandbox, 'after: this checkout', BUILD_DIR));
	return runs;
}

// ---------- memory ----------

async function memoryPart(args, sandbox, storagePath) {
	const service = await openBinaryDataService(storagePath);
	const media = await createMedia(service, args.memoryBytes, 'volume-memory.mp4');
	const { planChunks, chunkSizeFromMegabytes } = require(path.join(BUILD_DIR, 'nodes/TikTok/core/video/chunkPlan.js'));
	const plan = planChunks(media.size, chunkSizeFromMegabytes(args.chunkMb));
	const largest = Math.max(...plan.chunks.map((c) => c.length));
	await control(sandbox, 'POST', 'configure', { processingMs: 300, rateLimits: { init: 10000, creatorInfo: 10000, status: 10000 } });
	const overIdle = (r) => Math.max(r.maxRss, r.peakRssSampled) - r.idleRss;
	const post = [];
	const read = [];
	for (let round = 1; round <= args.rounds; round++) {
		await control(sandbox, 'POST', 'reset', {});
		const parameters = { source: 'binary', binaryPropertyName: 'data', expectedAccount: '', waitForResult: false, options: { chunkSizeMb: args.chunkMb } };
		const p = await runChild(sandbox, { buildDir: BUILD_DIR, storagePath, binary: media.binary, node: 'upload', parameters });
		if (!p.ok) throw new Error(`memory: post failed: ${p.error?.message}`);
		const record = (await control(sandbox, 'GET', 'publishes'))[p.json.publishId];
		if (!record || record.sha256 !== media.sha256) throw new Error('memory: the sandbox did not receive the file intact');
		post.push(overIdle(p));
		const r = await runChild(sandbox, { buildDir: BUILD_DIR, storagePath, binary: media.binary, node: 'upload', parameters, readOnly: true });
		if (!r.ok || r.outputs?.[0]?.bytesRead !== media.size) throw new Error(`memory: read-only run failed: ${r.error?.message ?? JSON.stringify(r.outputs)}`);
		read.push(overIdle(r));
		say(`memory round ${round}: post ${round1(post.at(-1) / MB)} MB over idle, read only ${round1(read.at(-1) / MB)} MB over idle`);
	}
	const overhead = median(post) - median(read);
	return {
		file: `${args.memoryFile} (${media.size.toLocaleString('en-US')} B)`,
		requests: plan.totalChunkCount,
		largestRequest: largest,
		post: post.map((x) => round1(x / MB)),
		read: read.map((x) => round1(x / MB)),
		overheadMB: round1(overhead / MB),
		targetMB: round1((2 * largest + 16 * MB) / MB),
	};
}

// ---------- report ----------

function report(args, batch, memory, load) {
	const lines = ['', `machine: ${os.cpus().length} CPUs, node ${process.version}; load average ${load[0]} before, ${load[1]} after`];
	const targets = [];
	if (batch) {
		lines.push('', `batch: ${args.posts} public posts from URLs, sandbox processing ${args.processingMs} ms + moderation ${args.moderationMs} ms, limits 6 inits / 30 status calls a minute`);
		lines.push('| node code | executions | seconds | init calls | status calls | 429 answers | published | with post id |', '|---|---|---|---|---|---|---|---|');
		for (const r of batch) lines.push(`| ${r.label} | ${r.executions} | ${r.seconds} | ${r.inits} | ${r.statusCalls} | ${r.rateLimited} | ${r.published}/${r.items} | ${r.withPostId}/${r.items} |`);
		const b = batch.find((r) => r.label.startsWith('after'));
		const ok = b.seconds <= 200 && b.rateLimited === 0 && b.withPostId === b.items;
		targets.push(`batch ${b.seconds} s <= 200 s, ${b.rateLimited} x 429, ${b.withPostId}/${b.items} post ids: ${ok ? 'met' : 'MISSED'}`);
	}
	if (memory) {
		lines.push('', `memory: ${memory.file}, Chunk Size ${args.chunkMb} MB: ${memory.requests} requests, the largest ${round1(memory.largestRequest / MB)} MB`);
		lines.push('| run | peak RSS - idle, MB (rounds) | median |', '|---|---|---|');
		lines.push(`| post (Upload Video) | ${memory.post.join(', ')} | ${round1(median(memory.post))} |`);
		lines.push(`| read the file only | ${memory.read.join(', ')} | ${round1(median(memory.read))} |`);
		targets.push(`node's own overhead ${memory.overheadMB} MB <= 2 x ${round1(memory.largestRequest / MB)} + 16 = ${memory.targetMB} MB: ${memory.overheadMB <= memory.targetMB ? 'met' : 'MISSED'}`);
	}
	lines.push('', `targets: ${targets.join('; ')}`);
	process.stdout.write(`${lines.join('\n')}\n`);
	process.stdout.write(`${JSON.stringify({ load, batch, memory })}\n`);
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.build) build(BUILD_DIR);
	const loadBefore = loadAverage();
	const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tiktok-bench-volume-'));
	let sandbox;
	const cleanup = async () => {
		if (sandbox) await sandbox.close().catch(() => undefined);
		sandbox = undefined;
		fs.rmSync(tmpRoot, { recursive: true, force: true });
	};
	const onSignal = () => cleanup().finally(() => process.exit(130));
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	try {
		const { startSandboxProcess } = require(path.join(REPO_ROOT, 'test', 'e2e', 'lib', 'sandbox'));
		sandbox = await startSandboxProcess({ port: 0 });
		args.storagePath = path.join(tmpRoot, 'n8n-binary-data');
		const batch = args.parts.includes('batch') ? await batchPart(args, sandbox) : undefined;
		const memory = args.parts.includes('memory') ? await memoryPart(args, sandbox, args.storagePath) : undefined;
		report(args, batch, memory, [loadBefore, loadAverage()]);
	} finally {
		await cleanup();
	}
}

main().catch((err) => {
	process.stderr.write(`[bench] failed: ${err && err.stack ? err.stack : err}\n`);
	process.exit(1);
});
