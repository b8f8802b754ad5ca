'use strict';
/*
 * Part l: volume (issue 19) in a real n8n with the built package, `n8n execute`:
 *   - a batch of 8 public posts from URLs (TikTok pulls them), the sandbox taking 20 s to process each and
 *     20 s more to give its post id, TikTok's real limits: the node's own time (n8n's executionTime), the
 *     429 answers, every post id; prints FIGURES;
 *   - Skip Already Posted: a workflow (one video from a binary file, one from a URL, one pulled) run twice:
 *     the second run posts nothing (no init, no upload), its items say they were skipped and why.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { REPO_ROOT, secs, runCapture, freePort } = require('../lib/util');
const { line, assert, check } = require('../lib/harness');
const { N8nInstance, PACKAGE_NAME } = require('../lib/n8n');
const { sandboxCredential, CLIENT_KEY } = require('../lib/sandbox');
const { nodeItems, assertRunSucceeded, publishIdOf } = require('../lib/runs');
const { parseJsonFromOutput } = require('../lib/n8n');

const CHECKS = [
	'l1 batch: 8 public posts (20 s processing + 20 s moderation) handed over before the one wait loop starts, 0 x 429, every post id (the time is a figure)',
	'l2 Skip Already Posted: first run posts 3 (binary, download, pull), each output names its postedKey',
	'l3 Skip Already Posted: the second run posts nothing (0 inits, 0 PUTs), 3 skipped items that say so',
	'l4 memory: posting a 300 MB binary (32 MB chunks) next to only reading it, the node\'s own overhead printed (a figure, not a timed check)',
];
const MEMORY_BYTES = 300_000_000;
const MEMORY_CHUNK_MB = 32;
const UPLOAD_NODE = 'TikTok Upload Video';
const NODE_NAME = 'TikTok Publish Video';
const FROM_FILE = 'Post the file';
const FROM_URL = 'Post the URLs';
const BATCH_POSTS = 8;
const PROCESSING_MS = 20_000;
const MODERATION_MS = 20_000;
const INIT_PATH = /\/post\/publish\/(inbox\/)?video\/init\/$/;

const codeNode = (id, name, position, items) => ({
	id,
	name,
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	position,
	parameters: { jsCode: `return ${JSON.stringify(items.map((json) => ({ json })))};` },
});

const publishNode = (id, name, position, cred, params) => ({
	id,
	name,
	type: `${PACKAGE_NAME}.tikTokPublishVideo`,
	typeVersion: 1,
	position,
	parameters: { caption: '={{ $json.caption }}', allowComments: true, allowDuet: false, allowStitch: false, waitForResult: true, ...params },
	credentials: { tikTokOAuth2Api: { id: cred.id, name: cred.name } },
});

/** A Manual Trigger followed by `chains` (each a list of nodes run one after the other). */
function workflow(id, name, chains) {
	const start = { id: `${id}-0`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	const connections = { Start: { main: [chains.map((chain) => ({ node: chain[0].name, type: 'main', index: 0 }))] } };
	for (const chain of chains) chain.slice(0, -1).forEach((n, i) => (connections[n.name] = { main: [[{ node: chain[i + 1].name, type: 'main', index: 0 }]] }));
	return { id, name, nodes: [start, ...chains.flat()], connections, settings: { executionOrder: 'v1' }, pinData: {}, active: false };
}

/**
 * `n8n execute --id` under GNU time: the peak RSS (kB) of the n8n process that ran the workflow. n8n runs
 * the workflow in that process (the task runner only runs Code nodes).
 */
async function executeMeasured(n8n, id) {
	const r = await runCapture('/usr/bin/time', ['-f', 'MAXRSS_KB %M', n8n.install.nodeBin, n8n.install.n8nBin, 'execute', `--id=${id}`, '--rawOutput'], {
		cwd: n8n.userFolder,
		env: n8n.env({ N8N_LOG_LEVEL: 'info', N8N_RUNNERS_BROKER_PORT: String(await freePort()) }),
		timeoutMs: 300_000,
	});
	const kb = Number(/MAXRSS_KB (\d+)/.exec(r.stderr)?.[1]);
	let run;
	try {
		run = parseJsonFromOutput(r.stdout);
	} catch {
		run = undefined;
	}
	return { ...r, run, peakMB: (kb * 1024) / 1e6 };
}

const nodeRun = (exec) => exec.run?.data?.resultData?.runData?.[NODE_NAME]?.[0];

module.exports = {
	id: 'l',
	title: 'l: volume (a batch waits once; Skip Already Posted) in n8n',
	checks: CHECKS,
	async run({ install, tarball, sandbox, media, work, mediaDir }) {
		const n8n = new N8nInstance(install, path.join(work, 'user-l'), { fileAccessDirs: [mediaDir] });
		let t = Date.now();
		await n8n.installPackageTarball(tarball);
		line(`package installed into ${path.relative(REPO_ROOT, n8n.dataDir)}/nodes in ${secs(Date.now() - t)}`);
		await sandbox.reset();
		const token = await sandbox.mintToken({ clientKey: CLIENT_KEY });
		const cred = sandboxCredential({ id: 'tkE2eCredL00001', name: 'TikTok sandbox (part l)', sandbox, oauthTokenData: token });
		await n8n.importCredentials([cred]);

		const file = path.join(mediaDir, 'l-product.mp4');
		await media.writeMp4File(file, 12_000_000, { durationSec: 12, seed: 'l-binary' });
		const base = `${sandbox.baseUrl}/media`;
		const skip = { skipAlreadyPosted: true };
		const flows = {
			batch: workflow('tkE2eL1Batch001', 'l1 batch of public posts', [
				[
					codeNode('l1-items', 'Products', [220, 0], Array.from({ length: BATCH_POSTS }, (_, i) => ({ videoUrl: `${base}/l-batch-${i + 1}.mp4?bytes=1500000&seed=l${i + 1}`, caption: `Batch ${i + 1} #volume` }))),
					publishNode('l1-post', NODE_NAME, [440, 0], cred, { source: 'url', videoUrl: '={{ $json.videoUrl }}', uploadMethod: 'pull', privacyLevel: 'PUBLIC_TO_EVERYONE', options: {} }),
				],
			]),
			rerun: workflow('tkE2eL2Rerun001', 'l2 posted once', [
				[
					codeNode('l2-file', 'The file', [220, 0], [{ file, caption: 'From a file #once' }]),
					{ id: 'l2-read', name: 'Read video file', type: 'n8n-nodes-base.readWriteFile', typeVersion: 1, position: [440, 0], parameters: { operation: 'read', fileSelector: '={{ $json.file }}', options: { dataPropertyName: 'data' } } },
					publishNode('l2-post-file', FROM_FILE, [660, 0], cred, { source: 'binary', binaryPropertyName: 'data', privacyLevel: 'SELF_ONLY', options: skip }),
				],
				[
					codeNode('l2-urls', 'The URLs', [220, 200], [
						{ videoUrl: `${base}/l-download.mp4?bytes=3000000&seed=ld`, method: 'download', caption: 'Downloaded #once' },
						{ videoUrl: `${base}/l-pull.mp4?bytes=2000000&seed=lp`, method: 'pull', caption: 'Pulled #once' },
					]),
					publishNode('l2-post-url', FROM_URL, [440, 200], cred, { source: 'url', videoUrl: '={{ $json.videoUrl }}', uploadMethod: '={{ $json.method }}', privacyLevel: 'SELF_ONLY', options: skip }),
				],
			]),
		};
		const bigFile = path.join(mediaDir, 'l-300mb.mp4');
		const readBig = (id) => ({ id, name: 'Read video file', type: 'n8n-nodes-base.readWriteFile', typeVersion: 1, position: [220, 400], parameters: { operation: 'read', fileSelector: bigFile, options: { dataPropertyName: 'data' } } });
		flows.readOnly = workflow('tkE2eL4ReadOnly', 'l4 read the file only', [[readBig('l4-read-only')]]);
		flows.upload = workflow('tkE2eL4Upload01', 'l4 read and post the file', [
			[
				readBig('l4-read'),
				{ ...publishNode('l4-post', UPLOAD_NODE, [440, 400], cred, {}), type: `${PACKAGE_NAME}.tikTokUploadVideo`, parameters: { source: 'binary', binaryPropertyName: 'data', waitForResult: false, options: { chunkSizeMb: MEMORY_CHUNK_MB } } },
			],
		]);
		const dir = path.join(work, 'workflows-l');
		fs.mkdirSync(dir, { recursive: true });
		for (const wf of Object.values(flows)) fs.writeFileSync(path.join(dir, `${wf.id}.json`), JSON.stringify(wf));
		await n8n.cliOk(['import:workflow', '--separate', `--input=${dir}`]);
		const since = async () => (await sandbox.log()).length;
		const newEntries = async (start) => (await sandbox.log()).slice(start);

		await check(CHECKS[0], async () => {
			await sandbox.reset();
			await sandbox.configure({ processingMs: PROCESSING_MS, postIdDelayMs: MODERATION_MS, rateLimits: { windowMs: 60_000, init: 6, creatorInfo: 20, status: 30 } });
			const start = await since();
			let exec;
			try {
				exec = await n8n.execute(flows.batch.id, { timeoutMs: 600_000 });
			} finally {
				await sandbox.configure({ processingMs: 300, postIdDelayMs: 5000 });
			}
			const how = assertRunSucceeded(exec);
			const items = nodeItems(exec.run, NODE_NAME);
			const entries = await newEntries(start);
			const seconds = nodeRun(exec).executionTime / 1000;
			const limited = entries.filter((e) => e.status === 429).length;
			const withId = items.filter((i) => Array.isArray(i.postIds) && i.postIds.length > 0);
			line(`FIGURES l1: ${BATCH_POSTS} public posts, ${PROCESSING_MS / 1000} s + ${MODERATION_MS / 1000} s: node ${seconds.toFixed(1)} s, ${entries.filter((e) => INIT_PATH.test(e.path)).length} inits, ${entries.filter((e) => e.path.endsWith('/status/fetch/')).length} status calls, ${limited} x 429, ${withId.length}/${items.length} post ids`);
			assert(items.length === BATCH_POSTS, `${items.length} output items`);
			assert(withId.length === BATCH_POSTS, `post ids on ${withId.length} of ${BATCH_POSTS}: ${JSON.stringify(items.map((i) => [i.status, i.note]))}`);
			assert(limited === 0, `TikTok answered 429 ${limited} times`);
			// the batch waits once: every post is handed over before the first status call (one after
			// another, the first post's status calls would come before the second init)
			const lastInit = entries.findLastIndex((e) => INIT_PATH.test(e.path));
			const firstStatus = entries.findIndex((e) => e.path.endsWith('/status/fetch/'));
			assert(firstStatus > lastInit, `a status call (log entry ${firstStatus}) came before the last init (${lastInit})`);
			const verdict = seconds <= 200 ? 'within' : 'OVER';
			return `${how}; node ${seconds.toFixed(1)} s (${verdict} the 200 s target; load ${os.loadavg()[0].toFixed(1)}), 0 x 429, ${withId.length}/${BATCH_POSTS} post ids`;
		});

		const firstRun = await check(CHECKS[1], async () => {
			const start = await since();
			const exec = await n8n.execute(flows.rerun.id);
			const how = assertRunSucceeded(exec);
			const items = [...(nodeItems(exec.run, FROM_FILE) ?? []), ...(nodeItems(exec.run, FROM_URL) ?? [])];
			assert(items.length === 3 && items.every((i) => publishIdOf(i) && i.status === 'PUBLISH_COMPLETE'), JSON.stringify(items));
			assert(items.every((i) => typeof i.postedKey === 'string' && i.postedKey.length > 0), `postedKey missing: ${JSON.stringify(items)}`);
			const methods = items.map((i) => i.uploadMethod).join(',');
			assert(methods === 'file_upload,download_and_upload,pull_from_url', methods);
			const inits = (await newEntries(start)).filter((e) => INIT_PATH.test(e.path)).length;
			assert(inits === 3, `${inits} inits`);
			return `${how}; 3 posts; keys ${items.map((i) => i.postedKey.slice(0, 40)).join(' | ')}`;
		});

		await check(CHECKS[2], async () => {
			assert(firstRun, 'the first run (l2) failed');
			const start = await since();
			const before = (await sandbox.publishes()).length;
			const exec = await n8n.execute(flows.rerun.id);
			const how = assertRunSucceeded(exec);
			const items = [...(nodeItems(exec.run, FROM_FILE) ?? []), ...(nodeItems(exec.run, FROM_URL) ?? [])];
			const entries = await newEntries(start);
			assert(items.length === 3 && items.every((i) => i.skipped === true && !publishIdOf(i)), JSON.stringify(items));
			assert(items.every((i) => /already/i.test(i.note) && /Get Status/.test(i.note)), `notes: ${items.map((i) => i.note).join(' | ')}`);
			const calls = entries.filter((e) => INIT_PATH.test(e.path) || e.method === 'PUT' || e.path.endsWith('/creator_info/query/'));
			assert(calls.length === 0, `TikTok got ${calls.map((e) => e.path).join(', ')}`);
			assert((await sandbox.publishes()).length === before, 'a new publish appeared');
			return `${how}; 3 skipped, 0 calls to TikTok; note: "${items[0].note.slice(0, 120)}…"`;
		});

		await check(CHECKS[3], async () => {
			await media.writeMp4File(bigFile, MEMORY_BYTES, { durationSec: 60, seed: 'l-memory' });
			const peaks = { read: [], post: [] };
			for (let round = 0; round < 2; round++) {
				for (const [kind, wf] of [['read', flows.readOnly], ['post', flows.upload]]) {
					const exec = await executeMeasured(n8n, wf.id);
					assertRunSucceeded(exec);
					if (kind === 'post') assert(publishIdOf(nodeItems(exec.run, UPLOAD_NODE)?.[0]), 'no publish id');
					peaks[kind].push(exec.peakMB);
				}
			}
			// the plan's last chunk takes the remainder: 9 requests, 8 x 32 MB and 44 MB
			const chunk = MEMORY_CHUNK_MB * 1e6;
			const largest = MEMORY_BYTES - (Math.floor(MEMORY_BYTES / chunk) - 1) * chunk;
			const target = (2 * largest) / 1e6 + 16;
			const overhead = Math.min(...peaks.post) - Math.min(...peaks.read);
			line(`FIGURES l4: peak RSS of n8n execute, read only ${peaks.read.map((x) => x.toFixed(0)).join(' / ')} MB, read + post ${peaks.post.map((x) => x.toFixed(0)).join(' / ')} MB: the node's own overhead ${overhead.toFixed(1)} MB (target <= 2 x ${(largest / 1e6).toFixed(0)} + 16 = ${target.toFixed(0)} MB)`);
			return `overhead ${overhead.toFixed(1)} MB, ${overhead <= target ? 'within' : 'OVER'} the ${target.toFixed(0)} MB target (lowest of 2 runs each)`;
		});
	},
};
