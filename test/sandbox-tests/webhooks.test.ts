/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/* eslint-disable @typescript-eslint/no-explicit-any -- untyped JSON answers of the TikTok sandbox */
/**
 * The sandbox's TikTok webhook deliveries (test/sandbox/webhooks.js): which events a publish
 * produces, TikTok's body shape, signatures (checked here with node:crypto, independently of the
 * package), retries with backoff, the three faults, replay, the HTTP controls, and no secret leak.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';

import { makeMp4, startSandbox, type Sandbox, type WebhookDelivery } from '../sandbox';
import { api, CLIENT_SECRET, fileUploadInit, putChunk, sleep } from './helpers';

interface Received {
	headers: http.IncomingHttpHeaders;
	body: string;
	at: number;
}

/** A stand-in for n8n's webhook URL: records every request and answers `answer()`'s status. */
async function startReceiver(answer: (r: Received, n: number) => number = () => 200) {
	const received: Received[] = [];
	const server = http.createServer((req, res) => {
		const parts: Buffer[] = [];
		req.on('data', (c: Buffer) => parts.push(c));
		req.on('end', () => {
			const r = { headers: req.headers, body: Buffer.concat(parts).toString('utf8'), at: Date.now() };
			received.push(r);
			res.writeHead(answer(r, received.length));
			res.end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/abc/webhook`;
	return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The check TikTok documents, written here from scratch. */
function signatureValid(headerValue: unknown, body: string, secret: string, toleranceSec = 300): boolean {
	const m = /^t=(\d+),s=([0-9a-f]{64})$/.exec(String(headerValue));
	if (!m) return false;
	const expected = crypto.createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex');
	return expected === m[2] && Math.abs(Date.now() / 1000 - Number(m[1])) <= toleranceSec;
}

const VIDEO = makeMp4(300_000, { seed: 'webhooks' });

describe('sandbox webhook deliveries', () => {
	let sandbox: Sandbox;
	let token: string;
	let receiver: Awaited<ReturnType<typeof startReceiver>>;

	beforeAll(async () => {
		// moderation instant: the post id (publicly_available) follows PUBLISH_COMPLETE at once
		sandbox = await startSandbox({ processingMs: 20, postIdDelayMs: 0, rateLimits: { init: 1000, creatorInfo: 1000, status: 1000 } });
	});
	afterAll(() => sandbox.close());
	beforeEach(async () => {
		sandbox.reset();
		sandbox.configure({
			webhook: { url: null, clientSecret: null, maxAttempts: 5, retryBaseMs: 30 },
			faults: { failReason: null, webhookBadSignature: null, webhookStaleTimestamp: null, webhookDuplicate: null },
		});
		token = sandbox.mintToken().access_token;
		receiver = await startReceiver();
	});
	afterEach(() => receiver.close());

	/** Direct post (or draft) of a small video, uploaded in one chunk; waits until its events are delivered. */
	async function publish(privacy = 'PUBLIC_TO_EVERYONE', mode: 'direct' | 'inbox' = 'direct') {
		const path = mode === 'direct' ? '/post/publish/video/init/' : '/post/publish/inbox/video/init/';
		const init = await api(sandbox, token, 'POST', path, fileUploadInit(VIDEO.length, VIDEO.length, 1, { privacy_level: privacy, title: 'hello' }));
		expect(init.code).toBe('ok');
		expect((await putChunk(init.json.data.upload_url, VIDEO, 0, VIDEO.length - 1)).status).toBe(201);
		const publishId: string = init.json.data.publish_id;
		// until TikTok's processing ends (jest's test timeout bounds it, not a deadline of its own)
		while (['PROCESSING_UPLOAD', 'PROCESSING_DOWNLOAD'].includes(sandbox.publishes.get(publishId)!.status)) await sleep(10);
		// the final status and (postIdDelayMs 0) the post id were announced together, and an announced
		// event counts as pending at once: idle() covers every delivery without a pause first
		await sandbox.webhooks.idle();
		return publishId;
	}

	const events = () => receiver.received.map((r) => JSON.parse(r.body).event);

	it('sends nothing while no URL is configured (strict default)', async () => {
		await publish();
		expect(receiver.received).toHaveLength(0);
		expect(sandbox.webhooks.deliveries).toHaveLength(0);
	});

	it('a public direct post: complete, then publicly_available with the post id as a raw 64-bit number', async () => {
		sandbox.configure({ webhook: { url: receiver.url } });
		const publishId = await publish();
		expect(events().sort()).toEqual(['post.publish.complete', 'post.publish.publicly_available']);
		const record = sandbox.publishes.get(publishId)!;
		for (const r of receiver.received) {
			expect(r.headers['content-type']).toBe('application/json');
			expect(signatureValid(r.headers['tiktok-signature'], r.body, CLIENT_SECRET)).toBe(true);
			const body = JSON.parse(r.body);
			expect(Object.keys(body)).toEqual(['client_key', 'event', 'create_time', 'user_openid', 'content']);
			expect(body).toMatchObject({ client_key: 'sandbox-client-key', user_openid: record.openId });
			expect(Number.isInteger(body.create_time)).toBe(true);
			expect(typeof body.content).toBe('string');
		}
		const pub = JSON.parse(receiver.received.find((r) => r.body.includes('publicly_available'))!.body);
		// the id is a bare JSON number inside the content string, beyond 2^53
		expect(pub.content).toBe(`{"publish_id":"${publishId}","post_id":${record.postIds[0]},"publish_type":"DIRECT_PUBLISH"}`);
		expect(BigInt(record.postIds[0]) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
		const complete = JSON.parse(receiver.received.find((r) => r.body.includes('publish.complete'))!.body);
		expect(JSON.parse(complete.content)).toEqual({ publish_id: publishId, publish_type: 'DIRECT_PUBLISH' });
	});

	it('SELF_ONLY direct posts never become publicly available; drafts are inbox_delivered; failures carry the reason', async () => {
		sandbox.configure({ webhook: { url: receiver.url } });
		await publish('SELF_ONLY');
		expect(events()).toEqual(['post.publish.complete']);
		receiver.received.length = 0;

		const draft = await publish('SELF_ONLY', 'inbox');
		expect(events()).toEqual(['post.publish.inbox_delivered']);
		expect(JSON.parse(JSON.parse(receiver.received[0].body).content)).toEqual({ publish_id: draft });
		receiver.received.length = 0;

		sandbox.configure({ faults: { failReason: 'frame_rate_check_failed' } });
		const failed = await publish('SELF_ONLY');
		expect(events()).toEqual(['post.publish.failed']);
		expect(JSON.parse(JSON.parse(receiver.received[0].body).content)).toEqual({ publish_id: failed, reason: 'frame_rate_check_failed', publish_type: 'DIRECT_PUBLISH' });
	});

	it('retries a non-200 answer with exponential backoff, signing each attempt anew, until 200', async () => {
		await receiver.close();
		receiver = await startReceiver((_r, n) => (n <= 2 ? 503 : 200));
		sandbox.configure({ webhook: { url: receiver.url, retryBaseMs: 60 } });
		const evt = await sandbox.webhooks.send({ event: 'post.publish.complete', content: { publish_id: 'v_pub_file~v2-1.1' } });
		expect(evt).toMatchObject({ status: 'delivered', attempts: 3 });
		expect(receiver.received).toHaveLength(3);
		expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1); // same body every time
		for (const r of receiver.received) expect(signatureValid(r.headers['tiktok-signature'], r.body, CLIENT_SECRET)).toBe(true);
		const gaps = [receiver.received[1].at - receiver.received[0].at, receiver.received[2].at - receiver.received[1].at];
		expect(gaps[0]).toBeGreaterThanOrEqual(55);
		expect(gaps[1]).toBeGreaterThanOrEqual(115); // 60 ms, then 120 ms
		expect(sandbox.webhooks.deliveries.map((d) => [d.attempt, d.status])).toEqual([[1, 503], [2, 503], [3, 200]]);
	});

	it('gives up after maxAttempts, and a network error counts as a failed attempt', async () => {
		await receiver.close();
		receiver = await startReceiver(() => 500);
		sandbox.configure({ webhook: { url: receiver.url, maxAttempts: 3, retryBaseMs: 5 } });
		expect(await sandbox.webhooks.send({ event: 'post.publish.complete', content: {} })).toMatchObject({ status: 'gave_up', attempts: 3 });
		sandbox.configure({ webhook: { url: 'http://127.0.0.1:1/nothing-listens-here', maxAttempts: 2 } });
		const evt = await sandbox.webhooks.send({ event: 'post.publish.complete', content: {} });
		expect(evt).toMatchObject({ status: 'gave_up', attempts: 2 });
		expect(sandbox.webhooks.deliveries.filter((d) => d.eventId === evt.eventId).every((d) => d.status === null && d.error)).toBe(true);
	});

	it('faults: a wrong-key copy and a stale copy before the real delivery, a second real delivery after it', async () => {
		sandbox.configure({ webhook: { url: receiver.url }, faults: { webhookBadSignature: { times: 1 }, webhookStaleTimestamp: { times: 1, ageSec: 900 }, webhookDuplicate: { times: 1 } } });
		await publish('SELF_ONLY');
		const kinds = sandbox.webhooks.deliveries.map((d) => d.kind);
		expect(kinds).toEqual(['bad_signature', 'stale_timestamp', 'genuine', 'duplicate']);
		const [bad, stale, genuine, duplicate] = receiver.received;
		expect(signatureValid(bad.headers['tiktok-signature'], bad.body, CLIENT_SECRET, 1e9)).toBe(false);
		expect(signatureValid(stale.headers['tiktok-signature'], stale.body, CLIENT_SECRET, 1e9)).toBe(true); // right key...
		expect(signatureValid(stale.headers['tiktok-signature'], stale.body, CLIENT_SECRET)).toBe(false); // ...15 minutes old
		expect(signatureValid(genuine.headers['tiktok-signature'], genuine.body, CLIENT_SECRET)).toBe(true);
		expect(signatureValid(duplicate.headers['tiktok-signature'], duplicate.body, CLIENT_SECRET)).toBe(true);
		expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
		// counted faults switch themselves off
		expect(sandbox.options.faults).toMatchObject({ webhookBadSignature: null, webhookStaleTimestamp: null, webhookDuplicate: null });
	});

	it('signs with webhook.clientSecret when set; the secret is in no delivery record', async () => {
		sandbox.configure({ webhook: { url: receiver.url, clientSecret: 'another-app-secret-xyz' } });
		await sandbox.webhooks.send({ event: 'authorization.removed', content: { reason: 1 } });
		expect(signatureValid(receiver.received[0].headers['tiktok-signature'], receiver.received[0].body, 'another-app-secret-xyz')).toBe(true);
		const text = JSON.stringify(sandbox.webhooks.snapshot());
		expect(text).not.toContain('another-app-secret-xyz');
		expect(text).not.toContain(CLIENT_SECRET);
	});

	it('HTTP controls: send a custom event, list deliveries, replay one byte for byte, redeliver signed anew, forged only', async () => {
		sandbox.configure({ webhook: { url: receiver.url } });
		const control = async (method: string, what: string, json?: unknown) => {
			const res = await fetch(`${sandbox.baseUrl}/__sandbox/webhook/${what}`, { method, headers: { 'Content-Type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json) });
			return { status: res.status, json: (await res.json()) as any };
		};
		const sent = await control('POST', 'send', { event: 'post.publish.publicly_available', content: { publish_id: 'p1', post_id: '', publish_type: 'DIRECT_PUBLISH' }, rawNumbers: { post_id: '7308523530180699999' } });
		expect(sent.status).toBe(200);
		expect(sent.json.deliveries).toHaveLength(1);
		const first: WebhookDelivery = sent.json.deliveries[0];
		expect(first.body).toContain('\\"post_id\\":7308523530180699999,');
		const replayed = await control('POST', 'replay', { id: first.id });
		expect(replayed.json).toMatchObject({ kind: 'replay', replayOf: first.id, signatureHeader: first.signatureHeader, body: first.body, status: 200 });
		expect(receiver.received[1].headers['tiktok-signature']).toBe(receiver.received[0].headers['tiktok-signature']);
		expect(receiver.received[1].body).toBe(receiver.received[0].body);
		const list = await control('GET', 'deliveries?wait=idle');
		expect(list.json.pending).toBe(0);
		expect(list.json.deliveries.map((d: WebhookDelivery) => d.kind)).toEqual(['genuine', 'replay']);
		const again = await control('POST', 'redeliver', { eventId: first.eventId });
		expect(again.json).toMatchObject({ kind: 'duplicate', body: first.body, status: 200 });
		expect(again.json.signatureHeader).toMatch(/^t=\d+,s=[0-9a-f]{64}$/);
		expect(signatureValid(receiver.received[2].headers['tiktok-signature'], receiver.received[2].body, CLIENT_SECRET)).toBe(true);
		const forged = await control('POST', 'send', { event: 'post.publish.complete', content: {}, fault: 'stale_timestamp', forgedOnly: true });
		expect(forged.json.event.status).toBe('forged_only');
		expect(forged.json.deliveries.map((d: WebhookDelivery) => d.kind)).toEqual(['stale_timestamp']);
		expect((await control('POST', 'replay', { id: 'wh_nope' })).status).toBe(400);
		expect((await control('GET', 'nope')).status).toBe(404);
	});

	it('reset() stops pending retries', async () => {
		await receiver.close();
		receiver = await startReceiver(() => 500);
		sandbox.configure({ webhook: { url: receiver.url, retryBaseMs: 100 } });
		void sandbox.webhooks.send({ event: 'post.publish.complete', content: {} });
		// reset once the first attempt was answered 500 and its retry is scheduled (an event, not 50 ms)
		while (sandbox.webhooks.deliveries[0]?.status !== 500) await sleep(5);
		sandbox.reset();
		await sandbox.webhooks.idle();
		await sleep(400);
		expect(receiver.received).toHaveLength(1);
	});
});
