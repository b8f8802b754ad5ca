/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * A tiny local web server for bad URL inputs: redirects (loops, to other schemes, to user:pass@,
 * without Location, to a real video), and answers that are not a usable video download.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

import { makeMp4 } from '../../sandbox';

export interface LocalServer {
	baseUrl: string;
	hits: string[];
	close(): Promise<void>;
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2000, 7)]);

export async function startLocalServer(targets: { videoUrl: () => string }): Promise<LocalServer> {
	const hits: string[] = [];
	let base = '';
	const server: Server = createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		hits.push(path);
		const redirect = (location?: string) => {
			res.writeHead(302, location === undefined ? {} : { Location: location });
			res.end();
		};
		switch (path) {
			case '/loop.mp4':
				return redirect(`${base}/loop.mp4`);
			case '/to-ftp.mp4':
				return redirect('ftp://127.0.0.1/video.mp4');
			case '/to-file.mp4':
				return redirect('file:///etc/passwd');
			case '/to-creds.mp4':
				return redirect(`http://admin:hunter2@127.0.0.1:${new URL(base).port}/ok.mp4`);
			case '/no-location.mp4':
				return redirect(undefined);
			case '/to-video.mp4':
				return redirect(targets.videoUrl());
			case '/png-as-mp4.mp4':
				res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': PNG.length });
				return res.end(PNG);
			case '/html.mp4': {
				const body = Buffer.from('<!doctype html><html><body>Login required</body></html>');
				res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': body.length });
				return res.end(body);
			}
			case '/chunked.mp4':
				// no Content-Length: the size TikTok's init needs is unknown
				res.writeHead(200, { 'Content-Type': 'video/mp4' });
				res.write(makeMp4(3000));
				return res.end();
			case '/gzip.mp4': {
				const body = gzipSync(makeMp4(3000));
				res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Encoding': 'gzip', 'Content-Length': body.length });
				return res.end(body);
			}
			case '/empty.mp4':
				res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': 0 });
				return res.end();
			case '/forbidden.mp4':
				res.writeHead(403, { 'Content-Type': 'text/plain' });
				return res.end('expired link');
			default:
				res.writeHead(404, { 'Content-Type': 'text/plain' });
				return res.end('not found');
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		baseUrl: base,
		hits,
		close: async () => {
			server.closeAllConnections?.();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
