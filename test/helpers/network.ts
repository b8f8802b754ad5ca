/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * Network guards for tests that must prove what the code did NOT send, and that must never reach a
 * real host (only 127.0.0.1 is allowed here).
 *
 * - `guardNetwork()`: while active, every outgoing TCP connection of this process (http, https, fetch:
 *   they all end in net.Socket#connect) is recorded and refused before any DNS lookup or packet, as if
 *   the host refused it (ECONNREFUSED). `attempts` lists the targets. A code path that sends a request
 *   shows up here whatever its URL, so "no attempt" proves that nothing was sent.
 * - `failDnsFor('.example')`: host names under that suffix fail to resolve (ENOTFOUND), as an unknown
 *   domain does, without asking a DNS server (RFC 2606 reserves `.example`); `hits` lists the names asked.
 */
import dns from 'node:dns';
import net from 'node:net';

export interface ConnectAttempt {
	host?: string;
	port?: number;
	path?: string;
}

export interface NetworkGuard {
	attempts: ConnectAttempt[];
	restore(): void;
}

function targetOf(args: unknown[]): ConnectAttempt {
	// net.createConnection passes its normalized arguments as an array; users pass (options), (port, host) or (path)
	const first = Array.isArray(args[0]) ? args[0][0] : args[0];
	if (first && typeof first === 'object') {
		const o = first as { host?: string; port?: number | string; path?: string };
		return { host: o.host, port: o.port === undefined ? undefined : Number(o.port), path: o.path };
	}
	if (typeof first === 'number' || /^\d+$/.test(String(first))) return { port: Number(first), host: typeof args[1] === 'string' ? args[1] : undefined };
	return { path: String(first) };
}

export function guardNetwork(): NetworkGuard {
	const original = net.Socket.prototype.connect;
	const attempts: ConnectAttempt[] = [];
	net.Socket.prototype.connect = function blockedConnect(this: net.Socket, ...args: unknown[]) {
		const target = targetOf(args);
		attempts.push(target);
		const error = Object.assign(new Error(`connect ECONNREFUSED ${target.host ?? target.path}:${target.port ?? ''} (blocked by the test's network guard)`), {
			code: 'ECONNREFUSED',
			syscall: 'connect',
		});
		process.nextTick(() => this.destroy(error));
		return this;
	} as typeof net.Socket.prototype.connect;
	return {
		attempts,
		restore: () => {
			net.Socket.prototype.connect = original;
		},
	};
}

export function failDnsFor(suffix: string): { hits: string[]; restore(): void } {
	const hits: string[] = [];
	const original = dns.lookup;
	const originalPromise = dns.promises.lookup;
	const unknown = (hostname: string) =>
		Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname });
	(dns as { lookup: unknown }).lookup = function lookup(hostname: string, ...rest: unknown[]) {
		const callback = rest[rest.length - 1] as (error: Error) => void;
		if (typeof hostname === 'string' && hostname.endsWith(suffix)) {
			hits.push(hostname);
			return void process.nextTick(() => callback(unknown(hostname)));
		}
		return (original as (...args: unknown[]) => unknown).call(dns, hostname, ...rest);
	};
	(dns.promises as { lookup: unknown }).lookup = async function lookup(hostname: string, ...rest: unknown[]) {
		if (typeof hostname === 'string' && hostname.endsWith(suffix)) {
			hits.push(hostname);
			throw unknown(hostname);
		}
		return await (originalPromise as (...args: unknown[]) => Promise<unknown>).call(dns.promises, hostname, ...rest);
	};
	return {
		hits,
		restore: () => {
			(dns as { lookup: unknown }).lookup = original;
			(dns.promises as { lookup: unknown }).lookup = originalPromise;
		},
	};
}
