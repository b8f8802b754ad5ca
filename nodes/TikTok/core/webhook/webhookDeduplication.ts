/**
 * "Have we already started a run for this TikTok event?" TikTok delivers at least once and retries
 * for 72 hours, so the same event can arrive more than once (docs/tiktok-api.md §5).
 *
 * Two layers, both bounded:
 * - the node's workflow static data (`getWorkflowStaticData('node')`), which n8n stores in the
 *   workflow row and reloads for every production request: survives restarts;
 * - a small map in this process, which closes the window where two deliveries of one event arrive
 *   together: n8n 2.41 loads the static data per request and writes the whole object back when it
 *   answers, so two concurrent requests do not see each other's keys (and the later write wins).
 *
 * The functions below are pure apart from that module-level map; the clock is passed in.
 */
import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

/** How long an event is remembered: TikTok's retry period. */
export const DEDUP_WINDOW_SEC = 72 * 3600;
/** At most this many events are remembered per trigger node (oldest forgotten first). */
export const DEDUP_MAX_ENTRIES = 1000;
/** At most this many trigger nodes are tracked by this process's map (oldest forgotten first). */
const MAX_LOCAL_SCOPES = 200;

export interface DedupLimits {
	windowSec: number;
	maxEntries: number;
}

const DEFAULT_LIMITS: DedupLimits = { windowSec: DEDUP_WINDOW_SEC, maxEntries: DEDUP_MAX_ENTRIES };

/** Where the keys live inside the node's static data. */
const STORE_FIELD = 'tiktokSeenEvents';

/** [key, first seen (epoch s)], oldest first. */
type Entry = [string, number];

/**
 * The identity of one event: its name, account, creation time and content as TikTok sent them,
 * hashed (128 bits, hex). A retry carries the same values; two real events differ at least in
 * create_time. The signature header is not part of it (each delivery is signed anew).
 */
export function eventKey(body: IDataObject): string {
	const content = typeof body.content === 'string' ? body.content : JSON.stringify(body.content ?? null);
	const parts = [body.event, body.client_key, body.user_openid, body.create_time, content].map((v) =>
		typeof v === 'string' ? v : JSON.stringify(v ?? null),
	);
	return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

function entriesOf(staticData: IDataObject): Entry[] {
	const stored = staticData[STORE_FIELD];
	if (!Array.isArray(stored)) return [];
	return stored.filter(
		(e): e is Entry => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number',
	);
}

/** Drops entries older than the window and the oldest beyond the cap. */
function prune(entries: Entry[], nowSec: number, limits: DedupLimits): Entry[] {
	const fresh = entries.filter(([, at]) => nowSec - at <= limits.windowSec);
	return fresh.length > limits.maxEntries ? fresh.slice(fresh.length - limits.maxEntries) : fresh;
}

/** The process-local layer: scope ("workflow/node") -> key -> first seen (epoch s). */
const local = new Map<string, Map<string, number>>();

function localScope(scope: string): Map<string, number> {
	let keys = local.get(scope);
	if (keys) {
		// re-insert: the Map's order is the least-recently-used order
		local.delete(scope);
	} else {
		keys = new Map();
	}
	local.set(scope, keys);
	while (local.size > MAX_LOCAL_SCOPES) local.delete(local.keys().next().value as string);
	return keys;
}

function rememberLocally(keys: Map<string, number>, key: string, nowSec: number, limits: DedupLimits): void {
	keys.set(key, nowSec);
	for (const [k, at] of keys) {
		if (keys.size <= limits.maxEntries && nowSec - at <= limits.windowSec) break;
		keys.delete(k);
	}
}

/**
 * Records `key` and says whether it was already seen (within the window) in the static data or in
 * this process. Synchronous on purpose: between the check and the record no other request can run.
 * Writes the pruned list back to `staticData` (n8n then saves it).
 */
export function checkAndRemember(
	staticData: IDataObject,
	scope: string,
	key: string,
	nowSec: number,
	limits: DedupLimits = DEFAULT_LIMITS,
): 'new' | 'duplicate' {
	const entries = prune(entriesOf(staticData), nowSec, limits);
	const keys = localScope(scope);
	const localAt = keys.get(key);
	const seenLocally = localAt !== undefined && nowSec - localAt <= limits.windowSec;
	const stored = entries.some(([k]) => k === key);
	// A key known here but missing from the static data was lost to a concurrent write: put it back.
	if (!stored) entries.push([key, nowSec]);
	if (!seenLocally) rememberLocally(keys, key, nowSec, limits);
	staticData[STORE_FIELD] = prune(entries, nowSec, limits);
	return stored || seenLocally ? 'duplicate' : 'new';
}

/** How many events the static data remembers (for tests and diagnostics). */
export function rememberedCount(staticData: IDataObject): number {
	return entriesOf(staticData).length;
}

/** Forgets this process's keys (tests). */
export function resetLocalDeduplication(): void {
	local.clear();
}
