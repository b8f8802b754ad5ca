/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { planChunks } from '../../nodes/TikTok/core/video/chunkPlan';
import { openDownloadSource } from '../../nodes/TikTok/core/media/download';
import { bytesStartingWith, collect, makeCtx, MP4_HEAD, PNG_HEAD, sha, WEBM_HEAD } from './sourceFixtures';

interface Route {
	status?: number;
	headers?: Record<string, string>;
	body?: Buffer;
	chunked?: boolean;
}

describe('openDownloadSource', () => {
	let server: http.Server;
	let base: string;
	const routes = new Map<string, Route>();
	const seenHeaders: http.IncomingHttpHeaders[] = [];

	beforeAll(async () => {
		server = http.createServer((req, res) => {
			seenHeaders.push(req.headers);
			const route = routes.get(req.url!.split('?')[0]);
			if (!route) {
				res.writeHead(404);
				res.end('nope');
				return;
			}
			const headers: Record<string, string> = { ...(route.headers ?? {}) };
			if (route.body && !route.chunked) headers['content-length'] = String(route.body.length);
			res.writeHead(route.status ?? 200, headers);
			if (route.chunked && route.body) {
				res.write(route.body.subarray(0, 10));
				res.end(route.body.subarray(10));
			} else {
				res.end(route.body);
			}
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		server.closeAllConnections();
		await new Promise<void>((r) => server.close(() => r()));
	});

	const sandbox = { allowPrivateNetworks: true };

	it('streams a download with Content-Length through n8n-core httpRequest', async () => {
		const video = bytesStartingWith(MP4_HEAD, 7_000_000);
		routes.set('/v/clip.mp4', { body: video, headers: { 'content-type': 'application/octet-stream' } });
		const source = await openDownloadSource(makeCtx(), `${base}/v/clip.mp4?sig=1`, sandbox);
		expect(source).toMatchObject({ size: 7_000_000, contentType: 'video/mp4', fileName: 'clip.mp4', origin: 'download' });
		const { data } = await collect(source, planChunks(source.size));
		expect(sha(data)).toBe(sha(video));
		expect(seenHeaders[seenHeaders.length - 1]['accept-encoding']).toBe('identity');
	});

	it('takes the content type from the response', async () => {
		routes.set('/v/noext', { body: bytesStartingWith(WEBM_HEAD, 2000), headers: { 'content-type': 'video/webm' } });
		const source = await openDownloadSource(makeCtx(), `${base}/v/noext`, sandbox);
		expect(source.contentType).toBe('video/webm');
		source.close();
	});

	it('follows redirects, checking each hop', async () => {
		const video = bytesStartingWith(MP4_HEAD, 3000);
		routes.set('/r1', { status: 302, headers: { location: '/r2' } });
		routes.set('/r2', { status: 301, headers: { location: `${base}/final.mp4` } });
		routes.set('/final.mp4', { body: video, headers: { 'content-type': 'video/mp4' } });
		const source = await openDownloadSource(makeCtx(), `${base}/r1`, sandbox);
		expect(source.fileName).toBe('final.mp4');
		const { data } = await collect(source, planChunks(source.size));
		expect(data.equals(video)).toBe(true);
	});

	it('stops after too many redirects', async () => {
		routes.set('/loop', { status: 302, headers: { location: '/loop' } });
		await expect(openDownloadSource(makeCtx(), `${base}/loop`, sandbox)).rejects.toThrow(/redirected more than 5 times/);
	});

	it('requires Content-Length', async () => {
		routes.set('/chunked.mp4', { body: bytesStartingWith(MP4_HEAD, 3000), chunked: true, headers: { 'content-type': 'video/mp4' } });
		await expect(openDownloadSource(makeCtx(), `${base}/chunked.mp4`, sandbox)).rejects.toThrow(
			/did not say how big the file is/,
		);
	});

	it('reports HTTP errors without the query', async () => {
		const error = await openDownloadSource(makeCtx(), `${base}/missing.mp4?token=SECRET`, sandbox).catch((e: Error) => e);
		expect((error as Error).message).toMatch(/failed with HTTP 404/);
		expect((error as Error).message).not.toContain('SECRET');
	});

	it('rejects a non-video body and an empty file', async () => {
		routes.set('/page.mp4', { body: Buffer.from('<!DOCTYPE html><html><body>login</body></html>'), headers: { 'content-type': 'video/mp4' } });
		await expect(openDownloadSource(makeCtx(), `${base}/page.mp4`, sandbox)).rejects.toThrow(/HTML page/);
		routes.set('/empty.mp4', { body: Buffer.alloc(0), headers: { 'content-type': 'video/mp4' } });
		await expect(openDownloadSource(makeCtx(), `${base}/empty.mp4`, sandbox)).rejects.toThrow(/empty/);
		routes.set('/pic.png', { body: bytesStartingWith(PNG_HEAD, 100), headers: { 'content-type': 'image/png' } });
		await expect(openDownloadSource(makeCtx(), `${base}/pic.png`, sandbox)).rejects.toThrow(/not a video TikTok accepts/);
	});

	it('rejects private URLs and private redirect targets unless private networks are allowed', async () => {
		await expect(openDownloadSource(makeCtx(), `${base}/v/clip.mp4`, { allowPrivateNetworks: false })).rejects.toThrow(/https/);
		const calls: string[] = [];
		const stub = async (opts: IHttpRequestOptions) => {
			calls.push(opts.url);
			expect(opts.disableFollowRedirect).toBe(true);
			return { statusCode: 302, headers: { location: 'https://169.254.169.254/latest/meta-data' }, body: Readable.from([]) };
		};
		await expect(
			openDownloadSource(makeCtx({}, stub), 'https://cdn.example.com/v.mp4', { allowPrivateNetworks: false }),
		).rejects.toThrow(/link-local/);
		expect(calls).toEqual(['https://cdn.example.com/v.mp4']);
		const downgrade = async () => ({ statusCode: 302, headers: { location: 'http://cdn.example.com/v.mp4' }, body: null });
		await expect(
			openDownloadSource(makeCtx({}, downgrade), 'https://cdn.example.com/v.mp4', { allowPrivateNetworks: false }),
		).rejects.toThrow(/uses http:\/\//);
	});

	it('rejects compressed responses', async () => {
		const stub = async () => ({
			statusCode: 200,
			headers: { 'content-length': '100', 'content-encoding': 'gzip', 'content-type': 'video/mp4' },
			body: Readable.from([Buffer.alloc(100)]),
		});
		await expect(openDownloadSource(makeCtx({}, stub), 'https://cdn.example.com/v.mp4', { allowPrivateNetworks: false })).rejects.toThrow(
			/compressed \(gzip\)/,
		);
	});

	it('turns an aborted download into an AbortError', async () => {
		const controller = new AbortController();
		controller.abort();
		const error = await openDownloadSource(makeCtx(), `${base}/v/clip.mp4`, { ...sandbox, signal: controller.signal }).catch((e: Error) => e);
		expect((error as Error).name).toBe('AbortError');
	});
});
