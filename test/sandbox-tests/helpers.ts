/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/* eslint-disable @typescript-eslint/no-explicit-any -- untyped JSON answers of the TikTok sandbox */
/** Small clients for talking to the sandbox the way the node (and TikTok's docs) do. */
import * as http from 'http';
import * as crypto from 'crypto';
import type { Sandbox } from '../sandbox';

export const CLIENT_KEY = 'sandbox-client-key';
export const CLIENT_SECRET = 'sandbox-client-secret';
export const REDIRECT_URI = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';

export const sha256 = (buf: Buffer) => crypto.createHash('sha256').update(buf).digest('hex');
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ApiAnswer {
	status: number;
	text: string;
	json: any;
	code: string;
}

export async function api(sandbox: Sandbox, accessToken: string | null, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
	const h: Record<string, string> = { ...(method === 'POST' ? { 'Content-Type': 'application/json; charset=UTF-8' } : {}), ...headers };
	if (accessToken) h.Authorization = `Bearer ${accessToken}`;
	const res = await fetch(sandbox.apiBaseUrl + path, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
	const text = await res.text();
	const json = JSON.parse(text);
	return { status: res.status, text, json, code: json.error?.code };
}

/** Runs the browser leg of the OAuth flow (auto-consent) and returns the callback's query. */
export async function authorize(sandbox: Sandbox, params: Record<string, string> = {}) {
	const query = new URLSearchParams({ client_key: CLIENT_KEY, scope: 'user.info.basic,video.publish,video.upload', redirect_uri: REDIRECT_URI, state: 'csrf-1', response_type: 'code', ...params });
	const res = await fetch(`${sandbox.authorizeUrl}?${query}`, { redirect: 'manual' });
	const location = res.headers.get('location');
	return { status: res.status, location, callback: location ? new URL(location).searchParams : null, text: await res.text() };
}

export async function tokenRequest(sandbox: Sandbox, form: Record<string, string>, query = '') {
	const res = await fetch(sandbox.tokenUrl + query, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Cache-Control': 'no-cache' },
		body: new URLSearchParams(form),
	});
	return { status: res.status, json: (await res.json()) as any };
}

export function fileUploadInit(videoSize: number, chunkSize: number, count: number, postInfo: Record<string, unknown> = { privacy_level: 'SELF_ONLY' }) {
	return { post_info: postInfo, source_info: { source: 'FILE_UPLOAD', video_size: videoSize, chunk_size: chunkSize, total_chunk_count: count } };
}

export interface PutAnswer {
	status: number | null;
	contentRange: string | null;
	error?: string;
}

/** One chunk PUT over raw http so tests can send headers fetch would refuse (wrong lengths, no length). */
export function rawPut(url: string, headers: Record<string, string | number | undefined>, body: Buffer): Promise<PutAnswer> {
	return new Promise((resolve) => {
		const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as http.OutgoingHttpHeaders;
		const req = http.request(url, { method: 'PUT', headers: clean, agent: false }, (res) => {
			res.resume();
			res.on('end', () => resolve({ status: res.statusCode ?? null, contentRange: (res.headers['content-range'] as string) ?? null }));
		});
		req.on('error', (err) => resolve({ status: null, contentRange: null, error: err.message }));
		req.end(body);
	});
}

/** A correct chunk PUT for bytes [start, end] of `video`. */
export function putChunk(url: string, video: Buffer, start: number, end: number, extra: Record<string, string | number | undefined> = {}) {
	return rawPut(url, { 'Content-Type': 'video/mp4', 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${video.length}`, ...extra }, video.subarray(start, end + 1));
}

/** Uploads all chunks of a plan in order; returns each answer. */
export async function uploadAll(url: string, video: Buffer, chunkSize: number, count: number) {
	const answers: PutAnswer[] = [];
	for (let i = 0; i < count; i++) {
		const start = i * chunkSize;
		const end = i === count - 1 ? video.length - 1 : start + chunkSize - 1;
		answers.push(await putChunk(url, video, start, end));
	}
	return answers;
}

export async function fetchStatus(sandbox: Sandbox, token: string, publishId: string) {
	return api(sandbox, token, 'POST', '/post/publish/status/fetch/', { publish_id: publishId });
}

/**
 * Polls status/fetch until the status is not a PROCESSING_* one. No deadline of its own: jest's test
 * timeout bounds it (a 5 s deadline here returned PROCESSING_DOWNLOAD for a 20 MB pull on a loaded machine).
 */
export async function waitForFinal(sandbox: Sandbox, token: string, publishId: string) {
	for (;;) {
		const answer = await fetchStatus(sandbox, token, publishId);
		if (!String(answer.json.data?.status).startsWith('PROCESSING_')) return answer;
		await sleep(40);
	}
}
