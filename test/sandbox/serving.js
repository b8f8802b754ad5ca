'use strict';
/**
 * How /media/ answers, for videos and images alike: one HTTP Range, and the serving modes a media
 * server shows in the field, so the node's fetch limits can be tested:
 *   headerDelayMs=N     the answer's headers are sent N ms late (a slow or dead server before any byte);
 *   stallAfterBytes=N   the headers and N bytes of the body are sent, then nothing more (the connection
 *                       stays open): a server that stalls mid-file. 0 = headers only.
 * A stalled answer is ended by the sandbox itself after STALL_CAP_MS, so nothing hangs for ever.
 */

/** A stalled connection is closed after this long even when the client never gives up. */
const STALL_CAP_MS = 10 * 60 * 1000;
const MAX_DELAY_MS = 10 * 60 * 1000;

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range). Returns {start, end}, 'unsatisfiable', or null (ignore). */
function parseRange(header, total) {
	const match = /^bytes=(\d*)-(\d*)$/.exec(String(header || '').trim());
	if (!match || (match[1] === '' && match[2] === '')) return null;
	let start;
	let end;
	if (match[1] === '') {
		const suffix = Number(match[2]);
		if (suffix === 0) return 'unsatisfiable';
		start = Math.max(0, total - suffix);
		end = total - 1;
	} else {
		start = Number(match[1]);
		end = match[2] === '' ? total - 1 : Math.min(Number(match[2]), total - 1);
		if (match[2] !== '' && Number(match[2]) < start) return null;
	}
	if (start >= total) return 'unsatisfiable';
	return { start, end };
}

/** The serving modes of a /media/ URL's query: { headerDelayMs, stallAfterBytes (null = off) }. */
function servingModes(searchParams) {
	const number = (name) => (searchParams.has(name) ? Number(searchParams.get(name)) : NaN);
	const delay = number('headerDelayMs');
	const stall = number('stallAfterBytes');
	return {
		headerDelayMs: Number.isFinite(delay) && delay > 0 ? Math.min(delay, MAX_DELAY_MS) : 0,
		stallAfterBytes: Number.isInteger(stall) && stall >= 0 ? stall : null,
	};
}

/** Calls `send` after the header delay, unless the client has gone by then. */
function afterHeaderDelay(req, res, modes, send) {
	if (!modes.headerDelayMs) return void send();
	const timer = setTimeout(() => {
		if (!res.destroyed) send();
	}, modes.headerDelayMs);
	timer.unref();
	res.on('close', () => clearTimeout(timer));
}

/**
 * Writes the pieces (an iterator of Buffers) to `res` with back-pressure. With `stallAfterBytes`, stops
 * after that many bytes and leaves the connection open (closed by the client, or after STALL_CAP_MS).
 * `onEnd` runs instead of `res.end()` when given (a whole-file stall of the image route).
 */
function pumpBody(res, pieces, { stallAfterBytes = null, onEnd } = {}) {
	let sent = 0;
	let capTimer = null;
	res.on('close', () => {
		if (capTimer) clearTimeout(capTimer);
		pieces.return?.();
	});
	const stall = () => {
		res.flushHeaders(); // headers only (stallAfterBytes=0): they still go out
		capTimer = setTimeout(() => res.destroy(), STALL_CAP_MS);
		capTimer.unref();
	};
	const pump = () => {
		for (;;) {
			if (stallAfterBytes !== null && sent >= stallAfterBytes) return stall();
			const next = pieces.next();
			if (next.done) return onEnd ? onEnd() : void res.end();
			let piece = next.value;
			if (stallAfterBytes !== null && sent + piece.length > stallAfterBytes) piece = piece.subarray(0, stallAfterBytes - sent);
			sent += piece.length;
			if (!res.write(piece)) return void res.once('drain', pump);
		}
	};
	pump();
}

module.exports = { STALL_CAP_MS, parseRange, servingModes, afterHeaderDelay, pumpBody };
