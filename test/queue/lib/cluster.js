'use strict';
/*
 * n8n 2.41.1 in queue mode: the environment every process shares (Postgres, Redis, one encryption
 * key), `n8n worker` processes, the owner login and the REST calls the test needs (workflows,
 * activation, executions).
 */
const path = require('node:path');
const { freePort, waitFor, tail, HttpClient, spawnGroup } = require('../../e2e/lib/util');

/** What main and every worker must share in queue mode. Binary data mode is left to n8n's default. */
function queueEnv({ postgres, redis }) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		// n8n's default pool is 2 connections per process. In database binary mode every video goes in and
		// out of Postgres whole (30 MB here), and with 5 executions per worker queries waited past the
		// 20 s connection timeout ("timeout exceeded when trying to connect"). Give each execution slot one.
		DB_POSTGRESDB_POOL_SIZE: '10',
		DB_SQLITE_POOL_SIZE: undefined,
		// A killed worker's job (rerun.js): found stalled once its lock expires (n8n's default lock is 60 s,
		// checked every 30 s), and its execution marked crashed by main's queue recovery (default every 180
		// minutes, in minutes here). Renewed every 5 s, a 20 s lock stays well clear of a busy event loop.
		QUEUE_WORKER_LOCK_DURATION: '20000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '5000',
		QUEUE_WORKER_STALLED_INTERVAL: '5000',
		N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '1',
	};
}

/**
 * `n8n worker --concurrency=N` with the instance's environment, its health server on a free port;
 * resolves when /healthz/readiness answers 200 (DB connected and migrated, Redis connected, ready).
 */
async function startWorker(n8n, { name, concurrency, env = {}, timeoutMs = 180000 }) {
	const healthPort = await freePort();
	const brokerPort = await freePort();
	const proc = spawnGroup(
		n8n.install.nodeBin,
		[n8n.install.n8nBin, 'worker', `--concurrency=${concurrency}`],
		{
			cwd: n8n.userFolder,
			env: n8n.env({
				N8N_LOG_LEVEL: 'info',
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				...env,
			}),
		},
		{ keepBytes: 4e6 },
	);
	const worker = {
		name,
		pid: proc.child.pid,
		healthPort,
		get output() {
			return proc.output;
		},
		get exited() {
			return proc.exited;
		},
		/** Executions this worker started and finished so far (from its info log). */
		executions() {
			const started = [...proc.output.matchAll(/Worker started execution (\S+)/g)].map((m) => m[1]);
			const finished = [...proc.output.matchAll(/Worker finished execution (\S+)/g)].map((m) => m[1]);
			return { started, finished, running: started.filter((id) => !finished.includes(id)) };
		},
		stop: async () => await proc.stop('SIGTERM', 20000),
		/** The worker dies at once (a crash, an OOM kill, a pulled plug): no graceful shutdown. */
		kill: async () => await proc.stop('SIGKILL', 2000),
	};
	try {
		await waitFor(
			async () => {
				if (proc.exited) throw Object.assign(new Error(`worker exited (${proc.exited.code ?? proc.exited.signal})`), { fatal: true });
				const r = await fetch(`http://127.0.0.1:${healthPort}/healthz/readiness`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
				return r && r.status === 200;
			},
			{ timeoutMs, intervalMs: 500, what: `${name} readiness on port ${healthPort}` },
		);
	} catch (e) {
		await worker.stop();
		throw new Error(`${e.message}\n--- ${name} output ---\n${tail(proc.output, 60)}`);
	}
	return worker;
}

const OWNER = { email: 'queue-owner@example.com', firstName: 'Queue', lastName: 'Owner', password: 'Queue-Passw0rd!' };

/** The main instance's REST API, logged in as the owner. */
async function ownerSession(url) {
	const rest = new HttpClient(url, { headers: { 'browser-id': 'queue-test-browser-0001' } });
	const setup = await rest.request('POST', '/rest/owner/setup', { json: OWNER });
	if (setup.status !== 200) throw new Error(`POST /rest/owner/setup -> ${setup.status} ${setup.text.slice(0, 300)}`);
	const login = await rest.request('POST', '/rest/login', { json: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
	if (login.status !== 200) throw new Error(`POST /rest/login -> ${login.status} ${login.text.slice(0, 300)}`);
	return rest;
}

/** Create and activate a workflow; returns its id once its production webhook answers. */
async function createActiveWorkflow(rest, wf, webhookPath) {
	const created = await rest.request('POST', '/rest/workflows', {
		json: { name: wf.name, nodes: wf.nodes, connections: wf.connections, settings: wf.settings, active: false },
	});
	if (created.status !== 200 || !created.data?.data?.id) throw new Error(`POST /rest/workflows -> ${created.status} ${created.text.slice(0, 300)}`);
	const { id, versionId } = created.data.data;
	const act = await rest.request('POST', `/rest/workflows/${id}/activate`, { json: { versionId } });
	if (act.status !== 200) throw new Error(`POST /rest/workflows/${id}/activate -> ${act.status} ${act.text.slice(0, 400)}`);
	// Activation registers the production webhook a moment later. A GET on it answers "not registered for
	// GET requests. Did you mean to make a POST request?" once it is there, without running anything.
	await waitFor(
		async () => {
			const probe = await rest.request('GET', `/webhook/${webhookPath}`);
			return /Did you mean to make a POST request/.test(probe.text);
		},
		{ timeoutMs: 60000, intervalMs: 300, what: `production webhook POST /webhook/${webhookPath}` },
	);
	return { id, webhookPath };
}

/** Executions of the given workflows (newest first), with their status. */
async function listExecutions(rest, workflowIds) {
	const out = [];
	for (const workflowId of workflowIds) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const r = await rest.request('GET', `/rest/executions?filter=${filter}&limit=100`);
		if (r.status !== 200) throw new Error(`GET /rest/executions -> ${r.status} ${r.text.slice(0, 300)}`);
		const results = r.data?.data?.results ?? r.data?.data ?? [];
		out.push(...results.map((e) => ({ id: String(e.id), workflowId, status: e.status, mode: e.mode, startedAt: e.startedAt, stoppedAt: e.stoppedAt })));
	}
	return out;
}

/** The error of a failed execution (node and message), read from its stored run data. */
async function executionError(rest, install, executionId) {
	const r = await rest.request('GET', `/rest/executions/${executionId}`);
	const raw = r.data?.data?.data;
	if (typeof raw !== 'string') return `(no run data: HTTP ${r.status})`;
	let flatted;
	try {
		flatted = require(path.join(install.appDir, 'node_modules', 'flatted'));
	} catch {
		return raw.slice(0, 400);
	}
	const run = flatted.parse(raw);
	const err = run?.resultData?.error;
	const nodeErrors = Object.entries(run?.resultData?.runData ?? {}).flatMap(([node, runs]) =>
		runs.filter((x) => x.error).map((x) => `${node}: ${x.error.message}${x.error.description ? ` (${x.error.description})` : ''}`),
	);
	return [err ? `${err.node?.name ?? '?'}: ${err.message}` : '', ...nodeErrors].filter(Boolean).join('; ') || '(no error recorded)';
}

/** The output items (json) of `nodeName` in a stored execution. */
async function executionNodeItems(rest, install, executionId, nodeName) {
	const r = await rest.request('GET', `/rest/executions/${executionId}`);
	const raw = r.data?.data?.data;
	if (typeof raw !== 'string') throw new Error(`execution ${executionId}: no run data (HTTP ${r.status})`);
	const run = require(path.join(install.appDir, 'node_modules', 'flatted')).parse(raw);
	return (run?.resultData?.runData?.[nodeName] ?? []).flatMap((x) => x.data?.main?.[0] ?? []).map((i) => i.json);
}

module.exports = { executionNodeItems, queueEnv, startWorker, ownerSession, createActiveWorkflow, listExecutions, executionError, OWNER };
