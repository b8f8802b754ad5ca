'use strict';
/**
 * /__sandbox/*: the same controls as the JS API, over HTTP, for tests that run n8n in another process.
 * Not written to the request log, so `countCalls` only sees TikTok traffic.
 */
const { sendJson, readSmallBody } = require('./http');

function publishesJson(sandbox) {
	return Object.fromEntries(sandbox.publishes);
}

async function handleControl(req, res, url, sandbox) {
	if (url.pathname.startsWith('/__sandbox/webhook/')) return sandbox.webhooks.handleControl(req, res, url);
	const route = `${req.method} ${url.pathname}`;
	const readBody = async () => {
		const text = await readSmallBody(req);
		return text.trim() ? JSON.parse(text) : {};
	};
	try {
		switch (route) {
			case 'GET /__sandbox/log':
				return sendJson(res, 200, sandbox.log);
			case 'GET /__sandbox/publishes':
				return sendJson(res, 200, publishesJson(sandbox));
			case 'POST /__sandbox/configure':
				sandbox.configure(await readBody());
				return sendJson(res, 200, { ok: true });
			case 'POST /__sandbox/expire-tokens':
				sandbox.expireAccessTokens();
				return sendJson(res, 200, { ok: true });
			case 'POST /__sandbox/mint-token':
				return sendJson(res, 200, sandbox.mintToken(await readBody()));
			case 'POST /__sandbox/reset':
				sandbox.reset();
				return sendJson(res, 200, { ok: true });
			default:
				return sendJson(res, 404, { error: `unknown control ${route}` });
		}
	} catch (err) {
		return sendJson(res, 400, { error: String(err && err.message) });
	}
}

module.exports = { handleControl };
