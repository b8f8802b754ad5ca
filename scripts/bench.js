#!/usr/bin/env node
'use strict';
/*
 * npm run bench [-- --files 60MB,100MiB,1GiB] [--chunk-mb N] [--rounds N] [--hwm BYTES] [--no-wait-check] [--keep-media]
 *
 * Upload speed and memory of the package's REAL upload path next to the fastest honest uploader of the
 * same plan on this machine, in one run. Details and measured figures: scripts/bench/README.md.
 *
 *   1. compiles nodes/ + credentials/ with the project's tsconfig into .cache/bench-build/ (the same
 *      code `npm run build` puts in dist/, but in a private folder so parallel builds in the checkout
 *      are not disturbed);
 *   2. writes the files (default 60 MB = one request in the Auto plan, 100 MiB and 1 GiB = 32 MB chunks;
 *      units MB = 10^6 bytes, MiB/GiB = 2^20/2^30) into a temp folder THROUGH n8n-core's
 *      BinaryDataService in filesystem mode, exactly as n8n stores a binary (deleted at the end);
 *   3. starts the TikTok sandbox in its own process (`node test/sandbox/cli.js --port 0`);
 *   4. for each round (default 3) and each file, in turn:
 *      - package: a child process (scripts/bench/package-run.js) runs the built TikTok Upload Video node
 *        with its default chunk plan (Auto, or --chunk-mb) on that binary (n8n-core's getBinaryStream
 *        over the filesystem store, n8n's OutboundHttp request helper), measuring idle RSS, peak RSS and
 *        the largest Buffer allocated;
 *      - node http: its own init, then scripts/bench/node-upload.js sends the same plan, each chunk one
 *        PUT streamed from the file with fs.createReadStream({ start, end }) over a kept-alive connection;
 *      - curl: the same plan, one `dd | curl -T -` per chunk (scripts/bench/curl-upload.sh);
 *      throughput = file bytes / time from the first chunk to the 201; the sandbox's sha256 of every
 *      upload must equal the file's; the sandbox's CPU share comes from /proc/<pid>/stat;
 *   5. status waiting: the Publish Video node with Wait for Result on, against several sandbox
 *      processing times: time from the sandbox's `completedAt` to the node returning;
 *   6. prints a table and, as the LAST line, one JSON object.
 *
 * The ratio is package / the faster of node http and curl. Memory target: peak RSS over idle at most
 * 3 x the plan's largest request body, and the same for 100 MiB and 1 GiB (both 32 MB chunks).
 *
 * Diagnostics (not needed for the figures): --no-build (reuse .cache/bench-build), --read-hint N (the read
 * size the node asks n8n's binary stream for), --gc-per-chunk (a forced GC before every chunk PUT, to
 * separate live memory from garbage V8 has not collected yet), --hwm N (read size of the node http
 * reference, default 1 MiB like n8n's binary stream).
 *
 * Units: chunk "MB" = 1,000,000 bytes (the node's Chunk Size (MB) parameter); throughput MB/s =
 * 1,000,000 bytes/s; memory MB = 1,000,000 bytes (to compare with request bodies directly).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const { REPO_ROOT, MB, MiB, say, round1, round2, median, loadAverage, build: buildInto, control, openBinaryDataService, createMedia } = require('./bench/common');

const BUILD_DIR = path.join(REPO_ROOT, '.cache', 'bench-build');
const CHILD = path.join(__dirname, 'bench', 'package-run.js');
const CURL_SCRIPT = path.join(__dirname, 'bench', 'curl-upload.sh');
const NODE_UPLOAD = path.join(__dirname, 'bench', 'node-upload.js');

/** "60MB" = 60,000,000 bytes, "100MiB" = 104,857,600, "1GiB" = 1,073,741,824; a bare number is MiB. */
function parseSize(text) {
	const m = /^(\d+(?:\.\d+)?)\s*(MB|MiB|GB|GiB)?$/i.exec(text.trim());
	if (!m) throw new Error(`--files: cannot read the size "${text}" (e.g. 60MB, 100MiB, 1GiB)`);
	const unit = (m[2] || 'MiB').toLowerCase();
	const factor = { mb: MB, mib: MiB, gb: 1000 * MB, gib: 1024 * MiB }[unit];
	return { bytes: Math.round(Number(m[1]) * factor), label: `${m[1]} ${m[2] || 'MiB'}` };
}

function parseArgs(argv) {
	const args = { files: '60MB,100MiB,1GiB', chunkMb: undefined, rounds: 3, hwm: MiB, waitCheck: true, keepMedia: false, build: true };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		const raw = () => (inline !== undefined ? inline : argv[++i]);
		const value = () => Number(raw());
		if (flag === '--files') args.files = raw();
		else if (flag === '--chunk-mb') args.chunkMb = value();
		else if (flag === '--rounds') args.rounds = value();
		else if (flag === '--hwm') args.hwm = value();
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
	args.sizes = args.files.split(',').map(parseSize);
	if (!args.sizes.length) throw new Error('--files needs at least one size');
	for (const k of ['rounds', 'hwm']) if (!(args[k] > 0)) throw new Error(`--${k} must be > 0`);
	return args;
}

const build = () => buildInto(BUILD_DIR);

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

// ---------- one reference run (node http or curl, child process) ----------

/** Own init of the same plan, then the reference uploader sends it; same timing and checks as the package. */
async function runReference(sandbox, media, plan, kind, hwm) {
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
	if (init.error?.code !== 'ok') throw new Error(`${kind} init failed: ${JSON.stringify(init.error)}`);
	const { publish_id: publishId, upload_url: uploadUrl } = init.data;
	const ranges = plan.chunks.map((c) => `${c.start}:${c.end}:${c.length}`);
	const [command, args] =
		kind === 'curl'
			? ['bash', [CURL_SCRIPT, 'stream', media.filePath, uploadUrl, 'video/mp4', String(plan.videoSize), ...ranges]]
			: [process.execPath, [NODE_UPLOAD, media.filePath, uploadUrl, 'video/mp4', String(plan.videoSize), String(hwm), ...ranges]];
	const cpu0 = cpuSeconds(sandbox.child.pid);
	const w0 = Date.now();
	const out = await new Promise((resolve, reject) => {
		const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${kind} upload failed (exit ${code}): ${stderr.trim()}`))));
	});
	const sandboxCpu = cpuSeconds(sandbox.child.pid) - cpu0;
	const wall = (Date.now() - w0) / 1000;
	const t0 = BigInt(/^T0 (\d+)/m.exec(out)[1]);
	const t1 = BigInt(/^T1 (\d+)/m.exec(out)[1]);
	const codes = [...out.matchAll(/^C \d+ (\d+)/gm)].map((m) => m[1]);
	if (codes.length !== plan.totalChunkCount || codes[codes.length - 1] !== '201') throw new Error(`${kind} upload: unexpected answers ${codes.join(',')}`);
	let clientCpuSec;
	if (kind === 'curl') {
		// `times`: "0m0.001s 0m0.002s\n0m1.234s 0m0.567s" = shell user/sys, then children user/sys
		const times = (/^TIMES\n([\s\S]*)$/m.exec(out)?.[1] ?? '').trim().split(/\s+/).map((t) => {
			const m = /(\d+)m([\d.]+)s/.exec(t);
			return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
		});
		clientCpuSec = times.reduce((a, b) => a + b, 0);
	} else clientCpuSec = Number(/^CPU ([\d.]+)/m.exec(out)[1]);
	const record = await publishRecord(sandbox, publishId);
	if (record.sha256 !== media.sha256) throw new Error(`${kind} upload: sandbox sha256 ${record.sha256} != file ${media.sha256}`);
	const transferMs = Number(t1 - t0) / 1e6;
	return {
		transferMs,
		mbps: media.size / MB / (transferMs / 1000),
		shaOk: true,
		sandboxCpuSec: sandboxCpu,
		sandboxCpuShare: sandboxCpu / wall,
		clientCpuSec,
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
	const { planChunks, chunkSizeFromMegabytes } = require(path.join(BUILD_DIR, 'nodes/TikTok/core/video/chunkPlan.js'));
	// undefined = the node's default plan (Auto: one request up to 64,000,000 bytes, else 32 MB chunks)
	const chunkBytes = args.chunkMb === undefined ? undefined : chunkSizeFromMegabytes(args.chunkMb);
	const planFor = (size) => planChunks(size, chunkBytes);
	const planName = chunkBytes === undefined ? 'Auto (default)' : `Chunk Size ${chunkBytes / MB} MB`;
	const loadBefore = loadAverage();

	const sizes = args.sizes;
	const needBytes = sizes.reduce((a, s) => a + s.bytes, 0);
	const biggest = Math.max(...sizes.map((s) => s.bytes));
	const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tiktok-bench-'));
	const free = fs.statfsSync(tmpRoot);
	// media + one sandbox temp copy of the biggest upload at a time
	if (free.bavail * free.bsize < needBytes + biggest + 512 * MiB) {
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
		const media = [];
		for (const s of sizes) {
			const m = await createMedia(service, s.bytes, `bench-${s.label.replace(/\W+/g, '')}.mp4`);
			m.storagePath = storagePath;
			m.label = s.label;
			m.plan = planFor(s.bytes);
			media.push(m);
		}

		const { startSandboxProcess } = require(path.join(REPO_ROOT, 'test', 'e2e', 'lib', 'sandbox'));
		sandbox = await startSandboxProcess({ port: 0 });
		await control(sandbox, 'POST', 'configure', { rateLimits: { init: 10000, creatorInfo: 10000, status: 10000 } });
		say(`sandbox ${sandbox.baseUrl} (pid ${sandbox.child.pid}); load average ${loadBefore}`);

		const results = media.map(() => ({ package: [], node: [], curl: [] }));
		for (let r = 1; r <= args.rounds; r++) {
			for (const [i, m] of media.entries()) {
				const p = await runPackage(sandbox, m, { chunkMb: args.chunkMb, readHint: args.readHint, gcPerChunk: args.gcPerChunk });
				results[i].package.push(p);
				say(
					`round ${r} ${m.label} package: ${round1(p.mbps)} MB/s, ${p.puts} PUTs, idle ${fmtMB(p.idleRss)} MB, peak ${fmtMB(Math.max(p.maxRss, p.peakRssSampled))} MB, largest buffer ${fmtMB(p.largestAllocUpload)} MB, Buffers peak ${fmtMB(p.peakArrayBuffers - p.idleArrayBuffers)} MB / heap peak ${fmtMB(p.peakHeapUsed - p.idleHeapUsed)} MB over idle, sandbox CPU ${round2(p.sandboxCpuShare)}`,
				);
				if (p.puts < m.plan.totalChunkCount) throw new Error(`package sent ${p.puts} PUTs for a ${m.plan.totalChunkCount}-request plan`);
				const n = await runReference(sandbox, m, m.plan, 'node', args.hwm);
				results[i].node.push(n);
				say(`round ${r} ${m.label} node http: ${round1(n.mbps)} MB/s, sandbox CPU ${round2(n.sandboxCpuShare)}, client CPU ${round2(n.clientCpuSec)} s`);
				const c = await runReference(sandbox, m, m.plan, 'curl');
				results[i].curl.push(c);
				say(`round ${r} ${m.label} curl -T -:  ${round1(c.mbps)} MB/s, sandbox CPU ${round2(c.sandboxCpuShare)}, curl+dd CPU ${round2(c.clientCpuSec)} s`);
			}
		}

		const summary = media.map((m, i) => {
			const { package: pk, node: nd, curl: cu } = results[i];
			const plan = m.plan;
			const largestBody = Math.max(...plan.chunks.map((c) => c.length));
			const x = {
				label: m.label,
				bytes: m.size,
				requests: plan.totalChunkCount,
				largestBody,
				packageMBps: median(pk.map((r) => r.mbps)),
				packageAll: pk.map((r) => round1(r.mbps)),
				nodeMBps: median(nd.map((r) => r.mbps)),
				nodeAll: nd.map((r) => round1(r.mbps)),
				curlMBps: median(cu.map((r) => r.mbps)),
				curlAll: cu.map((r) => round1(r.mbps)),
				idleRss: median(pk.map((r) => r.idleRss)),
				// per run: max of the 20 ms samples and the kernel's high-water mark; then the largest run
				peakRss: Math.max(...pk.map((r) => Math.max(r.maxRss, r.peakRssSampled))),
				peakOverIdle: Math.max(...pk.map((r) => Math.max(r.maxRss, r.peakRssSampled) - r.idleRss)),
				largestAlloc: Math.max(...pk.map((r) => r.largestAllocUpload)),
				arrayBuffersOverIdle: Math.max(...pk.map((r) => r.peakArrayBuffers - r.idleArrayBuffers)),
				bigAllocSizes: pk[pk.length - 1].bigAllocSizesUpload,
				packageCpuPerGB: median(pk.map((r) => (r.cpuUserMs + r.cpuSystemMs) / 1000 / (m.size / 1e9))),
				nodeCpuPerGB: median(nd.map((r) => r.clientCpuSec / (m.size / 1e9))),
				curlCpuPerGB: median(cu.map((r) => r.clientCpuSec / (m.size / 1e9))),
				sandboxCpuPackage: median(pk.map((r) => r.sandboxCpuShare)),
				sandboxCpuReference: median([...nd, ...cu].map((r) => r.sandboxCpuShare)),
				shaOk: [...pk, ...nd, ...cu].every((r) => r.shaOk),
			};
			x.fastest = x.nodeMBps >= x.curlMBps ? 'node http' : 'curl';
			x.ratio = x.packageMBps / Math.max(x.nodeMBps, x.curlMBps);
			x.memoryLimit = 3 * largestBody;
			return x;
		});

		let waits = [];
		if (args.waitCheck) {
			const small = media.find((m) => m.plan.totalChunkCount > 1) ?? media[0];
			for (const processingMs of [300, 2500, 6500]) {
				const w = await statusWaitCheck(sandbox, small, args.chunkMb, processingMs);
				waits.push(w);
				say(`wait check processingMs=${processingMs}: returned ${w.lagMs} ms after completedAt (poll interval ${w.intervalMs} ms)`);
			}
		}
		const loadAfter = loadAverage();

		// ---------- report ----------
		const lines = [];
		lines.push('');
		lines.push(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model?.trim()}), ${fmtMB(os.totalmem())} MB RAM, node ${process.version}, ${spawnSync('curl', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0].split(' ').slice(0, 2).join(' ')}; load average (1, 5, 15 min) ${loadBefore} before, ${loadAfter} after`);
		lines.push(`plan: ${planName}; ${args.rounds} rounds, in turn package / node http / curl -T -; ratio = package / the faster reference; memory target: peak RSS - idle <= 3 x the largest request body`);
		lines.push('');
		lines.push('| file | requests (largest body) | package MB/s (median; runs) | node http MB/s (median; runs) | curl -T - MB/s (median; runs) | ratio to fastest | idle RSS MB | peak RSS MB | peak − idle MB (target) | Buffers peak − idle MB | largest Buffer MB | CPU s/GB pkg / node / curl+dd | sandbox CPU share pkg / ref | sha256 |');
		lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
		for (const x of summary) {
			lines.push(
				`| ${x.label} (${x.bytes.toLocaleString('en-US')} B) | ${x.requests} (${fmtMB(x.largestBody)} MB) | ${round1(x.packageMBps)} (${x.packageAll.join(', ')}) | ${round1(x.nodeMBps)} (${x.nodeAll.join(', ')}) | ${round1(x.curlMBps)} (${x.curlAll.join(', ')}) | ${round2(x.ratio)} (${x.fastest}) | ${fmtMB(x.idleRss)} | ${fmtMB(x.peakRss)} | ${fmtMB(x.peakOverIdle)} (≤ ${fmtMB(x.memoryLimit)}) | ${fmtMB(x.arrayBuffersOverIdle)} | ${fmtMB(x.largestAlloc)} | ${round2(x.packageCpuPerGB)} / ${round2(x.nodeCpuPerGB)} / ${round2(x.curlCpuPerGB)} | ${round2(x.sandboxCpuPackage)} / ${round2(x.sandboxCpuReference)} | ${x.shaOk ? 'equal' : 'MISMATCH'} |`,
			);
		}
		const big = summary.reduce((a, b) => (b.bytes > a.bytes ? b : a));
		lines.push('');
		lines.push(`largest allocations during the ${big.label} upload (size x count): ${big.bigAllocSizes.map(([sz, n]) => `${sz.toLocaleString('en-US')}x${n}`).join(', ')}`);
		if (waits.length) {
			lines.push('');
			lines.push('| sandbox processingMs | final status | status polls | node returned after completedAt (ms) | poll interval that saw it (ms) | ≤ one interval |');
			lines.push('|---|---|---|---|---|---|');
			for (const w of waits) lines.push(`| ${w.processingMs} | ${w.status} | ${w.polls} | ${w.lagMs} | ${w.intervalMs} | ${w.ok ? 'yes' : 'NO'} |`);
		}
		// flat: the chunked files (same request size) peak within 10 % of each other
		const chunked = summary.filter((x) => x.requests > 1);
		const flat = chunked.length > 1 ? (Math.max(...chunked.map((x) => x.peakRss)) - Math.min(...chunked.map((x) => x.peakRss))) / Math.min(...chunked.map((x) => x.peakRss)) : undefined;
		const targets = summary.map(
			(x) => `${x.label}: ratio ${round2(x.ratio)} ≥ 0.9 ${x.ratio >= 0.9 ? 'met' : 'MISSED'}, peak − idle ${fmtMB(x.peakOverIdle)} ≤ ${fmtMB(x.memoryLimit)} MB ${x.peakOverIdle <= x.memoryLimit ? 'met' : 'MISSED'}`,
		);
		if (flat !== undefined) targets.push(`peak RSS of ${chunked.map((x) => x.label).join(' and ')} differ by ${round1(flat * 100)}% (≤ 10%): ${flat <= 0.1 ? 'met' : 'MISSED'}`);
		if (waits.length) targets.push(`status wait ≤ one poll interval: ${waits.every((w) => w.ok) ? 'met' : 'MISSED'}`);
		lines.push('');
		lines.push(`targets: ${targets.join('; ')}`);
		process.stdout.write(lines.join('\n') + '\n');
		process.stdout.write(
			JSON.stringify({
				plan: chunkBytes === undefined ? 'auto' : `chunk ${chunkBytes / MB} MB`,
				load: [loadBefore, loadAfter],
				files: summary.map((x) => ({
					file: x.label,
					requests: x.requests,
					packageMBps: round1(x.packageMBps),
					nodeHttpMBps: round1(x.nodeMBps),
					curlMBps: round1(x.curlMBps),
					ratio: round2(x.ratio),
					peakOverIdleMB: fmtMB(x.peakOverIdle),
					limitMB: fmtMB(x.memoryLimit),
				})),
				flatPct: flat === undefined ? null : round1(flat * 100),
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
