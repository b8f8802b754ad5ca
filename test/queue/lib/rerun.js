'use strict';
/*
 * Issue 19 in queue mode: the same posts sent again (Skip Already Posted), and a worker killed in the middle
 * of a post, its execution then retried from n8n's execution list (POST /rest/executions/:id/retry).
 *
 * n8n 2.41 does not hand a dead worker's job to another worker (Bull maxStalledCount 0): the job is failed
 * once its lock expires and the remaining worker's stalled check sees it, and main's queue recovery marks the
 * execution crashed. The cluster runs with a short lock and recovery interval (cluster.js) so this takes
 * about a minute instead of three hours.
 */
const { secs, sleep, waitFor } = require('../../e2e/lib/util');
const { line } = require('../../e2e/lib/harness');

/** The executions of a workflow that are not finished yet, by id. */
async function unfinished(ctx, workflowId) {
	const { listExecutions } = require('./cluster');
	return (await listExecutions(ctx.rest, [workflowId])).filter((e) => e.status === 'running' || e.status === 'new');
}

/** Fires `call` without waiting for its answer (the worker running it is about to die). */
function fire(ctx, call, postJson) {
	const answer = postJson(`${ctx.main.url}/webhook/${call.path}`, call.body, 30 * 60000).catch((error) => ({ status: 0, text: error.message }));
	return answer;
}

/**
 * Posts one product, kills the worker running it when `killWhen(publish)` says so (the sandbox's record of
 * this post), starts a replacement worker, waits until n8n marks the execution crashed, retries it, and
 * returns what happened: the sandbox's publishes for the tag, the retried execution's answer, timings.
 */
async function killAndRetry(ctx, { call, tag, killWhen, postJson, startReplacement, what }) {
	const { sandbox, workers } = ctx;
	const t0 = Date.now();
	const workflowId = ctx.workflows.find((w) => w.webhookPath === call.path).id;
	const before = new Set((await unfinished(ctx, workflowId)).map((e) => e.id));
	const answer = fire(ctx, call, postJson);
	const mine = (pubs) => pubs.filter((p) => String(p.initBody?.post_info?.title ?? '').includes(`#${tag}`));
	let executionId;
	await waitFor(
		async () => {
			const running = (await unfinished(ctx, workflowId)).filter((e) => !before.has(e.id));
			executionId = running[0]?.id;
			const [publish] = mine(await sandbox.publishes());
			return Boolean(executionId && publish && (await killWhen(publish)));
		},
		{ timeoutMs: 180000, intervalMs: 200, what: `${what}: the moment to kill the worker` },
	);
	const victim = workers.find((w) => w.executions().running.includes(executionId)) ?? workers.find((w) => w.executions().running.length > 0);
	if (!victim) throw new Error(`no worker reports execution ${executionId} running`);
	await victim.kill();
	line(`  ${secs(Date.now() - t0)}: ${what}: killed ${victim.name} (pid ${victim.pid}) running execution ${executionId}`);
	ctx.workers = [...workers.filter((w) => w !== victim), await startReplacement(victim.name)];
	await waitFor(
		async () => {
			const { listExecutions } = require('./cluster');
			const e = (await listExecutions(ctx.rest, [workflowId])).find((x) => x.id === executionId);
			return e && e.status !== 'running' && e.status !== 'new';
		},
		{ timeoutMs: 300000, intervalMs: 2000, what: `${what}: n8n marking execution ${executionId} crashed` },
	);
	const { listExecutions } = require('./cluster');
	const status = (await listExecutions(ctx.rest, [workflowId])).find((x) => x.id === executionId).status;
	line(`  ${secs(Date.now() - t0)}: ${what}: execution ${executionId} is ${status}; retrying it`);
	const retry = await ctx.rest.request('POST', `/rest/executions/${executionId}/retry`, { json: { loadWorkflow: false }, timeoutMs: 15 * 60000 });
	await Promise.race([answer, sleep(1000)]);
	return { executionId, status, retry, publishes: mine(await sandbox.publishes()), ms: Date.now() - t0 };
}

module.exports = { killAndRetry, fire };
