'use strict';
/*
 * Part h: the nodes with n8n's `database` binary data mode on a single instance (SQLite), the mode
 * queue mode uses by default. The draft-from-file example (Read/Write Files from Disk -> TikTok Upload
 * Video) runs with N8N_DEFAULT_BINARY_DATA_MODE=database: the binary must be stored in the database
 * (id `database:…`, a row in binary_data, nothing in the filesystem store) and reach TikTok intact
 * (sha256). Then the database mode's size cap (N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE): a video over
 * it stops at the Read node, before any call to TikTok.
 */
const fs = require('node:fs');
const path = require('node:path');

const { secs, runCapture, tail } = require('../lib/util');
const { assert, check, skipAsFailed } = require('../lib/harness');
const { N8nInstance } = require('../lib/n8n');
const { sandboxCredential, CLIENT_KEY } = require('../lib/sandbox');
const { nodeItems, assertRunSucceeded, runSummary, publishIdOf, loadExample, useCredential } = require('../lib/runs');

const CHECKS = ['h1 upload-draft-from-file with N8N_DEFAULT_BINARY_DATA_MODE=database (SQLite)', 'h2 a video over N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE stops before TikTok'];

const SIZE = 25_000_123; // two chunks of the default 10 MB plan
const CAP_MIB = 20;

/** Rows and bytes in n8n's binary_data table (SQLite), read with n8n's own sqlite3 build on Node 24. */
async function binaryDataRows(install, dbFile) {
	const script = `
const sqlite3 = require(${JSON.stringify(path.join(install.appDir, 'node_modules', 'sqlite3'))});
const db = new sqlite3.Database(${JSON.stringify(dbFile)}, sqlite3.OPEN_READONLY);
db.get('select count(*) as n, coalesce(sum(fileSize), 0) as bytes from binary_data', (err, row) => {
	if (err) { console.error(err.message); process.exit(1); }
	console.log(JSON.stringify(row)); db.close();
});`;
	const r = await runCapture(install.nodeBin, ['-e', script], { timeoutMs: 60000 });
	if (r.code !== 0) throw new Error(`reading binary_data failed: ${tail(r.stderr)}`);
	return JSON.parse(r.stdout.trim());
}

function filesUnder(dir) {
	if (!fs.existsSync(dir)) return 0;
	return fs.readdirSync(dir, { recursive: true }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).length;
}

module.exports = {
	id: 'h',
	title: 'h: database binary data mode on a single instance (SQLite)',
	checks: CHECKS,
	async run({ install, tarball, sandbox, media, mediaDir, userFolder }) {
		const dbMode = { N8N_DEFAULT_BINARY_DATA_MODE: 'database' };
		const n8n = new N8nInstance(install, userFolder('user-h'), { fileAccessDirs: [mediaDir], env: dbMode });
		// the same instance (user folder, database) with the database mode's size cap lowered
		const capped = new N8nInstance(install, userFolder('user-h'), { fileAccessDirs: [mediaDir], env: { ...dbMode, N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: String(CAP_MIB) } });
		await n8n.installPackageTarball(tarball);
		await sandbox.reset();
		const token = await sandbox.mintToken({ clientKey: CLIENT_KEY });
		const cred = sandboxCredential({ id: 'tkE2eCredH00001', name: 'TikTok sandbox (database mode)', sandbox, oauthTokenData: token });
		await n8n.importCredentials([cred]);
		const file = path.join(mediaDir, 'database-mode.mp4');
		const sha = await media.writeMp4File(file, SIZE, { durationSec: 15, seed: 'h' });
		const wf = useCredential(loadExample('upload-draft-from-file.json'), cred);
		wf.nodes.find((n) => n.type === 'n8n-nodes-base.readWriteFile').parameters.fileSelector = file;
		await n8n.importWorkflow(wf);

		const ok = await check(CHECKS[0], async () => {
			const exec = await n8n.execute(wf.id);
			const how = assertRunSucceeded(exec);
			const read = exec.run.data.resultData.runData['Read video file'][0].data.main[0][0];
			const binaryId = read.binary?.data?.id;
			assert(typeof binaryId === 'string' && binaryId.startsWith('database:'), `Read video file stored its binary as ${JSON.stringify(binaryId)}, not in the database`);
			const out = nodeItems(exec.run, 'TikTok Upload Video')?.[0];
			assert(out?.status === 'SEND_TO_USER_INBOX' && publishIdOf(out), `TikTok Upload Video output: ${JSON.stringify(out)?.slice(0, 300)}`);
			const p = (await sandbox.publishes()).find((x) => publishIdOf(x) === publishIdOf(out));
			assert(p && p.source === 'FILE_UPLOAD' && p.bytesReceived === SIZE, `sandbox publish: ${JSON.stringify(p)?.slice(0, 300)}`);
			assert(p.sha256 === sha, `sha256 ${p.sha256} != file ${sha}`);
			const rows = await binaryDataRows(install, path.join(n8n.dataDir, 'database.sqlite'));
			assert(rows.n >= 1 && rows.bytes >= SIZE, `binary_data holds ${rows.n} rows, ${rows.bytes} bytes`);
			const onDisk = filesUnder(path.join(n8n.dataDir, 'binaryData'));
			assert(onDisk === 0, `${onDisk} files in the filesystem binary data store`);
			return `${how}; binary ${binaryId.slice(0, 18)}…, binary_data ${rows.n} row(s) ${rows.bytes} bytes, no file in binaryData/; ${out.chunksSent} chunks, ${SIZE} bytes, sha256 matches`;
		});
		if (!ok) return skipAsFailed(CHECKS.slice(1), 'database mode run failed');

		await check(CHECKS[1], async () => {
			const publishesBefore = (await sandbox.publishes()).length;
			const logBefore = (await sandbox.log()).length;
			const t = Date.now();
			const exec = await capped.execute(wf.id);
			assert(exec.run && exec.run.status === 'error', `expected the run to fail, got ${runSummary(exec)}`);
			const err = exec.run.data.resultData.error;
			assert(err?.node?.name === 'Read video file', `failed in ${err?.node?.name}: ${err?.message}`);
			assert(/N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE/.test(err.message), `error: ${err.message}`);
			const calls = (await sandbox.log()).slice(logBefore);
			assert(calls.length === 0 && (await sandbox.publishes()).length === publishesBefore, `${calls.length} calls reached TikTok`);
			return `cap ${CAP_MIB} MiB, video ${(SIZE / 1048576).toFixed(1)} MiB: "${err.message.slice(0, 110)}…" at Read video file, no call to TikTok (${secs(Date.now() - t)})`;
		});
	},
};
