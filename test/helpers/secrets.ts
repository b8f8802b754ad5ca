/**
 * Leak checks: deep-scan any value (node output, thrown error, logs) for secrets.
 * Errors are scanned through message, description, JSON (toJSON) and their own fields, cause
 * chain included; `stack` is skipped (it only repeats the message).
 */

const SKIP_KEYS = new Set([
	'stack',
	'socket',
	'agent',
	'httpAgent',
	'httpsAgent',
	'_httpMessage',
	'request',
	'req',
	'res',
	'_events',
	'_eventsCount',
	'parser',
	'client',
	'connection',
	'node',
]);

interface Found {
	path: string;
	secret: string;
}

function mask(secret: string): string {
	return secret.length <= 6 ? '***' : `${secret.slice(0, 3)}…${secret.slice(-2)}`;
}

function scan(value: unknown, secrets: string[], path: string, seen: Set<unknown>, found: Found[], depth: number, budget: { n: number }): void {
	if (budget.n-- <= 0 || depth > 10) return;
	if (value === null || value === undefined) return;
	if (typeof value === 'string') {
		for (const s of secrets) if (value.includes(s)) found.push({ path, secret: s });
		return;
	}
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return;
	if (typeof value === 'function') return;
	if (Buffer.isBuffer(value)) {
		const text = value.subarray(0, 1 << 20).toString('utf8');
		scan(text, secrets, `${path}<buffer>`, seen, found, depth + 1, budget);
		return;
	}
	if (typeof value !== 'object') return;
	if (seen.has(value)) return;
	seen.add(value);
	if (value instanceof Error) {
		const err = value as Error & { description?: unknown; toJSON?: () => unknown; cause?: unknown };
		scan(err.message, secrets, `${path}.message`, seen, found, depth + 1, budget);
		scan(err.description, secrets, `${path}.description`, seen, found, depth + 1, budget);
		if (typeof err.toJSON === 'function') {
			try {
				scan(JSON.stringify(err.toJSON()), secrets, `${path}<toJSON>`, seen, found, depth + 1, budget);
			} catch {
				/* ignore */
			}
		}
		scan(err.cause, secrets, `${path}.cause`, seen, found, depth + 1, budget);
	}
	if (value instanceof Map) {
		for (const [k, v] of value) {
			scan(k, secrets, `${path}<key>`, seen, found, depth + 1, budget);
			scan(v, secrets, `${path}[${String(k)}]`, seen, found, depth + 1, budget);
		}
		return;
	}
	for (const key of Object.getOwnPropertyNames(value)) {
		if (SKIP_KEYS.has(key)) continue;
		let child: unknown;
		try {
			child = (value as Record<string, unknown>)[key];
		} catch {
			continue;
		}
		for (const s of secrets) if (key.includes(s)) found.push({ path: `${path}<key ${key}>`, secret: s });
		scan(child, secrets, `${path}.${key}`, seen, found, depth + 1, budget);
	}
}

/** Paths where any of `secrets` occurs inside `value` (empty = clean). */
export function findSecrets(value: unknown, secrets: readonly string[]): Array<{ path: string; secret: string }> {
	const list = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length >= 4))];
	const found: Found[] = [];
	scan(value, list, '$', new Set(), found, 0, { n: 200_000 });
	try {
		const json = JSON.stringify(value);
		if (json) for (const s of list) if (json.includes(s)) found.push({ path: '$<JSON>', secret: s });
	} catch {
		/* circular: covered by the walk */
	}
	return found.map((f) => ({ path: f.path, secret: mask(f.secret) }));
}

/** Throws (a jest-friendly Error) when any secret occurs anywhere in `value`. */
export function expectNoSecrets(value: unknown, secrets: readonly string[]): void {
	const found = findSecrets(value, secrets);
	if (found.length > 0) {
		const lines = found.slice(0, 20).map((f) => `  ${f.path} contains ${f.secret}`);
		throw new Error(`Secret leaked:\n${lines.join('\n')}`);
	}
}
