'use strict';
/**
 * Login Kit v2: authorize (auto-consent), token (code exchange and rotating refresh), revoke.
 * TikTok's quirks modelled on purpose: `client_key` (never `client_id`), errors as HTTP 200 with a flat
 * body, the code must be sent URL-decoded exactly once, refresh tokens rotate.
 */
const crypto = require('crypto');
const { randomToken } = require('./state');
const { sendOAuth, sendHtml, readSmallBody, mediaType } = require('./http');

const KNOWN_SCOPES = new Set(['user.info.basic', 'user.info.profile', 'user.info.stats', 'video.list', 'video.publish', 'video.upload']);
const ALL_POSTING_SCOPES = ['user.info.basic', 'user.info.profile', 'video.publish', 'video.upload'];
const CODE_TTL_MS = 10 * 60 * 1000;

const parseScopes = (value) => (Array.isArray(value) ? value : String(value || '').split(',')).map((s) => String(s).trim()).filter(Boolean);

/** Real codes hold characters that need escaping (`*`, `!`), which is what makes double-encoding fail. */
const newCode = () => `${crypto.randomBytes(18).toString('base64url')}*0!${crypto.randomInt(1000, 9999)}.va`;

/** Issues an access + refresh token pair; shared by the token endpoint and `mintToken`. */
function issueTokens(state, { clientKey, openId, scopes }) {
	const { accessTokenTtlSec, refreshTokenTtlSec } = state.options;
	const now = Date.now();
	const accessToken = randomToken('act.');
	const refreshToken = randomToken('rft.');
	const scopeSet = new Set(scopes);
	state.accessTokens.set(accessToken, { clientKey, openId, scopes: scopeSet, expiresAt: now + accessTokenTtlSec * 1000 });
	state.refreshTokens.set(refreshToken, { clientKey, openId, scopes: scopeSet, expiresAt: now + refreshTokenTtlSec * 1000 });
	return {
		access_token: accessToken,
		expires_in: accessTokenTtlSec,
		open_id: openId,
		refresh_token: refreshToken,
		refresh_expires_in: refreshTokenTtlSec,
		scope: [...scopeSet].join(','),
		token_type: 'Bearer',
	};
}

function mintToken(state, { clientKey, scopes, openId } = {}) {
	return issueTokens(state, {
		clientKey: clientKey || Object.keys(state.options.clients)[0],
		openId: openId || state.options.account.openId,
		scopes: scopes ? parseScopes(scopes) : ALL_POSTING_SCOPES,
	});
}

/** GET /v2/auth/authorize/: problems before consent are an HTML page (TikTok cannot redirect yet). */
function authorize(ctx, state) {
	const q = ctx.url.searchParams;
	const clientKey = q.get('client_key');
	if (!clientKey) return sendHtml(ctx, 400, 'invalid_client', 'client_key is missing (TikTok does not accept client_id).');
	const client = state.options.clients[clientKey];
	if (!client) return sendHtml(ctx, 400, 'invalid_client', 'Unknown client_key.');
	const redirectUri = q.get('redirect_uri');
	if (!redirectUri) return sendHtml(ctx, 400, 'invalid_request', 'redirect_uri is missing.');
	if (client.redirectUris && client.redirectUris.length && !client.redirectUris.includes(redirectUri)) {
		return sendHtml(ctx, 400, 'invalid_request', 'redirect_uri does not match a registered redirect URI.');
	}
	let target;
	try {
		target = new URL(redirectUri);
	} catch {
		return sendHtml(ctx, 400, 'invalid_request', 'redirect_uri is not an absolute URL.');
	}
	if (q.get('response_type') !== 'code') return sendHtml(ctx, 400, 'unsupported_response_type', 'response_type must be code.');
	const scopes = parseScopes(q.get('scope'));
	if (!scopes.length || scopes.some((s) => !KNOWN_SCOPES.has(s))) return sendHtml(ctx, 400, 'invalid_scope', 'scope is missing or holds an unknown scope.');
	// An app only gets the scopes of the products it has (e.g. no video.publish without Direct Post).
	const notEnabled = Array.isArray(client.scopes) ? scopes.filter((s) => !client.scopes.includes(s)) : [];
	if (notEnabled.length) return sendHtml(ctx, 400, 'invalid_scope', `This app is not approved for the scope ${notEnabled.join(',')}.`);
	const challenge = q.get('code_challenge');
	if (challenge && q.get('code_challenge_method') !== 'S256') return sendHtml(ctx, 400, 'invalid_request', 'code_challenge_method must be S256.');

	const code = newCode();
	state.codes.set(code, {
		clientKey,
		redirectUri,
		scopes,
		openId: state.options.account.openId,
		expiresAt: Date.now() + CODE_TTL_MS,
		used: false,
		codeChallenge: challenge || null,
	});
	target.searchParams.set('code', code);
	target.searchParams.set('scopes', scopes.join(','));
	if (q.has('state')) target.searchParams.set('state', q.get('state'));
	ctx.entry.status = 302;
	ctx.res.writeHead(302, { Location: target.toString(), 'Cache-Control': 'no-store' });
	ctx.res.end();
}

/** TikTok's desktop PKCE uses hex SHA-256; RFC 7636 base64url is accepted too (web behaviour is contested). */
function verifierMatches(verifier, challenge) {
	if (!verifier || !/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
	const digest = crypto.createHash('sha256').update(verifier).digest();
	return challenge === digest.toString('hex') || challenge === digest.toString('base64url');
}

/**
 * Client authentication: client_secret from the body; client_key from the body or the query string
 * (default), or from the body only with `tokenClientKeyFrom: 'body'` (TikTok's documented reading, which
 * n8n's refresh, sending client_key only in the URL, cannot satisfy).
 */
function authenticateClient(state, form, query) {
	const queryAllowed = state.options.tokenClientKeyFrom !== 'body';
	const clientKey = form.get('client_key') || (queryAllowed ? query.get('client_key') : null);
	if (!clientKey) {
		let why = 'client_key is required.';
		if (!queryAllowed && query.has('client_key')) why = 'client_key is required in the request body.';
		else if (form.has('client_id') || query.has('client_id')) why = 'client_key is required; client_id is not accepted.';
		return { error: { error: 'invalid_request', error_description: why } };
	}
	const client = state.options.clients[clientKey];
	const secret = form.get('client_secret');
	if (!client) return { error: { error: 'invalid_client', error_description: 'Client key is invalid.' } };
	if (!secret || secret !== client.secret) return { error: { error: 'invalid_client', error_description: 'Client secret is invalid.' } };
	return { clientKey };
}

async function readForm(ctx) {
	if (ctx.req.method !== 'POST') return { error: { error: 'invalid_request', error_description: 'Use POST.' } };
	if (mediaType(ctx.req) !== 'application/x-www-form-urlencoded') {
		await readSmallBody(ctx.req).catch(() => '');
		return { error: { error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded.' } };
	}
	const form = new URLSearchParams(await readSmallBody(ctx.req));
	ctx.entry.body = Object.fromEntries([...form.keys()].map((k) => [k, ['client_secret', 'code', 'refresh_token', 'token', 'code_verifier'].includes(k) ? '[redacted]' : form.get(k)]));
	return { form };
}

/**
 * RFC 6749 §5.2's status for an OAuth error (401 for client authentication, else 400). Used for refused
 * refresh grants when `refreshErrorStatus: '4xx'`; TikTok itself answers its token errors with HTTP 200.
 */
const rfcStatus = (error) => (error === 'invalid_client' ? 401 : 400);

/** POST /v2/oauth/token/ */
async function token(ctx, state) {
	const { form, error } = await readForm(ctx);
	if (error) return sendOAuth(ctx, error);
	const grantType = form.get('grant_type');
	if (grantType === 'refresh_token') {
		const statusOf = (body) => (body.error && state.options.refreshErrorStatus === '4xx' ? rfcStatus(body.error) : 200);
		return await refreshGrant(ctx, state, form, (body) => sendOAuth(ctx, body, statusOf(body)));
	}
	const client = authenticateClient(state, form, ctx.url.searchParams);
	if (client.error) return sendOAuth(ctx, client.error);

	if (grantType === 'authorization_code') {
		const code = form.get('code');
		if (!code) return sendOAuth(ctx, { error: 'invalid_request', error_description: 'code is required.' });
		const record = state.codes.get(code);
		if (!record || record.clientKey !== client.clientKey) return sendOAuth(ctx, { error: 'invalid_grant', error_description: 'Authorization code is invalid.' });
		if (record.used) return sendOAuth(ctx, { error: 'invalid_grant', error_description: 'Authorization code has been used.' });
		if (Date.now() > record.expiresAt) return sendOAuth(ctx, { error: 'invalid_grant', error_description: 'Authorization code is expired.' });
		if (form.get('redirect_uri') !== record.redirectUri) return sendOAuth(ctx, { error: 'invalid_grant', error_description: 'redirect_uri does not match the authorization request.' });
		if (record.codeChallenge && !verifierMatches(form.get('code_verifier'), record.codeChallenge)) {
			return sendOAuth(ctx, { error: 'invalid_request', error_description: 'Code verifier or code challenge is invalid.' });
		}
		record.used = true;
		return sendOAuth(ctx, issueTokens(state, record));
	}

	return sendOAuth(ctx, { error: 'unsupported_grant_type', error_description: 'grant_type must be authorization_code or refresh_token.' });
}

/** grant_type=refresh_token: `send` answers (HTTP 200 for everything, or 4xx for refusals). */
async function refreshGrant(ctx, state, form, send) {
	const client = authenticateClient(state, form, ctx.url.searchParams);
	if (client.error) return send(client.error);
	const refreshToken = form.get('refresh_token');
	if (!refreshToken) return send({ error: 'invalid_request', error_description: 'refresh_token is required.' });
	const delayMs = state.options.refreshDelayMs;
	if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
	const record = state.refreshTokens.get(refreshToken);
	if (!record || record.clientKey !== client.clientKey || Date.now() > record.expiresAt) {
		return send({ error: 'invalid_grant', error_description: 'Refresh token is invalid or expired.' });
	}
	// Rotation: the old refresh token stops working the moment a new one is issued.
	state.refreshTokens.delete(refreshToken);
	return send(issueTokens(state, { clientKey: record.clientKey, openId: record.openId, scopes: [...record.scopes] }));
}

/** POST /v2/oauth/revoke/: ends the user's authorization of this client (all its tokens). Success is `{}`. */
async function revoke(ctx, state) {
	const { form, error } = await readForm(ctx);
	if (error) return sendOAuth(ctx, error);
	const client = authenticateClient(state, form, ctx.url.searchParams);
	if (client.error) return sendOAuth(ctx, client.error);
	const accessToken = form.get('token');
	if (!accessToken) return sendOAuth(ctx, { error: 'invalid_request', error_description: 'token is required.' });
	const record = state.accessTokens.get(accessToken);
	if (record && record.clientKey === client.clientKey) {
		for (const map of [state.accessTokens, state.refreshTokens]) {
			for (const [key, value] of map) if (value.clientKey === record.clientKey && value.openId === record.openId) map.delete(key);
		}
	}
	return sendOAuth(ctx, {});
}

module.exports = { authorize, token, revoke, mintToken, issueTokens, parseScopes, ALL_POSTING_SCOPES };
