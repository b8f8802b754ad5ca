'use strict';
/* Reading `n8n execute --rawOutput` runs, the examples, and the sandbox's token log: shared by the e2e parts. */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { REPO_ROOT, secs, tail } = require('./util');
const { assert } = require('./harness');

const EXAMPLES = path.join(REPO_ROOT, 'examples');
const CLOUDINARY_BASE = 'https://res.cloudinary.com/demo/video/upload/';

/** The output items (json) of a node in a run. */
function nodeItems(run, nodeName) {
	const runs = run?.data?.resultData?.runData?.[nodeName];
	if (!runs) return undefined;
	return runs.flatMap((r) => r.data?.main?.[0] ?? []).map((i) => i.json);
}

function runSummary(exec) {
	const run = exec.run;
	const err = run?.data?.resultData?.error;
	if (!run) return `no run JSON (exit ${exec.code ?? exec.signal})\n${tail(exec.stdout, 25)}\n${tail(exec.stderr, 25)}`;
	return `status=${run.status}${err ? `, error: ${err.message}${err.description ? ` (${err.description})` : ''} [node ${err.node?.name ?? '?'}]` : ''}`;
}

/** `n8n execute` sometimes exits 139 after a successful run: the printed status decides. */
function assertRunSucceeded(exec) {
	assert(exec.run && exec.run.status === 'success' && !exec.run.data?.resultData?.error, runSummary(exec));
	return `status success, exit ${exec.code ?? exec.signal}${exec.code === 139 ? ' (known SIGSEGV at shutdown)' : ''}, ${secs(exec.ms)}`;
}

const publishIdOf = (item) => item?.publishId ?? item?.publish_id;

function exampleFiles() {
	return fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
}

function loadExample(file) {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
}

/** Point every TikTok node of a workflow at the given credential. */
function useCredential(wf, cred) {
	for (const node of wf.nodes) {
		if (node.credentials?.tikTokOAuth2Api) node.credentials.tikTokOAuth2Api = { id: cred.id, name: cred.name };
	}
	return wf;
}

/** Replace the examples' Cloudinary base URL with the sandbox's /media/ in every node parameter (sticky notes keep the text). */
function pointAtSandbox(wf, sandbox) {
	const swap = (v) => {
		if (typeof v === 'string') return v.split(CLOUDINARY_BASE).join(`${sandbox.baseUrl}/media/`);
		if (Array.isArray(v)) return v.map(swap);
		if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
		return v;
	};
	for (const node of wf.nodes) {
		if (node.type !== 'n8n-nodes-base.stickyNote') node.parameters = swap(node.parameters);
	}
	return wf;
}

/** Token-endpoint requests in the sandbox log, with where client_key came from. */
function tokenRequests(log) {
	return log
		.filter((e) => e.method === 'POST' && /\/oauth\/token\/?$/.test(e.path))
		.map((e) => ({
			grantType: e.body?.grant_type,
			inBody: Boolean(e.body?.client_key),
			inQuery: Boolean(e.query?.client_key),
			status: e.status,
			errorCode: e.errorCode,
		}));
}

function describeTokenRequests(reqs) {
	return reqs
		.map((r) => `${r.grantType ?? '?'}: client_key in ${[r.inBody && 'body', r.inQuery && 'query'].filter(Boolean).join('+') || 'NOWHERE'}${r.errorCode ? ` -> ${r.errorCode}` : ''}`)
		.join('; ');
}

function expectedSha256(makeMp4, bytes, opts) {
	return crypto.createHash('sha256').update(makeMp4(bytes, opts)).digest('hex');
}

module.exports = {
	EXAMPLES,
	CLOUDINARY_BASE,
	nodeItems,
	runSummary,
	assertRunSucceeded,
	publishIdOf,
	exampleFiles,
	loadExample,
	useCredential,
	pointAtSandbox,
	tokenRequests,
	describeTokenRequests,
	expectedSha256,
};
