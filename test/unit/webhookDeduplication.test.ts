/** The de-duplication store of the TikTok Trigger (nodes/TikTok/core/webhook/webhookDeduplication.ts). */
import type { IDataObject } from 'n8n-workflow';

import {
	checkAndRemember,
	DEDUP_MAX_ENTRIES,
	DEDUP_WINDOW_SEC,
	eventKey,
	rememberedCount,
	resetLocalDeduplication,
} from '../../nodes/TikTok/core/webhook/webhookDeduplication';

const NOW = 1_733_000_000;
const body = (over: IDataObject = {}): IDataObject => ({
	client_key: 'aw1234',
	event: 'post.publish.complete',
	create_time: NOW,
	user_openid: 'open-1',
	content: '{"publish_id":"p1","publish_type":"DIRECT_PUBLISH"}',
	...over,
});

beforeEach(() => resetLocalDeduplication());

describe('eventKey', () => {
	it('is stable for a retry of the same event, different for any other event', () => {
		const k = eventKey(body());
		expect(k).toMatch(/^[0-9a-f]{32}$/);
		expect(eventKey(body())).toBe(k);
		expect(eventKey(body({ create_time: NOW + 1 }))).not.toBe(k);
		expect(eventKey(body({ event: 'post.publish.failed' }))).not.toBe(k);
		expect(eventKey(body({ user_openid: 'open-2' }))).not.toBe(k);
		expect(eventKey(body({ client_key: 'other' }))).not.toBe(k);
		expect(eventKey(body({ content: '{"publish_id":"p2","publish_type":"DIRECT_PUBLISH"}' }))).not.toBe(k);
		// fields cannot be shifted into each other
		expect(eventKey(body({ event: 'a', client_key: 'b' }))).not.toBe(eventKey(body({ event: 'ab', client_key: '' })));
	});
});

describe('checkAndRemember', () => {
	it('new once, then duplicate; the key is written to the static data', () => {
		const data: IDataObject = {};
		expect(checkAndRemember(data, 'wf/n', 'k1', NOW)).toBe('new');
		expect(checkAndRemember(data, 'wf/n', 'k1', NOW + 5)).toBe('duplicate');
		expect(rememberedCount(data)).toBe(1);
		expect(JSON.parse(JSON.stringify(data))).toEqual({ tiktokSeenEvents: [['k1', NOW]] });
	});

	it('survives a restart through the static data alone (n8n reloads it per request)', () => {
		const data: IDataObject = {};
		checkAndRemember(data, 'wf/n', 'k1', NOW);
		resetLocalDeduplication(); // new process
		const reloaded = JSON.parse(JSON.stringify(data)) as IDataObject;
		expect(checkAndRemember(reloaded, 'wf/n', 'k1', NOW + 60)).toBe('duplicate');
	});

	it('closes the concurrent-delivery window: two requests with their own copy of the static data', () => {
		const stored: IDataObject = {};
		// n8n gives each request a copy loaded from the database before either one saved
		const copyA = JSON.parse(JSON.stringify(stored)) as IDataObject;
		const copyB = JSON.parse(JSON.stringify(stored)) as IDataObject;
		expect(checkAndRemember(copyA, 'wf/n', 'k1', NOW)).toBe('new');
		expect(checkAndRemember(copyB, 'wf/n', 'k1', NOW)).toBe('duplicate');
		// and B's copy (saved last, overwriting A's) still holds the key
		expect(rememberedCount(copyB)).toBe(1);
	});

	it('repairs a key lost by a concurrent write (the later save overwrote it)', () => {
		const copyA: IDataObject = {};
		const copyB: IDataObject = {};
		checkAndRemember(copyA, 'wf/n', 'event-a', NOW);
		checkAndRemember(copyB, 'wf/n', 'event-b', NOW); // B saved last: 'event-a' is not in the database
		const reloaded = JSON.parse(JSON.stringify(copyB)) as IDataObject;
		expect(checkAndRemember(reloaded, 'wf/n', 'event-a', NOW + 1)).toBe('duplicate');
		expect(rememberedCount(reloaded)).toBe(2);
	});

	it('scopes are independent (another workflow or node sees its own events)', () => {
		expect(checkAndRemember({}, 'wf/n1', 'k1', NOW)).toBe('new');
		expect(checkAndRemember({}, 'wf/n2', 'k1', NOW)).toBe('new');
	});

	it('forgets events after the 72-hour window', () => {
		const hours72 = 72 * 3600;
		const data: IDataObject = {};
		checkAndRemember(data, 'wf/n', 'k1', NOW);
		expect(checkAndRemember(data, 'wf/n', 'k1', NOW + hours72)).toBe('duplicate');
		resetLocalDeduplication();
		const later = JSON.parse(JSON.stringify({ tiktokSeenEvents: [['k1', NOW]] })) as IDataObject;
		expect(checkAndRemember(later, 'wf/n', 'k1', NOW + hours72 + 1)).toBe('new');
		expect(rememberedCount(later)).toBe(1);
	});

	it('is bounded: at most maxEntries keys, the oldest forgotten first', () => {
		const limits = { windowSec: DEDUP_WINDOW_SEC, maxEntries: 5 };
		const data: IDataObject = {};
		for (let i = 0; i < 8; i++) expect(checkAndRemember(data, 'wf/n', `k${i}`, NOW + i, limits)).toBe('new');
		expect(rememberedCount(data)).toBe(5);
		expect((data.tiktokSeenEvents as Array<[string, number]>).map(([k]) => k)).toEqual(['k3', 'k4', 'k5', 'k6', 'k7']);
		expect(checkAndRemember(data, 'wf/n', 'k7', NOW + 9, limits)).toBe('duplicate');
		// the process-local layer is bounded the same way: k0 is forgotten there too
		expect(checkAndRemember(data, 'wf/n', 'k0', NOW + 9, limits)).toBe('new');
	});

	it('the default cap holds with 1500 distinct events, and the stored size stays small', () => {
		const data: IDataObject = {};
		for (let i = 0; i < 1500; i++) checkAndRemember(data, 'wf/n', eventKey(body({ create_time: NOW + i })), NOW + i);
		expect(rememberedCount(data)).toBe(DEDUP_MAX_ENTRIES);
		expect(JSON.stringify(data).length).toBeLessThan(60_000);
	});

	it('ignores malformed stored data instead of failing', () => {
		const data: IDataObject = { tiktokSeenEvents: [['ok', NOW], 'junk', [1, 2], null] as unknown as IDataObject[] };
		expect(checkAndRemember(data, 'wf/n', 'ok', NOW)).toBe('duplicate');
		expect(rememberedCount(data)).toBe(1);
		expect(checkAndRemember({ tiktokSeenEvents: 'nonsense' }, 'wf/x', 'k', NOW)).toBe('new');
	});
});
