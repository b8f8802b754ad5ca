#!/usr/bin/env node
'use strict';
/*
 * npm run bench [-- --size-mb N] [--chunk-mb N] [--rounds N] [--small-mb N] [--no-wait-check] [--keep-media]
 *
 * Upload speed and memory of the package's REAL upload path next to the limit of the machine (curl),
 * in one run. Details and measured figures: scripts/bench/README.md.
 *
 *   1. compiles nodes/ + credentials/ with the project's tsconfig into .cache/bench-build/ (the same
 *      code `npm run build` puts in dist/, but in a private folder so parallel builds in the checkout
 *      are not disturbed);
 *   2. writes two MP4s (--size-mb, default 1024, and --small-mb, default 100; 1 "MB" of size = 1 MiB, so
 *      1024 = 1 GiB and the last chunk is larger than the others) into a temp folder THROUGH n8n-core's
 *      BinaryDataService in filesystem mode, exactly as n8n stores a binary (deleted at the end);
 *   3. starts the TikTok sandbox in its own process (`node test/sandbox/cli.js --port 0`);
 *   4. for each round (default 3) and each size: one package run, then one curl run:
 *      - package: a child process (scripts/bench/package-run.js) runs the built TikTok Upload Video node
 *        on that binary (n8n-core's getBinaryStream over the filesystem store, n8n's OutboundHttp
 *        request helper), measuring idle RSS, peak RSS and the largest Buffer allocated;
 *      - curl: its own init, then one `dd | curl -X PUT` per chunk of the same plan, twice: `-T -`
 *        (streamed; the reference for the ratio) and `--data-binary @-` (curl buffers the chunk first);
 *      throughput = file bytes / time from the first chunk to the 201; the sandbox's sha256 of every
 *      upload must equal the file's; the sandbox's CPU share comes from /proc/<pid>/stat;
 *   5. status waiting: the Publish Video node with Wait for Result on, against several sandbox
 *      processing times: time from the sandbox's `completedAt` to the node returning;
 *   6. prints a table and, as the LAST line, one JSON object.
 *
 * Diagnostics (not needed for the figures): --no-build (reuse .cache/bench-build), --read-hint N (the read
 * size the node asks n8n's binary stream for, default the node's 1 MiB), --gc-per-chunk (a forced GC
 * before every chunk PUT, to separate live memory from garbage V8 has not collected yet).
 *
 * Units: chunk "MB" = 1,000,000 bytes (the node's Chunk Size (MB) parameter); throughput MB/s =
 * 1,000,000 bytes/s; memory MB = 1,000,000 bytes (to compare with the chunk size directly).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, spawnSync } = require('node:child_process');
const { Readable } = require('node:stream');

const REPO_ROOT = path.resolve(__dirname, '..');
const BUILD_DIR = path.join(REPO_ROOT, '.cache', 'bench-build');
const CHILD = path.join(__dirname, 'bench', 'package-run.js');
const CURL_SCRIPT = path.join(__dirname, 'bench', 'curl-upload.sh');
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

function parseArgs(argv) {
	const args = { sizeMb: 1024, chunkMb: undefined, rounds: 3, smallMb: 100, waitCheck: true, keepMedia: false, build: true };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		const value = () => Number(inline !== undefined ? inline : argv[++i]);
		if (flag === '--size-mb') args.sizeMb = value();
		else if (flag === '--chunk-mb') args.chunkMb = value();
		else if (flag === '--rounds') args.rounds = value();
		else if (flag === '--small-mb') args.smallMb = value();
		else if (flag === '--no-wait-check') args.waitCheck = false;
		else if (flag === '--keep-media') args.keepMedia = true;
		else if (flag === '--no-build') args.build = false;
		else if (flag === '--read-hint') args.readHint = value();
		else if (flag === '--gc-per-chunk') args.gcPerChunk = true;
		else if (flag === '--help' || flag === '-h') {
			process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n').slice(2, 4).join('\n') + '\n');
			process.exit(0);
		} else throw new Error(`Unknown argument: ${argv[i]}`);
	}
	for (const k of ['sizeMb', 'rounds', 'smallMb']) {
		if (!(args[k] > 0)) throw new Error(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be > 0`);
	}
	return args;
}

function build() {
	const t0 = Date.now();
	const tsc = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
	const r = spawnSync(tsc, ['-p', 'tsconfig.json', '--outDir', BUILD_DIR, '--declaration', 'false', '--sourceMap', 'false'], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
	});
	if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}\n${r.stderr}`);
	say(`built nodes/ into ${path.relative(REPO_ROOT, BUILD_DIR)} in ${Date.now() - t0} ms`);
}

// ---------- media, stored through n8n-core's BinaryDataService (filesystem mode) ----------

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

// ---------- sandbox process ----------

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** user+system CPU seconds of a process, from /proc/<pid>/stat. */
function cpuSeconds(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
	} catch {
		return NaN;
	}
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

async function publishRecord(sandbox, publishId) {
	const all = await control(sandbox, 'GET', 'publishes');
	const record = all[publishId];
	if (!record) throw new Error(`sandbox has no publish ${publishId}`);
	return record;
}

// ---------- one package run (child process) ----------

function runPackage(sandbox, media, { chunkMb, node = 'upload', waitForResult = false, readHint, gcPerChunk }) {
	return (async () => {
		await control(sandbox, 'POST', 'reset', {});
		const token = await control(sandbox, 'POST', 'mint-token', {});
		const parameters = {
			source: 'binary',
			binaryPropertyName: 'data',
			expectedAccount: '',
			waitForResult,
			options: { ...(chunkMb !== undefined ? { chunkSizeMb: chunkMb } : {}), timeoutMinutes: 2 },
		};
		if (node === 'publish') Object.assign(parameters, { caption: 'bench', privacyLevel: 'SELF_ONLY', allowComments: false, allowDuet: false, allowStitch: false });
		const spec = { buildDir: BUILD_DIR, storagePath: media.storagePath, baseUrl: sandbox.baseUrl, token, binary: media.binary, node, parameters, readHint, gcPerChunk };
		let cpu0 = NaN;
		let cpu1 = NaN;
		const result = await new Promise((resolve, reject) => {
			const child = spawn(process.execPath, ['--expose-gc', CHILD, JSON.stringify(spec)], {
				cwd: REPO_ROOT,
				stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
			});
			let message;
			child.on('message', (m) => {
				if (m && m.event === 'start') cpu0 = cpuSeconds(sandbox.child.pid);
				else {
					cpu1 = cpuSeconds(sandbox.child.pid);
					message = m;
				}
			});
			child.on('error', reject);
			child.on('exit', (code) => (message ? resolve(message) : reject(new Error(`package run exited with ${code} without a result`))));
		});
		// sandbox CPU over the node's execute (init + chunks [+ status polls]), not the child's start-up
		const sandboxCpu = cpu1 - cpu0;
		if (!result.ok) throw new Error(`package run failed: ${result.error?.message}${result.error?.description ? ` — ${result.error.description}` : ''}`);
		const record = await publishRecord(sandbox, result.json.publishId);
		result.shaOk = record.sha256 === media.sha256;
		if (!result.shaOk) throw new Error(`package upload: sandbox sha256 ${record.sha256} != file ${media.sha256}`);
		result.record = record;
		result.sandboxCpuShare = sandboxCpu / (result.executeMs / 1000);
		result.sandboxCpuSec = sandboxCpu;
		result.mbps = media.size / MB / (result.transferMs / 1000);
		return result;
	})();
}

// ---------- one curl run ----------

async function runCurl(sandbox, media, plan, mode) {
	await control(sandbox, 'POST', 'reset', {});
	const token = await control(sandbox, 'POST', 'mint-token', {});
	const res = await fetch(`${sandbox.baseUrl}/v2/post/publish/inbox/video/init/`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json; charset=UTF-8' },
		body: JSON.stringify({
			source_info: { source: 'FILE_UPLOAD', video_size: plan.videoSize, chunk_size: plan.chunkSize, total_chunk_count: plan.totalChunkCount },
		}),
	});
	const init = await res.json();
	if (init.error?.code !== 'ok') throw new Error(`curl init failed: ${JSON.stringify(init.error)}`);
	const { publish_id: publishId, upload_url: uploadUrl } = init.data;
	const args = [CURL_SCRIPT, mode, media.filePath, uploadUrl, 'video/mp4', String(plan.videoSize), ...plan.chunks.map((c) => `${c.start}:${c.end}:${c.length}`)];
	const cpu0 = cpuSeconds(sandbox.child.pid);
	const w0 = Date.now();
	const out = await new Promise((resolve, reject) => {
		const child = spawn('bash', args, { stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`curl upload failed (exit ${code}): ${stderr.trim()}`))));
	});
	const sandboxCpu = cpuSeconds(sandbox.child.pid) - cpu0;
	const wall = (Date.now() - w0) / 1000;
	const t0 = Number(/^T0 (\d+)/m.exec(out)[1]);
	const t1 = Number(/^T1 (\d+)/m.exec(out)[1]);
	const codes = [...out.matchAll(/^C \d+ (\d+)/gm)].map((m) => m[1]);
	if (codes.length !== plan.totalChunkCount || codes[codes.length - 1] !== '201') throw new Error(`curl upload: unexpected answers ${codes.join(',')}`);
	// `times`: "0m0.001s 0m0.002s\n0m1.234s 0m0.567s" = shell user/sys, then children user/sys
	const times = (/^TIMES\n([\s\S]*)$/m.exec(out)?.[1] ?? '').trim().split(/\s+/).map((t) => {
		const m = /(\d+)m([\d.]+)s/.exec(t);
		return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
	});
	const record = await publishRecord(sandbox, publishId);
	if (record.sha256 !== media.sha256) throw new Error(`curl upload: sandbox sha256 ${record.sha256} != file ${media.sha256}`);
	const transferMs = (t1 - t0) / 1e6;
	return {
		transferMs,
		mbps: media.size / MB / (transferMs / 1000),
		shaOk: true,
		sandboxCpuSec: sandboxCpu,
		sandboxCpuShare: sandboxCpu / wall,
		clientCpuSec: times.reduce((a, b) => a + b, 0),
	};
}

// ---------- status waiting ----------

async function statusWaitCheck(sandbox, media, chunkMb, processingMs) {
	await control(sandbox, 'POST', 'configure', { processingMs });
	const run = await runPackage(sandbox, media, { chunkMb, node: 'publish', waitForResult: true });
	const record = run.record;
	const log = await control(sandbox, 'GET', 'log');
	const polls = log.filter((e) => /\/post\/publish\/status\/fetch\/$/.test(e.path)).map((e) => Date.parse(e.at));
	const lastChunk = log.filter((e) => e.method === 'PUT' && e.status === 201).map((e) => Date.parse(e.at)).pop();
	const completedAt = Date.parse(record.completedAt);
	// The poll that saw the final status is the first after completedAt; the interval is the node's
	// sleep before it (from the previous poll, or from the end of the upload for the first poll).
	const seenIdx = polls.findIndex((t) => t >= completedAt);
	const before = seenIdx > 0 ? polls[seenIdx - 1] : lastChunk;
	const interval = seenIdx >= 0 && before !== undefined ? polls[seenIdx] - before : NaN;
	const lagMs = run.returnedAtEpochMs - completedAt;
	return {
		processingMs,
		status: run.json.status,
		polls: polls.length,
		lagMs,
		intervalMs: interval,
		ok: run.json.status === 'PUBLISH_COMPLETE' && lagMs <= interval + 100,
	};
}

// ---------- main ----------

function fmtMB(bytes) {
	return round1(bytes / MB);
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.build) build();
	const { planChunks, chunkSizeFromMegabytes, DEFAULT_CHUNK_SIZE } = require(path.join(BUILD_DIR, 'nodes/TikTok/core/chunkPlan.js'));
	const chunkBytes = args.chunkMb === undefined ? DEFAULT_CHUNK_SIZE : chunkSizeFromMegabytes(args.chunkMb);
	const chunkMb = chunkBytes / MB;

	const sizes = [...new Set([args.sizeMb, args.smallMb])];
	const needBytes = sizes.reduce((a, s) => a + s * MiB, 0);
	const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tiktok-bench-'));
	const free = fs.statfsSync(tmpRoot);
	// media + one sandbox temp copy of the biggest upload at a time
	if (free.bavail * free.bsize < needBytes + args.sizeMb * MiB + 512 * MiB) {
		fs.rmSync(tmpRoot, { recursive: true, force: true });
		throw new Error(`not enough space in ${os.tmpdir()} for ${fmtMB(needBytes)} MB of media`);
	}
	const storagePath = path.join(tmpRoot, 'n8n-binary-data');

	let sandbox;
	const cleanup = async () => {
		if (sandbox) await sandbox.close().catch(() => undefined);
		sandbox = undefined;
		if (!args.keepMedia) fs.rmSync(tmpRoot, { recursive: true, force: true });
	};
	const onSignal = () => cleanup().finally(() => process.exit(130));
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);

	try {
		const service = await openBinaryDataService(storagePath);
		const media = {};
		for (const s of sizes) {
			media[s] = await createMedia(service, s * MiB, `bench-${s}mib.mp4`);
			media[s].storagePath = storagePath;
		}

		const { startSandboxProcess } = require(path.join(REPO_ROOT, 'test', 'e2e', 'lib', 'sandbox'));
		sandbox = await startSandboxProcess({ port: 0 });
		await control(sandbox, 'POST', 'configure', { rateLimits: { init: 10000, creatorInfo: 10000, status: 10000 } });
		say(`sandbox ${sandbox.baseUrl} (pid ${sandbox.child.pid})`);

		const results = {};
		for (const s of sizes) results[s] = { package: [], curl: [], curlData: [] };
		for (let r = 1; r <= args.rounds; r++) {
			for (const s of sizes) {
				const m = media[s];
				const plan = planChunks(m.size, chunkBytes);
				const p = await runPackage(sandbox, m, { chunkMb: args.chunkMb, readHint: args.readHint, gcPerChunk: args.gcPerChunk });
				results[s].package.push(p);
				say(
					`round ${r} ${s} MiB package: ${round1(p.mbps)} MB/s, idle ${fmtMB(p.idleRss)} MB, peak ${fmtMB(Math.max(p.maxRss, p.peakRssSampled))} MB, largest buffer ${fmtMB(p.largestAllocUpload)} MB, Buffers peak ${fmtMB(p.peakArrayBuffers - p.idleArrayBuffers)} MB / heap peak ${fmtMB(p.peakHeapUsed - p.idleHeapUsed)} MB over idle, sandbox CPU ${round2(p.sandboxCpuShare)}`,
				);
				const c = await runCurl(sandbox, m, plan, 'stream');
				results[s].curl.push(c);
				say(`round ${r} ${s} MiB curl -T -:             ${round1(c.mbps)} MB/s, sandbox CPU ${round2(c.sandboxCpuShare)}, curl+dd CPU ${round2(c.clientCpuSec)} s`);
				const d = await runCurl(sandbox, m, plan, 'data');
				results[s].curlData.push(d);
				say(`round ${r} ${s} MiB curl --data-binary @-: ${round1(d.mbps)} MB/s, sandbox CPU ${round2(d.sandboxCpuShare)}, curl+dd CPU ${round2(d.clientCpuSec)} s`);
			}
		}

		const summary = {};
		for (const s of sizes) {
			const pk = results[s].package;
			const cu = results[s].curl;
			const cd = results[s].curlData;
			const plan = planChunks(media[s].size, chunkBytes);
			summary[s] = {
				bytes: media[s].size,
				chunks: plan.totalChunkCount,
				lastChunk: plan.chunks[plan.chunks.length - 1].length,
				packageMBps: median(pk.map((x) => x.mbps)),
				packageAll: pk.map((x) => round1(x.mbps)),
				curlMBps: median(cu.map((x) => x.mbps)),
				curlAll: cu.map((x) => round1(x.mbps)),
				curlDataMBps: median(cd.map((x) => x.mbps)),
				curlDataAll: cd.map((x) => round1(x.mbps)),
				idleRss: median(pk.map((x) => x.idleRss)),
				// per run: max of the 20 ms samples and the kernel's high-water mark; then the largest run
				peakRss: Math.max(...pk.map((x) => Math.max(x.maxRss, x.peakRssSampled))),
				peakOverIdle: Math.max(...pk.map((x) => Math.max(x.maxRss, x.peakRssSampled) - x.idleRss)),
				largestAlloc: Math.max(...pk.map((x) => x.largestAllocUpload)),
				arrayBuffersOverIdle: Math.max(...pk.map((x) => x.peakArrayBuffers - x.idleArrayBuffers)),
				sourceLargest: Math.max(...pk.map((x) => x.sourceStats?.largestAllocation ?? 0)),
				bigAllocsPerChunk: median(pk.map((x) => x.bigAllocsUpload / plan.totalChunkCount)),
				bigAllocSizes: pk[pk.length - 1].bigAllocSizesUpload,
				packageCpuPerGB: median(pk.map((x) => (x.cpuUserMs + x.cpuSystemMs) / 1000 / (media[s].size / 1e9))),
				curlClientCpuPerGB: median(cu.map((x) => x.clientCpuSec / (media[s].size / 1e9))),
				curlDataClientCpuPerGB: median(cd.map((x) => x.clientCpuSec / (media[s].size / 1e9))),
				sandboxCpuPackage: median(pk.map((x) => x.sandboxCpuShare)),
				sandboxCpuPerGB: median([...pk, ...cu].map((x) => x.sandboxCpuSec / (media[s].size / 1e9))),
				sandboxCpuCurl: median(cu.map((x) => x.sandboxCpuShare)),
				shaOk: [...pk, ...cu, ...cd].every((x) => x.shaOk),
			};
			summary[s].ratio = summary[s].packageMBps / summary[s].curlMBps;
		}

		let waits = [];
		if (args.waitCheck) {
			const small = media[args.smallMb];
			for (const processingMs of [300, 2500, 6500]) {
				const w = await statusWaitCheck(sandbox, small, args.chunkMb, processingMs);
				waits.push(w);
				say(`wait check processingMs=${processingMs}: returned ${w.lagMs} ms after completedAt (poll interval ${w.intervalMs} ms)`);
			}
		}

		// ---------- report ----------
		const big = summary[args.sizeMb];
		const small = summary[args.smallMb];
		const lines = [];
		lines.push('');
		lines.push(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model?.trim()}), ${fmtMB(os.totalmem())} MB RAM, node ${process.version}, ${spawnSync('curl', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0].split(' ').slice(0, 2).join(' ')}`);
		lines.push(`chunk size ${chunkMb} MB (${chunkBytes.toLocaleString('en-US')} bytes), ${args.rounds} rounds, alternating package / curl -T - / curl --data-binary @-; ratio = package / curl -T -`);
		lines.push('');
		lines.push('| file | chunks (last) | package MB/s (median; runs) | curl -T - MB/s (median; runs) | curl --data-binary @- MB/s (median; runs) | ratio | idle RSS MB | peak RSS MB | peak − idle MB | Buffers (arrayBuffers) peak − idle MB | largest Buffer MB | ≥256 KiB allocs / chunk | CPU s/GB pkg / curl -T / curl --data | sandbox CPU share pkg / curl -T (s/GB) | sha256 |');
		lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
		for (const s of sizes) {
			const x = summary[s];
			lines.push(
				`| ${s} MiB (${x.bytes.toLocaleString('en-US')} B) | ${x.chunks} (${fmtMB(x.lastChunk)} MB) | ${round1(x.packageMBps)} (${x.packageAll.join(', ')}) | ${round1(x.curlMBps)} (${x.curlAll.join(', ')}) | ${round1(x.curlDataMBps)} (${x.curlDataAll.join(', ')}) | ${round2(x.ratio)} | ${fmtMB(x.idleRss)} | ${fmtMB(x.peakRss)} | ${fmtMB(x.peakOverIdle)} | ${fmtMB(x.arrayBuffersOverIdle)} | ${fmtMB(x.largestAlloc)} (source: ${fmtMB(x.sourceLargest)}) | ${round2(x.bigAllocsPerChunk)} | ${round2(x.packageCpuPerGB)} / ${round2(x.curlClientCpuPerGB)} / ${round2(x.curlDataClientCpuPerGB)} | ${round2(x.sandboxCpuPackage)} / ${round2(x.sandboxCpuCurl)} (${round2(x.sandboxCpuPerGB)}) | ${x.shaOk ? 'equal' : 'MISMATCH'} |`,
			);
		}
		lines.push('');
		lines.push(`largest allocations during the ${args.sizeMb} MiB upload (size x count): ${big.bigAllocSizes.map(([sz, n]) => `${sz.toLocaleString('en-US')}x${n}`).join(', ')}`);
		if (waits.length) {
			lines.push('');
			lines.push('| sandbox processingMs | final status | status polls | node returned after completedAt (ms) | poll interval that saw it (ms) | ≤ one interval |');
			lines.push('|---|---|---|---|---|---|');
			for (const w of waits) lines.push(`| ${w.processingMs} | ${w.status} | ${w.polls} | ${w.lagMs} | ${w.intervalMs} | ${w.ok ? 'yes' : 'NO'} |`);
		}
		const limit = 3 * chunkBytes;
		const peakDiff = Math.abs(big.peakRss - small.peakRss) / small.peakRss;
		lines.push('');
		lines.push(`targets: ratio ${round2(big.ratio)} ≥ 0.9: ${big.ratio >= 0.9 ? 'met' : 'MISSED'}; peak − idle ${fmtMB(big.peakOverIdle)} MB ≤ 3 × chunk = ${fmtMB(limit)} MB: ${big.peakOverIdle <= limit ? 'met' : 'MISSED'}; ${args.sizeMb} MiB vs ${args.smallMb} MiB peak RSS differ by ${round1(peakDiff * 100)}% (≤ 10%): ${peakDiff <= 0.1 ? 'met' : 'MISSED'}${waits.length ? `; status wait ≤ one poll interval: ${waits.every((w) => w.ok) ? 'met' : 'MISSED'}` : ''}`);
		process.stdout.write(lines.join('\n') + '\n');
		process.stdout.write(
			JSON.stringify({
				sizeMB: args.sizeMb,
				chunkMB: chunkMb,
				packageMBps: round1(big.packageMBps),
				curlMBps: round1(big.curlMBps),
				ratio: round2(big.ratio),
				idleRssMB: fmtMB(big.idleRss),
				peakRssMB: fmtMB(big.peakRss),
				peakRssMB100: fmtMB(small.peakRss),
			}) + '\n',
		);
	} finally {
		await cleanup();
	}
}

main().catch((err) => {
	process.stderr.write(`[bench] failed: ${err && err.stack ? err.stack : err}\n`);
	process.exit(1);
});
