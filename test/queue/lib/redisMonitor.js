'use strict';
/*
 * Watches n8n's credential refresh lock in Redis. In queue mode n8n 2.41 takes the lock with
 * `SET <prefix>:lock:2:<sha256(credential id)> <uuid> PX 30000 NX` (namespace 2 = CREDENTIALS), polls it
 * every 50-100 ms while another process holds it, and releases it with an EVAL compare-and-delete.
 * Redis's MONITOR shows each command with the client's address; the address is mapped to the n8n
 * process that owns the socket through /proc (net/tcp inode -> /proc/<pid>/fd).
 */
const fs = require('node:fs');
const net = require('node:net');

const CREDENTIAL_LOCK = /:lock:2:[0-9a-f]{64}/;

class RedisLockMonitor {
	constructor(port) {
		this.events = [];
		this.socket = net.connect(port, '127.0.0.1');
		let buffer = '';
		this.ready = new Promise((resolve, reject) => {
			this.socket.once('error', reject);
			this.socket.on('data', (d) => {
				buffer += d;
				let i;
				while ((i = buffer.indexOf('\r\n')) >= 0) {
					const lineText = buffer.slice(0, i);
					buffer = buffer.slice(i + 2);
					if (lineText === '+OK') resolve();
					else this.onLine(lineText);
				}
			});
		});
		this.socket.write('MONITOR\r\n');
	}

	/** `+1700000000.123456 [0 127.0.0.1:54321] "set" "n8n:lock:2:…" "uuid" "PX" "30000" "NX"` */
	onLine(text) {
		const m = /^\+(\d+\.\d+) \[\d+ ([^\]]+)\] "([^"]+)"(.*)$/.exec(text);
		if (!m || m[2] === 'lua' || !CREDENTIAL_LOCK.test(m[4])) return;
		const command = m[3].toLowerCase();
		const kind = command === 'set' ? 'acquire-attempt' : command === 'eval' && /del/i.test(m[4]) ? 'release' : command === 'eval' ? 'renew' : command;
		this.events.push({ at: Math.round(Number(m[1]) * 1000), addr: m[2], kind });
	}

	close() {
		this.socket.destroy();
	}
}

/** Local TCP port -> socket inode, from /proc/net/tcp and tcp6. */
function socketInodes() {
	const inodes = new Map();
	for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text = '';
		try {
			text = fs.readFileSync(file, 'utf8');
		} catch {
			continue;
		}
		for (const row of text.split('\n').slice(1)) {
			const cols = row.trim().split(/\s+/);
			if (cols.length < 10) continue;
			const port = parseInt(cols[1].split(':')[1], 16);
			inodes.set(port, cols[9]);
		}
	}
	return inodes;
}

/** Which of the given processes (name -> pids) owns the socket whose local port is `port`. */
function ownersOfPorts(ports, processes) {
	const inodes = socketInodes();
	const fdsOf = new Map();
	for (const [name, pids] of Object.entries(processes)) {
		const set = new Set();
		for (const pid of pids) {
			try {
				for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
					try {
						const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
						const m = /^socket:\[(\d+)\]$/.exec(target);
						if (m) set.add(m[1]);
					} catch {}
				}
			} catch {}
		}
		fdsOf.set(name, set);
	}
	const owners = new Map();
	for (const port of ports) {
		const inode = inodes.get(port);
		for (const [name, set] of fdsOf) if (inode && set.has(inode)) owners.set(port, name);
	}
	return owners;
}

module.exports = { RedisLockMonitor, ownersOfPorts };
