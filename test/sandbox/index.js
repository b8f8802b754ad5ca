'use strict';
/**
 * TikTok sandbox: a strict stand-in for TikTok's Login Kit, user/info and Content Posting API on
 * 127.0.0.1, for tests, the demo and benchmarks. Contract: docs/ARCHITECTURE.md, section "Sandbox".
 *
 *   const { startSandbox } = require('../sandbox');
 *   const sandbox = await startSandbox({ rateLimits: { windowMs: 300 } });
 *   ... sandbox.baseUrl, sandbox.mintToken(), sandbox.log, sandbox.publishes ...
 *   await sandbox.close();
 */
const http = require('http');
const { createState, deepMerge, removeAllFiles } = require('./state');
const { startLogEntry, finishLogEntry, apiError } = require('./http');
const oauth = require('./oauth');
const { handleApi } = require('./api');
const { handleChunkPut } = require('./upload');
const { handleControl } = require('./control');
const { createWebhooks } = require('./webhooks');
const { givePostId, getsPostId } = require('./publish');
const media = require('./media');
const images = require('./images');

function route(state, sandbox) {
	return (req, res) => {
		const url = new URL(req.url, 'http://sandbox.invalid');
		if (url.pathname.startsWith('/__sandbox/')) return void handleControl(req, res, url, sandbox);
		const ctx = { req, res, url, entry: startLogEntry(state, req, url) };
		finishLogEntry(ctx.entry, res);
		const handle = () => {
			const { pathname } = url;
			if (pathname === '/v2/auth/authorize/' && req.method === 'GET') return oauth.authorize(ctx, state);
			if (pathname === '/v2/oauth/token/') return oauth.token(ctx, state);
			if (pathname === '/v2/oauth/revoke/') return oauth.revoke(ctx, state);
			if (pathname.startsWith('/v2/')) return handleApi(ctx, state);
			if (pathname === '/upload/video/' && req.method === 'PUT') return handleChunkPut(ctx, state);
			if (pathname.startsWith('/media/') && (req.method === 'GET' || req.method === 'HEAD')) {
				// What a media server was asked for: the node reads photo heads with a ranged GET.
				ctx.entry.range = req.headers.range ?? null;
				ctx.entry.acceptEncoding = req.headers['accept-encoding'] ?? null;
				if (images.IMAGE_PATH.test(pathname)) return images.serveImage(req, res, url);
				return media.serveMedia(req, res, url);
			}
			ctx.entry.status = 404;
			res.writeHead(404, { 'Content-Type': 'text/plain' });
			res.end('not found');
		};
		Promise.resolve()
			.then(handle)
			.catch((err) => {
				// A sandbox bug must be loud in tests but never leak request data.
				process.stderr.write(`[tiktok-sandbox] handler error on ${req.method} ${url.pathname}: ${err && err.stack}\n`);
				if (!res.headersSent) apiError(ctx, 500, 'internal_error', 'Sandbox internal error');
			});
	};
}

async function startSandbox(options = {}) {
	const state = createState(options);
	const server = http.createServer();
	// Large chunk uploads on slow machines must not hit Node's default request timeout.
	server.requestTimeout = 0;
	server.headersTimeout = 60_000;

	const webhooks = createWebhooks(state);
	const sandbox = {
		options: state.options,
		log: state.log,
		publishes: state.publishes,
		webhooks,
		baseUrl: '',
		apiBaseUrl: '',
		authorizeUrl: '',
		tokenUrl: '',
		revokeUrl: '',
		mediaBaseUrl: '',
		server,
		configure(partial) {
			deepMerge(state.options, partial || {});
			return sandbox;
		},
		mintToken(params) {
			return oauth.mintToken(state, params || {});
		},
		expireAccessTokens() {
			for (const record of state.accessTokens.values()) record.expiresAt = 0;
		},
		expireUploadUrls() {
			for (const upload of state.uploads.values()) upload.expiresAt = 0;
		},
		passModeration(publishId) {
			const record = state.publishes.get(publishId);
			if (!record || record.status !== 'PUBLISH_COMPLETE' || !getsPostId(record)) {
				throw new Error(`${publishId} is not a published public post: only those pass moderation`);
			}
			return givePostId(record);
		},
		countCalls(pathSuffix) {
			return state.log.filter((entry) => entry.path.endsWith(pathSuffix)).length;
		},
		reset() {
			// Arrays and maps are cleared in place: callers may hold references to them.
			state.log.length = 0;
			state.uploads.clear();
			for (const controller of state.pulls.values()) controller.abort();
			state.pulls.clear();
			state.publishes.clear();
			state.rateWindows.clear();
			for (const timer of state.timers) clearTimeout(timer);
			state.timers.clear();
			webhooks.reset();
			removeAllFiles(state);
			return sandbox;
		},
		async close() {
			sandbox.reset();
			await new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
	server.on('request', route(state, sandbox));

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(state.options.port, state.options.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address();
	// `publicHost`: the name the sandbox gives itself in its URLs (upload_url, mediaBaseUrl…), e.g.
	// 'localhost' when n8n's SSRF protection allows that name only; it still listens on `host`.
	state.baseUrl = `http://${state.options.publicHost || '127.0.0.1'}:${port}`;
	Object.assign(sandbox, {
		port,
		baseUrl: state.baseUrl,
		apiBaseUrl: `${state.baseUrl}/v2`,
		authorizeUrl: `${state.baseUrl}/v2/auth/authorize/`,
		tokenUrl: `${state.baseUrl}/v2/oauth/token/`,
		revokeUrl: `${state.baseUrl}/v2/oauth/revoke/`,
		mediaBaseUrl: `${state.baseUrl}/media/`,
	});
	return sandbox;
}

module.exports = {
	startSandbox,
	makeMp4: media.makeMp4,
	writeMp4File: media.writeMp4File,
	mp4Chunks: media.mp4Chunks,
	mp4Range: media.mp4Range,
	readVideoInfo: media.readVideoInfo,
	readVideoInfoFromFile: media.readVideoInfoFromFile,
	makeImage: images.makeImage,
	inspectImage: images.inspectImage,
	defaultOptions: require('./state').defaultOptions,
};
