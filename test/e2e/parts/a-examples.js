'use strict';
/*
 * Part a: the example workflows headless. import:credentials (a token minted by the sandbox),
 * import:workflow of examples/ as they are, then e2e copies pointed at the sandbox, execute --id
 * --rawOutput; asserts on the run JSON, the sandbox's publishes (sha256 of what TikTok received) and
 * its log, and Upload Method Auto both ways (pull, and download fallback).
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const { REPO_ROOT, secs, tail } = require('../lib/util');
const { line, assert, check } = require('../lib/harness');
const { N8nInstance, PACKAGE_NAME } = require('../lib/n8n');
const { sandboxCredential, CLIENT_KEY } = require('../lib/sandbox');
const { EXAMPLES, CLOUDINARY_BASE, nodeItems, assertRunSucceeded, publishIdOf, exampleFiles, loadExample, useCredential, pointAtSandbox, expectedSha256 } = require('../lib/runs');

const CHECKS = [
	'a0 examples import unmodified',
	'a1 publish-from-cloudinary-on-schedule',
	'a2 publish-from-cloudinary-on-schedule: the next run posts nothing again',
	'a3 upload-draft-from-file',
];

module.exports = {
	id: 'a',
	title: 'a: example workflows headless (import + execute)',
	checks: CHECKS,
	async run({ install, tarball, sandbox, media, work, mediaDir }) {
		const n8n = new N8nInstance(install, path.join(work, 'user-a'), { fileAccessDirs: [mediaDir] });
		let t = Date.now();
		await n8n.installPackageTarball(tarball);
		line(`package installed into ${path.relative(REPO_ROOT, n8n.dataDir)}/nodes in ${secs(Date.now() - t)}`);
		await sandbox.reset();
		const token = await sandbox.mintToken({ clientKey: CLIENT_KEY });
		assert(token?.access_token && token?.refresh_token, `mint-token returned ${JSON.stringify(token)}`);
		const cred = sandboxCredential({ id: 'tkE2eCredA00001', name: 'TikTok sandbox (minted)', sandbox, oauthTokenData: token });
		t = Date.now();
		await n8n.importCredentials([cred]);
		line(`credential imported in ${secs(Date.now() - t)}`);

		// a0: the example files import into n8n exactly as they are in examples/ (what a user does)
		await check('a0 examples/*.json import unmodified (import:workflow --separate)', async () => {
			const files = exampleFiles();
			assert(files.length >= 3, `only ${files.length} example files`);
			const r = await n8n.cliOk(['import:workflow', '--separate', `--input=${EXAMPLES}`]);
			const m = /Successfully imported (\d+) workflow/.exec(r.stdout + r.stderr);
			assert(m && Number(m[1]) === files.length, `import said: ${tail(r.stdout + r.stderr, 5)}`);
			for (const f of files) {
				const wf = loadExample(f);
				const types = wf.nodes.map((n) => n.type).filter((t) => t.startsWith(`${PACKAGE_NAME}.`));
				assert(types.length > 0, `${f} has no ${PACKAGE_NAME} node`);
			}
			return `${files.length} workflows: ${files.join(', ')}`;
		});

		// a1: Schedule + Manual trigger, Code node list, Publish Video by URL (Auto) with Skip Already Posted
		const scheduleWf = useCredential(loadExample('publish-from-cloudinary-on-schedule.json'), cred);
		const ok1 = await check('a1 publish-from-cloudinary-on-schedule: import + execute, 2 videos published', async () => {
			const wf = scheduleWf;
			const code = wf.nodes.find((n) => n.type === 'n8n-nodes-base.code');
			assert(code && code.parameters.jsCode.includes(CLOUDINARY_BASE), 'example no longer holds the Cloudinary base URL');
			pointAtSandbox(wf, sandbox);
			await n8n.importWorkflow(wf);
			// Upload Method Auto, both ways: only dog.mp4 is a verified prefix, so TikTok pulls it, and the
			// node falls back to download + chunked upload for elephants.mp4 (url_ownership_unverified).
			await sandbox.configure({ verifyOwnMedia: false, verifiedUrlPrefixes: [`${sandbox.baseUrl}/media/dog`] });
			let exec;
			try {
				exec = await n8n.execute(wf.id);
			} finally {
				await sandbox.configure({ verifyOwnMedia: true, verifiedUrlPrefixes: [] });
			}
			const how = assertRunSucceeded(exec);
			const items = nodeItems(exec.run, 'TikTok Publish Video');
			assert(items && items.length === 2, `expected 2 output items, got ${JSON.stringify(items)}`);
			const methods = items.map((i) => i.uploadMethod).join(',');
			assert(methods === 'pull_from_url,download_and_upload', `upload methods ${methods}, expected pull_from_url,download_and_upload`);
			for (const it of items) {
				assert(publishIdOf(it), `item without publish id: ${JSON.stringify(it)}`);
				assert(it.status === 'PUBLISH_COMPLETE', `status ${it.status}, expected PUBLISH_COMPLETE: ${JSON.stringify(it)}`);
			}
			const pubs = await sandbox.publishes();
			const expected = media?.makeMp4 ? expectedSha256(media.makeMp4, 1_000_000, { durationSec: 10, seed: 0 }) : undefined;
			for (const it of items) {
				const p = pubs.find((x) => (x.publishId ?? x.publish_id) === publishIdOf(it));
				assert(p, `sandbox has no publish ${publishIdOf(it)}`);
				assert(p.mode === 'direct', `publish mode ${p.mode}`);
				assert(p.status === 'PUBLISH_COMPLETE', `sandbox status ${p.status}`);
				if (expected) assert(p.sha256 === expected, `sha256 ${p.sha256} != generated media ${expected}`);
				assert(String(p.initBody?.post_info?.title || '').length > 0, 'caption missing in init body');
			}
			return `${how}; ${items.map((i) => `${publishIdOf(i)} ${i.status} via ${i.uploadMethod}`).join(', ')}${expected ? '; sha256 matches' : ''}`;
		});

		// a2: the next day's run (same workflow, same n8n database) must not post the same videos again
		await check(CHECKS[2], async () => {
			assert(ok1, 'the first run (a1) failed');
			const before = await sandbox.publishes();
			const logStart = (await sandbox.log()).length;
			const exec = await n8n.execute(scheduleWf.id);
			const how = assertRunSucceeded(exec);
			const items = nodeItems(exec.run, 'TikTok Publish Video') ?? [];
			assert(items.length === 2 && items.every((i) => i.skipped === true && !publishIdOf(i)), `TikTok Publish Video output on the second run: ${JSON.stringify(items)}`);
			const keys = items.map((i) => i.postedKey.split('/').pop()).join(', ');
			const after = await sandbox.publishes();
			const calls = (await sandbox.log()).slice(logStart).filter((e) => e.path.startsWith('/v2/post/') || e.method === 'PUT');
			assert(after.length === before.length && calls.length === 0, `the sandbox got ${after.length - before.length} new posts and ${calls.length} post calls`);
			return `${how}; Skip Already Posted: both items skipped (${keys}); 0 new posts, 0 init calls`;
		});

		// a3: Manual trigger, Read/Write Files from Disk, Upload Video (draft)
		await check('a3 upload-draft-from-file: import + execute, draft sent to inbox, sha256 matches', async () => {
			assert(media?.writeMp4File, 'sandbox module does not export writeMp4File');
			const file = path.join(mediaDir, 'product-demo.mp4');
			const size = 70_000_123; // over 64 MB: 2 chunks of the default (Auto) plan, 32 MB + the remainder
			await media.writeMp4File(file, size, { durationSec: 15 });
			const sha = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
			const wf = useCredential(loadExample('upload-draft-from-file.json'), cred);
			const read = wf.nodes.find((n) => n.type === 'n8n-nodes-base.readWriteFile');
			read.parameters.fileSelector = file;
			await n8n.importWorkflow(wf);
			const logStart = (await sandbox.log()).length;
			const exec = await n8n.execute(wf.id);
			const how = assertRunSucceeded(exec);
			const items = nodeItems(exec.run, 'TikTok Upload Video');
			assert(items && items.length === 1, `expected 1 output item, got ${JSON.stringify(items)}`);
			const it = items[0];
			assert(publishIdOf(it), `no publish id: ${JSON.stringify(it)}`);
			assert(it.status === 'SEND_TO_USER_INBOX', `status ${it.status}, expected SEND_TO_USER_INBOX`);
			const pubs = await sandbox.publishes();
			const p = pubs.find((x) => (x.publishId ?? x.publish_id) === publishIdOf(it));
			assert(p, `sandbox has no publish ${publishIdOf(it)}`);
			assert(p.mode === 'inbox' && p.source === 'FILE_UPLOAD', `publish mode/source ${p.mode}/${p.source}`);
			assert(p.bytesReceived === size, `sandbox received ${p.bytesReceived} of ${size} bytes`);
			assert(p.sha256 === sha, `sha256 ${p.sha256} != file ${sha}`);
			const puts = (await sandbox.log()).slice(logStart).filter((e) => e.method === 'PUT');
			assert(puts.length === 2, `expected 2 chunk PUTs, saw ${puts.length}`);
			return `${how}; ${publishIdOf(it)} ${it.status}, ${puts.length} chunk PUTs, ${size} bytes, sha256 matches`;
		});
	},
};
