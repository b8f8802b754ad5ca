'use strict';
/**
 * Response shapes and the request log. The two TikTok envelopes:
 *  - v2 API:  {"data":{...},"error":{"code":"ok","message":"","log_id":"..."}} with a meaningful HTTP status;
 *  - OAuth:   flat {access_token,...} or {error,error_description,log_id}, errors with HTTP 200.
 */
const { newLogId } = require('./state');

// Query/body keys whose values must never reach the log.
const SECRET_KEYS = new Set(['client_secret', 'code', 'refresh_token', 'access_token', 'token', 'upload_token', 'code_verifier']);

function redact(params) {
	const out = {};
	for (const [key, value] of Object.entries(params)) out[key] = SECRET_KEYS.has(key) ? '[redacted]' : value;
	return out;
}

/** Starts a log entry now (log order = arrival order); status is filled when the response ends. */
function startLogEntry(state, req, url) {
	const entry = {
		at: new Date().toISOString(),
		method: req.method,
		path: url.pathname,
		query: redact(Object.fromEntries(url.searchParams)),
		status: null,
		errorCode: null,
	};
	state.log.push(entry);
	return entry;
}

function finishLogEntry(entry, res) {
	res.on('close', () => {
		if (entry.status === null) entry.status = res.headersSent ? res.statusCode : null;
		if (!res.writableFinished) entry.dropped = true;
	});
}

/** v2 envelope. `rawData` lets a caller hand-write the data JSON (64-bit post ids). */
function sendApi(ctx, status, data, code = 'ok', message = '', rawData) {
	const logId = newLogId();
	const dataJson = rawData !== undefined ? rawData : JSON.stringify(data ?? {});
	const body = `{"data":${dataJson},"error":${JSON.stringify({ code, message, log_id: logId })}}`;
	ctx.entry.status = status;
	ctx.entry.errorCode = code === 'ok' ? null : code;
	ctx.res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'X-Tt-Logid': logId });
	ctx.res.end(body);
}

const apiError = (ctx, status, code, message) => sendApi(ctx, status, {}, code, message);

/** OAuth flat shape. Errors use HTTP 200 like TikTok does (docs/tiktok-api.md G2); `status` is for the sandbox's 4xx mode. */
function sendOAuth(ctx, body, status = 200) {
	const logId = newLogId();
	ctx.entry.status = status;
	ctx.entry.errorCode = body.error || null;
	ctx.res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'X-Tt-Logid': logId });
	ctx.res.end(JSON.stringify(body.error ? { ...body, log_id: logId } : body));
}

function sendHtml(ctx, status, title, text) {
	ctx.entry.status = status;
	ctx.entry.errorCode = title;
	ctx.res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
	const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
	ctx.res.end(`<!doctype html><html><head><title>TikTok sandbox: ${esc(title)}</title></head><body><h1>Something went wrong</h1><p>${esc(title)}: ${esc(text)}</p></body></html>`);
}

function sendJson(res, status, value) {
	res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8' });
	res.end(JSON.stringify(value));
}

/** Reads a small request body (JSON or form). Bigger bodies are refused: TikTok's are tiny. */
function readSmallBody(req, limit = 1 << 20) {
	return new Promise((resolve, reject) => {
		const parts = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > limit) {
				reject(Object.assign(new Error('body too large'), { tooLarge: true }));
				req.destroy();
				return;
			}
			parts.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
		req.on('error', reject);
	});
}

const mediaType = (req) => String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();

module.exports = { SECRET_KEYS, redact, startLogEntry, finishLogEntry, sendApi, apiError, sendOAuth, sendHtml, sendJson, readSmallBody, mediaType };
