'use strict';
/*
 * Part f: TikTok as it behaves in the field (issue 9 parts 1, 2, 5), in a real n8n with the built
 * package. Manual Trigger -> Read/Write Files from Disk (a generated MP4) -> TikTok Publish Video, run
 * with `n8n execute`, against sandbox modes that reproduce the field reports:
 *   - multi-chunk rejection (docs/tiktok-api.md G14, fault rejectMultiChunk): a ~30 MB video with default settings goes in
 *     one request; with Chunk Size set it is re-initialised once as one request; a video over 64 MB
 *     fails with the plain message of docs/tiktok-api.md G14 and nothing uploaded;
 *   - moderation (the sandbox default, delay raised here): a public post returns its post id and URL
 *     after waiting; an Only Me post returns no id and a note that says why;
 *   - header checks: a 15 fps video is refused before init, naming the value and the limit.
 */
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT, secs } = require('../lib/util');
const { line, assert, check } = require('../lib/harness');
const { N8nInstance, PACKAGE_NAME } = require('../lib/n8n');
const { sandboxCredential, CLIENT_KEY } = require('../lib/sandbox');
const { nodeItems, assertRunSucceeded, publishIdOf, runSummary } = require('../lib/runs');

const CHECKS = [
	'f1 G14: ~30 MB binary, default settings: one request, published',
	'f2 G14: Chunk Size 10 MB on a 30 MB video: re-init once as one request, published',
	'f3 G14: 70 MB video: the plain "TikTok refused the chunked upload" error, nothing uploaded',
	'f4 moderation: public post returns its post id and URL after waiting',
	'f5 Only Me post: no post id, the note says why, with the publish_id',
	'f6 header check: a 15 fps video is refused before init',
];

const NODE_NAME = 'TikTok Publish Video';

/** Manual Trigger -> Read video file -> TikTok Publish Video with `params`. */
function workflow(id, name, file, cred, params) {
	return {
		id,
		name,
		nodes: [
			{ id: `${id}-1`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: `${id}-2`,
				name: 'Read video file',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1,
				position: [260, 0],
				parameters: { operation: 'read', fileSelector: file, options: { dataPropertyName: 'data' } },
			},
			{
				id: `${id}-3`,
				name: NODE_NAME,
				type: `${PACKAGE_NAME}.tikTokPublishVideo`,
				typeVersion: 1,
				position: [520, 0],
				parameters: { source: 'binary', binaryPropertyName: 'data', caption: `e2e ${name}`, waitForResult: true, options: {}, ...params },
				credentials: { tikTokOAuth2Api: { id: cred.id, name: cred.name } },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Read video file', type: 'main', index: 0 }]] },
			'Read video file': { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

/** The run's error (message, description) when the Publish Video node failed. */
function runError(exec) {
	const err = exec.run?.data?.resultData?.error;
	assert(exec.run && exec.run.status !== 'success' && err, `expected a failed run, got ${runSummary(exec)}`);
	assert(err.node?.name === NODE_NAME || !err.node, `the error came from ${err.node?.name}`);
	return err;
}

module.exports = {
	id: 'f',
	title: 'f: field behaviour (multi-chunk rejection, moderation, header checks) in n8n',
	checks: CHECKS,
	async run({ install, tarball, sandbox, media, work, mediaDir }) {
		const n8n = new N8nInstance(install, path.join(work, 'user-f'), { fileAccessDirs: [mediaDir] });
		let t = Date.now();
		await n8n.installPackageTarball(tarball);
		line(`package installed into ${path.relative(REPO_ROOT, n8n.dataDir)}/nodes in ${secs(Date.now() - t)}`);
		await sandbox.reset();
		const token = await sandbox.mintToken({ clientKey: CLIENT_KEY });
		const cred = sandboxCredential({ id: 'tkE2eCredF00001', name: 'TikTok sandbox (part f)', sandbox, oauthTokenData: token });
		await n8n.importCredentials([cred]);

		t = Date.now();
		const files = {
			small: { name: 'thirty-mb.mp4', bytes: 30_000_000, opts: { durationSec: 20, seed: 'f-small' } },
			large: { name: 'seventy-mb.mp4', bytes: 70_000_000, opts: { durationSec: 40, seed: 'f-large' } },
			slow: { name: 'fifteen-fps.mp4', bytes: 2_000_000, opts: { durationSec: 8, fps: 15, seed: 'f-slow' } },
		};
		for (const f of Object.values(files)) {
			f.path = path.join(mediaDir, f.name);
			f.sha256 = await media.writeMp4File(f.path, f.bytes, f.opts);
		}
		line(`media written in ${secs(Date.now() - t)}`);

		const flows = {
			single: workflow('tkE2eF1Single01', 'f1 single', files.small.path, cred, { privacyLevel: 'SELF_ONLY' }),
			chunked: workflow('tkE2eF2Chunk001', 'f2 chunk size', files.small.path, cred, { privacyLevel: 'SELF_ONLY', options: { chunkSizeMb: 10 } }),
			large: workflow('tkE2eF3Large001', 'f3 large', files.large.path, cred, { privacyLevel: 'SELF_ONLY' }),
			public: workflow('tkE2eF4Public01', 'f4 public', files.small.path, cred, { privacyLevel: 'PUBLIC_TO_EVERYONE' }),
			onlyMe: workflow('tkE2eF5OnlyMe01', 'f5 only me', files.small.path, cred, { privacyLevel: 'SELF_ONLY' }),
			slow: workflow('tkE2eF6Slow0001', 'f6 15 fps', files.slow.path, cred, { privacyLevel: 'SELF_ONLY' }),
		};
		const dir = path.join(work, 'workflows-f');
		fs.mkdirSync(dir, { recursive: true });
		for (const wf of Object.values(flows)) fs.writeFileSync(path.join(dir, `${wf.id}.json`), JSON.stringify(wf));
		await n8n.cliOk(['import:workflow', '--separate', `--input=${dir}`]);

		const since = async () => (await sandbox.log()).length;
		const newEntries = async (start) => (await sandbox.log()).slice(start);
		const inits = (entries) => entries.filter((e) => /\/post\/publish\/(inbox\/)?video\/init\/$/.test(e.path));
		const puts = (entries) => entries.filter((e) => e.method === 'PUT');
		const publishOf = async (item) => (await sandbox.publishes()).find((p) => (p.publishId ?? p.publish_id) === publishIdOf(item));

		await sandbox.configure({ faults: { rejectMultiChunk: true } });
		try {
			await check(CHECKS[0], async () => {
				const start = await since();
				const exec = await n8n.execute(flows.single.id);
				const how = assertRunSucceeded(exec);
				const [item] = nodeItems(exec.run, NODE_NAME);
				const log = await newEntries(start);
				assert(inits(log).length === 1 && inits(log)[0].status === 200, `inits: ${JSON.stringify(inits(log).map((e) => [e.status, e.errorCode]))}`);
				assert(puts(log).length === 1, `expected 1 PUT, saw ${puts(log).length}`);
				assert(item.status === 'PUBLISH_COMPLETE' && item.chunksSent === 1 && item.bytesSent === files.small.bytes, `output ${JSON.stringify(item)}`);
				const p = await publishOf(item);
				assert(p && p.sha256 === files.small.sha256, `sandbox sha256 ${p?.sha256} != ${files.small.sha256}`);
				return `${how}; 1 init, 1 PUT of ${files.small.bytes.toLocaleString('en-US')} bytes, sha256 matches`;
			});

			await check(CHECKS[1], async () => {
				const start = await since();
				const exec = await n8n.execute(flows.chunked.id);
				const how = assertRunSucceeded(exec);
				const [item] = nodeItems(exec.run, NODE_NAME);
				const log = await newEntries(start);
				const seen = inits(log).map((e) => `${e.status}${e.errorCode ? ` ${e.errorCode}` : ''} count=${e.body?.source_info?.total_chunk_count}`);
				assert(seen.length === 2 && inits(log)[0].status === 400 && inits(log)[1].body?.source_info?.total_chunk_count === 1, `inits: ${seen.join(', ')}`);
				assert(puts(log).length === 1 && item.chunksSent === 1, `PUTs ${puts(log).length}, output ${JSON.stringify(item)}`);
				assert((await sandbox.publishes()).length >= 1, 'nothing published');
				return `${how}; inits: ${seen.join(' then ')}; 1 PUT`;
			});

			await check(CHECKS[2], async () => {
				const start = await since();
				const exec = await n8n.execute(flows.large.id);
				const err = runError(exec);
				const text = `${err.message} ${err.description ?? ''}`;
				assert(/refused the chunked upload/i.test(err.message), `message: ${err.message}`);
				assert(/TikTok-side|TikTok's side/i.test(text) && /64 MB/.test(text) && /verified/i.test(text) && /later/i.test(text), `message/description lack the G14 explanation or what to do: ${text}`);
				const log = await newEntries(start);
				assert(puts(log).length === 0, `${puts(log).length} PUTs were sent`);
				return `"${err.message}" — ${err.description}`;
			});
		} finally {
			await sandbox.configure({ faults: { rejectMultiChunk: null } });
		}

		await sandbox.configure({ postIdDelayMs: 4000 });
		try {
			await check(CHECKS[3], async () => {
				const exec = await n8n.execute(flows.public.id);
				const how = assertRunSucceeded(exec);
				const [item] = nodeItems(exec.run, NODE_NAME);
				const p = await publishOf(item);
				assert(p && p.postIds.length === 1, `sandbox post ids ${JSON.stringify(p?.postIds)}`);
				assert(JSON.stringify(item.postIds) === JSON.stringify(p.postIds), `output postIds ${JSON.stringify(item.postIds)} != sandbox ${JSON.stringify(p.postIds)}`);
				assert(item.postUrl === `https://www.tiktok.com/@sandbox.shop/video/${p.postIds[0]}`, `postUrl ${item.postUrl}`);
				const waited = Date.parse(p.completedAt) + 4000 <= Date.now();
				assert(waited, 'the post id came before moderation ended?');
				return `${how}; post id ${item.postIds[0]} (a 19-digit string), ${item.postUrl}`;
			});

			await check(CHECKS[4], async () => {
				const exec = await n8n.execute(flows.onlyMe.id);
				const how = assertRunSucceeded(exec);
				const [item] = nodeItems(exec.run, NODE_NAME);
				assert(item.status === 'PUBLISH_COMPLETE' && !item.postIds && !item.postUrl, `output ${JSON.stringify(item)}`);
				assert(/Only me/i.test(item.note ?? '') && /no public post URL|not public/i.test(item.note) && item.note.includes(publishIdOf(item)), `note: ${item.note}`);
				return `${how}; note: "${item.note}"`;
			});
		} finally {
			await sandbox.configure({ postIdDelayMs: 5000 });
		}

		await check(CHECKS[5], async () => {
			const start = await since();
			const exec = await n8n.execute(flows.slow.id);
			const err = runError(exec);
			assert(/15 frames per second/.test(err.message) && /23 to 60/.test(err.message), `message: ${err.message}`);
			const log = await newEntries(start);
			assert(inits(log).length === 0 && puts(log).length === 0, `sent ${inits(log).length} inits and ${puts(log).length} PUTs`);
			return `"${err.message}"`;
		});
	},
};
