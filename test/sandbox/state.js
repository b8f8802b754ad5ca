'use strict';
/**
 * Options, live state and id generation. Everything a request handler can read or change lives here,
 * so the handlers stay free of globals and two sandboxes in one process never share anything.
 */
const crypto = require('crypto');
const { EventEmitter } = require('events');
const fs = require('fs');
const os = require('os');
const path = require('path');

function defaultOptions() {
	return {
		port: 0,
		host: '127.0.0.1',
		publicHost: null,
		clients: { 'sandbox-client-key': { secret: 'sandbox-client-secret', audited: true, redirectUris: [] } },
		// Where the token endpoint reads client_key: 'body-or-query', or 'body' (TikTok's docs; see README).
		tokenClientKeyFrom: 'body-or-query',
		// How a refused refresh grant is answered: 200 (TikTok's way: HTTP 200 with the error body) or
		// '4xx' (RFC 6749 §5.2: 400, or 401 for invalid_client), to show what n8n does with such an answer.
		refreshErrorStatus: 200,
		accessTokenTtlSec: 7200,
		refreshTokenTtlSec: 15552000,
		// A slow token endpoint: refresh_token grants are answered after this delay (the rotation happens
		// then). Widens the time in which other processes still hold the expired access token.
		refreshDelayMs: 0,
		account: {
			openId: 'open-id-sandbox-0001',
			unionId: 'union-id-sandbox-0001',
			displayName: 'Sandbox Shop',
			username: 'sandbox.shop',
			avatarUrl: 'https://p16-sign.tiktokcdn.com/sandbox-avatar.jpeg',
			bioDescription: 'Sandbox account for tests',
			isVerified: false,
			private: false,
		},
		creator: { commentDisabled: false, duetDisabled: false, stitchDisabled: false, maxVideoPostDurationSec: 600 },
		verifiedUrlPrefixes: [],
		// CLI default: also verify `<baseUrl>/media/`, known only once the port is bound.
		verifyOwnMedia: false,
		rateLimits: { windowMs: 60000, init: 6, creatorInfo: 20, status: 30 },
		uploadUrlTtlMs: 3600000,
		processingMs: 300,
		// Moderation: a public post's id appears this long after PUBLISH_COMPLETE (never for other privacy levels).
		postIdDelayMs: 5000,
		// Keep assembled uploads/pulls on disk (path in publishes[...].filePath) instead of deleting them.
		keepFiles: false,
		// TikTok webhook deliveries (webhooks.js): none until `url` is set. `clientSecret` null = the
		// publishing client's own secret. Retries on non-200: retryBaseMs * 2^(attempt-1) apart.
		webhook: { url: null, clientSecret: null, maxAttempts: 5, retryBaseMs: 200, timeoutMs: 5000 },
		faults: {
			cannotPost: null,
			chunkStatus: null,
			dropConnection: null,
			dropAfterAccept: null,
			// { index: 1, ms: 30000, times: 1 }: chunk `index`'s body is not read for `ms` (a stalled upload host)
			holdChunk: null,
			stuckProcessing: false,
			failReason: null,
			initError: null,
			statusError: null,
			pullFails: false,
			rejectMultiChunk: null,
			// webhooks.js: a forged copy before the real delivery, a stale-signed copy before it, a second real delivery after it
			webhookBadSignature: null,
			webhookStaleTimestamp: null,
			webhookDuplicate: null,
			// photos sent as drafts (MEDIA_UPLOAD): the user's TikTok app is older than 31.8
			appVersionTooOld: false,
			// { limit: 5 }: inbox shares beyond `limit` pending drafts answer spam_risk_too_many_pending_share
			pendingShares: null,
		},
	};
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Objects merge key by key; arrays, null and scalars replace (so `faults.x = null` clears a fault). */
function deepMerge(target, patch) {
	if (!isPlainObject(patch)) return target;
	for (const [key, value] of Object.entries(patch)) {
		if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
		if (isPlainObject(value) && isPlainObject(target[key])) deepMerge(target[key], value);
		else target[key] = isPlainObject(value) || Array.isArray(value) ? structuredClone(value) : value;
	}
	return target;
}

/** TikTok log ids look like `202311220354120A1B2C3D4E5F6A7B8C9D`: a timestamp then hex. */
function newLogId() {
	const d = new Date();
	const p = (n, w = 2) => String(n).padStart(w, '0');
	const stamp = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
	return stamp + crypto.randomBytes(10).toString('hex').toUpperCase();
}

const randomToken = (prefix, bytes = 24) => `${prefix}${crypto.randomBytes(bytes).toString('hex')}`;

/** 19-digit ids above 2^53, kept as strings: they lose precision as JS numbers. */
let idCounter = 7308523530180699592n + BigInt(Math.floor(Math.random() * 1e9)) * 1000n;
const nextBigId = () => String(++idCounter);

/** Pops one occurrence of a fault. `times` counts down and the fault switches itself off at 0. */
function takeFault(options, name, matches = () => true) {
	const fault = options.faults[name];
	if (!fault) return null;
	if (typeof fault === 'object' && !matches(fault)) return null;
	if (typeof fault === 'object' && fault.times !== undefined && fault.times !== null) {
		if (fault.times <= 0) return null;
		fault.times -= 1;
		if (fault.times <= 0) options.faults[name] = null;
	}
	return fault;
}

function createState(userOptions) {
	const options = deepMerge(defaultOptions(), userOptions || {});
	return {
		options,
		log: [],
		publishes: new Map(),
		// Secrets live only in these maps, never in `log` or `publishes`.
		codes: new Map(), // code -> { clientKey, redirectUri, scopes, openId, expiresAt, used, codeChallenge }
		accessTokens: new Map(), // token -> { clientKey, openId, scopes:Set, expiresAt, refreshToken }
		refreshTokens: new Map(), // token -> { clientKey, openId, scopes:Set, expiresAt }
		uploads: new Map(), // upload token -> upload state (see upload.js)
		pulls: new Map(), // publish id -> { abort }
		rateWindows: new Map(), // `${bucket}:${token}` -> [timestamps]
		timers: new Set(),
		// 'publish' ({ record, status, failReason?, postId? }) on every final status and post id
		events: new EventEmitter(),
		tempFiles: new Set(), // deleted on reset/close, so aborted transfers leave nothing behind
		baseUrl: '',
	};
}

/** setTimeout that close()/reset() can cancel and that never keeps the process alive. */
function schedule(state, ms, fn) {
	const timer = setTimeout(() => {
		state.timers.delete(timer);
		fn();
	}, ms);
	timer.unref();
	state.timers.add(timer);
	return timer;
}

/** A fresh temp file path for an upload or a pull, tracked for cleanup. */
function tempFile(state, kind) {
	const file = path.join(os.tmpdir(), `tiktok-sandbox-${kind}-${process.pid}-${crypto.randomBytes(6).toString('hex')}.bin`);
	state.tempFiles.add(file);
	return file;
}

/** Deletes a transfer's file; with `keep` (options.keepFiles after success) it is only untracked. */
function releaseFile(state, file, keep = false) {
	if (!file) return;
	state.tempFiles.delete(file);
	if (!keep) fs.rm(file, { force: true }, () => {});
}

function removeAllFiles(state) {
	for (const file of state.tempFiles) fs.rmSync(file, { force: true });
	state.tempFiles.clear();
}

module.exports = { tempFile, releaseFile, removeAllFiles, defaultOptions, deepMerge, createState, newLogId, randomToken, nextBigId, takeFault, schedule };
