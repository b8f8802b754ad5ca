'use strict';
/*
 * The e2e check harness: PASS/FAIL lines, per-part durations and the final count. Parts call `check`
 * for each assertion group; `skipAsFailed` marks checks that could not run as failed, so the count
 * stays honest when an earlier step broke.
 */
const { secs } = require('./util');

const results = [];
const durations = [];

function line(s = '') {
	process.stdout.write(`${s}\n`);
}

function assert(cond, msg) {
	if (!cond) throw new Error(msg);
}

async function check(name, fn) {
	const t0 = Date.now();
	try {
		const detail = await fn();
		results.push({ name, ok: true });
		line(`PASS  ${name}${detail ? ` — ${detail}` : ''} (${secs(Date.now() - t0)})`);
		return true;
	} catch (e) {
		results.push({ name, ok: false, reason: e.message });
		line(`FAIL  ${name} — ${String(e.message).split('\n').join('\n      ')} (${secs(Date.now() - t0)})`);
		return false;
	}
}

function skipAsFailed(names, why) {
	for (const name of names) {
		results.push({ name, ok: false, reason: why });
		line(`FAIL  ${name} — not run: ${why}`);
	}
}

async function part(label, fn) {
	line(`\n== ${label}`);
	const t0 = Date.now();
	try {
		await fn();
	} catch (e) {
		results.push({ name: `${label}: unexpected error`, ok: false, reason: e.message });
		line(`FAIL  ${label}: unexpected error — ${e.stack || e.message}`);
	}
	const ms = Date.now() - t0;
	durations.push({ label, ms });
	line(`-- ${label}: ${secs(ms)}`);
}

function summary() {
	const passed = results.filter((r) => r.ok).length;
	return { passed, failed: results.length - passed, total: results.length, failures: results.filter((r) => !r.ok), durations };
}

module.exports = { line, assert, check, skipAsFailed, part, summary };
