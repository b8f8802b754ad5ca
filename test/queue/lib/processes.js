'use strict';
/*
 * Memory of running processes, from /proc: VmHWM (peak resident set) of a process and of every
 * process in its tree (n8n may start task-runner children). Read before the process stops.
 */
const fs = require('node:fs');

function readStatus(pid) {
	try {
		return fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	} catch {
		return undefined;
	}
}

function kib(status, field) {
	const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status || '');
	return m ? Number(m[1]) : undefined;
}

/** Every process's parent, from /proc/<pid>/stat. */
function parentMap() {
	const parents = new Map();
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
			// the command may hold spaces or parentheses: the fields start after the last ')'
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			parents.set(Number(name), Number(fields[1]));
		} catch {}
	}
	return parents;
}

/** pid and all its descendants. */
function processTree(pid) {
	const parents = parentMap();
	const tree = [pid];
	for (let i = 0; i < tree.length; i++) {
		for (const [child, parent] of parents) if (parent === tree[i] && !tree.includes(child)) tree.push(child);
	}
	return tree;
}

/** { pid, name, hwmMB, rssMB } of each process in the tree of `pid`, and the sum of their peaks. */
function treePeakRss(pid) {
	const processes = [];
	for (const p of processTree(pid)) {
		const status = readStatus(p);
		if (!status) continue;
		const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '?';
		processes.push({ pid: p, name, hwmMB: (kib(status, 'VmHWM') ?? 0) / 1024, rssMB: (kib(status, 'VmRSS') ?? 0) / 1024 });
	}
	return { processes, sumPeakMB: processes.reduce((s, p) => s + p.hwmMB, 0) };
}

module.exports = { treePeakRss, processTree };
