'use strict';
/**
 * TikTok's webhook deliveries (docs/tiktok-api.md §5). When `options.webhook.url` is set, every publish
 * change announced by publish.js becomes a signed HTTPS-style POST to that URL:
 *
 *   PUBLISH_COMPLETE (direct)  -> post.publish.complete          {publish_id, publish_type}
 *   SEND_TO_USER_INBOX (draft) -> post.publish.inbox_delivered   {publish_id}
 *   FAILED                     -> post.publish.failed            {publish_id, reason, publish_type}
 *   a post id after moderation -> post.publish.publicly_available {publish_id, post_id, publish_type}
 *
 * Body `{"client_key","event","create_time","user_openid","content"}` with `content` a JSON string
 * (post_id inside it a raw 64-bit JSON number, as TikTok sends ids). Header
 * `TikTok-Signature: t=<unix>,s=hex(HMAC-SHA256(client secret, "<t>." + body))`, signed anew for
 * every attempt. A non-200 answer or a network error is retried with exponential backoff
 * (retryBaseMs * 2^(attempt-1), maxAttempts in all): TikTok does the same for 72 hours.
 *
 * Faults (state.options.faults, `true` or `{ times }`):
 *   webhookBadSignature:   before the real delivery, a copy signed with the wrong key (never retried)
 *   webhookStaleTimestamp: before the real delivery, a correctly signed copy whose t is `ageSec`
 *                          (default 600) in the past (never retried)
 *   webhookDuplicate:      after the real delivery succeeded, the same event delivered again
 * Controls: /__sandbox/webhook/{deliveries,send,replay,redeliver} (see handleControl), JS API `sandbox.webhooks`.
 * The client secret is never stored in a delivery record nor answered by a control.
 */
const crypto = require('crypto');
const http = require('http');
const https = require('https');
const { takeFault, schedule } = require('./state');
const { sendJson, readSmallBody } = require('./http');

const EVENT_FOR_STATUS = {
	PUBLISH_COMPLETE: 'post.publish.complete',
	SEND_TO_USER_INBOX: 'post.publish.inbox_delivered',
	FAILED: 'post.publish.failed',
};
const PUBLISH_TYPE = { direct: 'DIRECT_PUBLISH', inbox: 'INBOX_SHARE' };
const WRONG_KEY = 'not-the-client-secret';
const MAX_ANSWER_CHARS = 500;
const MAX_RECORDS = 1000;

const sign = (secret, t, body) => crypto.createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
const nowSec = () => Math.floor(Date.now() / 1000);

/** JSON text of `content`; `rawNumbers` values are written as bare digits (64-bit ids). */
function contentJson(content, rawNumbers = {}) {
	const placeholders = {};
	const copy = { ...content };
	for (const [key, digits] of Object.entries(rawNumbers)) {
		if (!/^-?\d+$/.test(String(digits))) throw new Error(`${key} must be digits`);
		placeholders[key] = String(digits);
		copy[key] = `__RAW_${key}__`;
	}
	let text = JSON.stringify(copy);
	for (const [key, digits] of Object.entries(placeholders)) text = text.replace(`"__RAW_${key}__"`, digits);
	return text;
}

/** The raw body TikTok sends: `content` is a string holding JSON. */
function eventBodyText({ clientKey, event, createTime, openId, content }) {
	return JSON.stringify({ client_key: clientKey, event, create_time: createTime, user_openid: openId, content });
}

function createWebhooks(state) {
	const deliveries = []; // one record per HTTP request
	const events = []; // one record per event
	const inflight = new Set();
	let seq = 0;
	let pending = 0;
	// reset() bumps it: retries of earlier events stop instead of reaching the next test
	let generation = 0;
	let idleWaiters = [];

	const settleIdle = () => {
		if (pending > 0) return;
		const waiters = idleWaiters;
		idleWaiters = [];
		for (const resolve of waiters) resolve();
	};
	const keepBounded = (list) => {
		if (list.length > MAX_RECORDS) list.splice(0, list.length - MAX_RECORDS);
	};

	function secretFor(clientKey) {
		const { webhook, clients } = state.options;
		if (webhook.clientSecret) return webhook.clientSecret;
		const client = clients[clientKey] || Object.values(clients)[0];
		return client ? client.secret : '';
	}

	/** One HTTP POST. Resolves with the delivery record (never rejects). */
	function post(url, body, signatureHeader, meta) {
		const record = {
			id: `wh_${++seq}`,
			...meta,
			url,
			at: new Date().toISOString(),
			signatureHeader,
			body,
			status: null,
			answer: null,
			error: null,
			ms: null,
		};
		deliveries.push(record);
		keepBounded(deliveries);
		const started = Date.now();
		return new Promise((resolve) => {
			let target;
			try {
				target = new URL(url);
			} catch {
				record.error = 'invalid url';
				return resolve(record);
			}
			const lib = target.protocol === 'https:' ? https : http;
			const req = lib.request(
				target,
				{
					method: 'POST',
					headers: {
						'Content-Type': 'application/json',
						'Content-Length': Buffer.byteLength(body),
						'TikTok-Signature': signatureHeader,
					},
					timeout: state.options.webhook.timeoutMs,
				},
				(res) => {
					const parts = [];
					res.on('data', (c) => {
						if (parts.reduce((n, p) => n + p.length, 0) < MAX_ANSWER_CHARS) parts.push(c);
					});
					res.on('end', () => {
						record.status = res.statusCode;
						record.answer = Buffer.concat(parts).toString('utf8').slice(0, MAX_ANSWER_CHARS);
						record.ms = Date.now() - started;
						inflight.delete(req);
						resolve(record);
					});
				},
			);
			inflight.add(req);
			req.on('timeout', () => req.destroy(new Error('timeout')));
			req.on('error', (err) => {
				record.error = err.code || err.message;
				record.ms = Date.now() - started;
				inflight.delete(req);
				resolve(record);
			});
			req.end(body);
		});
	}

	/** A real delivery: signed now, retried with backoff until 200 or maxAttempts. */
	function deliverGenuine(evt, kind) {
		const gen = generation;
		return new Promise((resolve) => {
			const attemptOnce = async (attempt) => {
				const { url, maxAttempts, retryBaseMs } = state.options.webhook;
				if (!url || gen !== generation) return resolve(null);
				const t = nowSec();
				const header = `t=${t},s=${sign(secretFor(evt.clientKey), t, evt.body)}`;
				const record = await post(url, evt.body, header, { eventId: evt.eventId, event: evt.event, publishId: evt.publishId, kind, attempt, t });
				evt.attempts += 1;
				if (record.status === 200 || attempt >= maxAttempts || gen !== generation) return resolve(record);
				schedule(state, retryBaseMs * 2 ** (attempt - 1), () => void attemptOnce(attempt + 1));
			};
			void attemptOnce(1);
		});
	}

	/** A single forged request (never retried): wrong key, or the right key with an old timestamp. */
	function deliverForged(evt, kind, ageSec) {
		const { url } = state.options.webhook;
		const t = nowSec() - (kind === 'stale_timestamp' ? ageSec : 0);
		const key = kind === 'bad_signature' ? WRONG_KEY : secretFor(evt.clientKey);
		return post(url, evt.body, `t=${t},s=${sign(key, t, evt.body)}`, { eventId: evt.eventId, event: evt.event, publishId: evt.publishId, kind, attempt: 1, t });
	}

	/**
	 * Sends one event with the faults asked for (or taken from options.faults). Resolves when every
	 * request of it is finished (retries included) with the event record.
	 */
	async function dispatch({ clientKey, openId, event, content, publishId = null, createTime = nowSec() }, faults = {}) {
		const evt = {
			eventId: `evt_${++seq}`,
			event,
			publishId,
			clientKey,
			createTime,
			body: eventBodyText({ clientKey, event, createTime, openId, content }),
			status: 'pending',
			attempts: 0,
			at: new Date().toISOString(),
		};
		events.push(evt);
		keepBounded(events);
		const gen = generation;
		pending += 1;
		try {
			if (faults.badSignature) await deliverForged(evt, 'bad_signature');
			if (faults.staleTimestamp) await deliverForged(evt, 'stale_timestamp', faults.staleTimestamp.ageSec || 600);
			if (faults.forgedOnly) {
				evt.status = 'forged_only';
				return evt;
			}
			const last = await deliverGenuine(evt, 'genuine');
			evt.status = last && last.status === 200 ? 'delivered' : 'gave_up';
			if (faults.duplicate && evt.status === 'delivered') await deliverGenuine(evt, 'duplicate');
		} finally {
			if (gen === generation) {
				pending -= 1;
				settleIdle();
			}
		}
		return evt;
	}

	/** publish.js announcements -> events (only when a URL is configured). */
	function onPublish({ record, status, failReason, postId }) {
		if (!state.options.webhook.url) return;
		const publishType = PUBLISH_TYPE[record.mode];
		let event;
		let content;
		let rawNumbers;
		if (postId) {
			event = 'post.publish.publicly_available';
			content = { publish_id: record.publishId, post_id: '', publish_type: publishType };
			rawNumbers = { post_id: postId };
		} else {
			event = EVENT_FOR_STATUS[status];
			if (!event) return;
			content = { publish_id: record.publishId };
			if (status === 'FAILED') content.reason = failReason;
			if (status !== 'SEND_TO_USER_INBOX') content.publish_type = publishType;
		}
		const staleFault = takeFault(state.options, 'webhookStaleTimestamp');
		void dispatch(
			{ clientKey: record.clientKey, openId: record.openId, event, publishId: record.publishId, content: contentJson(content, rawNumbers) },
			{
				badSignature: !!takeFault(state.options, 'webhookBadSignature'),
				staleTimestamp: staleFault ? { ageSec: typeof staleFault === 'object' ? staleFault.ageSec : undefined } : null,
				duplicate: !!takeFault(state.options, 'webhookDuplicate'),
			},
		);
	}
	state.events.on('publish', onPublish);

	/** Re-sends a previous request byte for byte (same body, same signature header): a replay. */
	async function replay(deliveryId) {
		const original = deliveries.find((d) => d.id === deliveryId);
		if (!original) throw new Error(`no delivery ${deliveryId}`);
		const url = state.options.webhook.url || original.url;
		return post(url, original.body, original.signatureHeader, {
			eventId: original.eventId,
			event: original.event,
			publishId: original.publishId,
			kind: 'replay',
			attempt: 1,
			t: original.t,
			replayOf: original.id,
		});
	}

	/** Delivers an earlier event again, signed anew (TikTok's retry of an event it already sent). */
	async function redeliver(eventId) {
		const evt = events.find((e) => e.eventId === eventId);
		if (!evt) throw new Error(`no event ${eventId}`);
		pending += 1;
		const gen = generation;
		try {
			return await deliverGenuine(evt, 'duplicate');
		} finally {
			if (gen === generation) {
				pending -= 1;
				settleIdle();
			}
		}
	}

	/** A custom event (any name and content), e.g. `authorization.removed` or an unknown one. */
	function send(input = {}) {
		const client = Object.keys(state.options.clients)[0];
		const content = typeof input.content === 'string' ? input.content : contentJson(input.content || {}, input.rawNumbers);
		const fault = input.fault || null;
		return dispatch(
			{
				clientKey: input.clientKey || client,
				openId: input.openId || state.options.account.openId,
				event: String(input.event || 'post.publish.complete'),
				publishId: input.publishId || null,
				createTime: input.createTime || nowSec(),
				content,
			},
			{
				badSignature: fault === 'bad_signature',
				staleTimestamp: fault === 'stale_timestamp' ? { ageSec: input.ageSec } : null,
				duplicate: fault === 'duplicate',
				// only the forged copy, no real delivery (what an attacker alone would send)
				forgedOnly: input.forgedOnly === true && (fault === 'bad_signature' || fault === 'stale_timestamp'),
			},
		);
	}

	function idle() {
		return pending === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
	}

	function snapshot() {
		return { pending, events: events.slice(), deliveries: deliveries.slice() };
	}

	function reset() {
		generation += 1;
		for (const req of inflight) req.destroy(new Error('sandbox reset'));
		inflight.clear();
		deliveries.length = 0;
		events.length = 0;
		pending = 0;
		settleIdle();
	}

	async function handleControl(req, res, url) {
		const readBody = async () => {
			const text = await readSmallBody(req);
			return text.trim() ? JSON.parse(text) : {};
		};
		const route = `${req.method} ${url.pathname}`;
		try {
			switch (route) {
				case 'GET /__sandbox/webhook/deliveries':
					if (url.searchParams.get('wait') === 'idle') await idle();
					return sendJson(res, 200, snapshot());
				case 'POST /__sandbox/webhook/send': {
					const body = await readBody();
					const evt = await send(body);
					return sendJson(res, 200, { event: evt, deliveries: deliveries.filter((d) => d.eventId === evt.eventId) });
				}
				case 'POST /__sandbox/webhook/replay': {
					const body = await readBody();
					return sendJson(res, 200, await replay(String(body.id || '')));
				}
				case 'POST /__sandbox/webhook/redeliver': {
					const body = await readBody();
					return sendJson(res, 200, await redeliver(String(body.eventId || '')));
				}
				default:
					return sendJson(res, 404, { error: `unknown control ${route}` });
			}
		} catch (err) {
			return sendJson(res, 400, { error: String(err && err.message) });
		}
	}

	return { deliveries, events, send, replay, redeliver, idle, snapshot, reset, handleControl, get pending() { return pending; } };
}

module.exports = { createWebhooks, eventBodyText, contentJson, sign };
