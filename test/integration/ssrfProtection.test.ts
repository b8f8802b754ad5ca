/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * n8n's own SSRF protection (n8n 2.x, N8N_SSRF_PROTECTION_ENABLED) in front of the nodes' fetches,
 * with n8n-core's real request path: turned on here as an admin would, with the TikTok stand-in
 * allowed by name (localhost). A URL whose host NAME resolves to a loopback address passes the
 * package's own URL check (it reads only the text) and is refused by n8n with n8n's reason: the
 * video download, a redirect hop, and a photo head. The e2e part j does the same in a real n8n.
 */
import * as dns from 'node:dns';
import * as http from 'node:http';
import * as os from 'node:os';
import type { AddressInfo } from 'node:net';

import { SsrfProtectionConfig } from '@n8n/config';
import { Container } from '@n8n/di';

import { sandboxCredentials } from '../helpers';
import type { Sandbox } from '../sandbox';
import { initCalls, resetSandbox, runNode, startTestSandbox } from './fixture';
import { runPostPhotos, tikTokCalls } from './photoFixture';

const N8N_REASON = 'The request was blocked because it resolves to a restricted IP address';

/** A host name other than localhost that resolves only to loopback addresses here (the machine's own name). */
async function loopbackName(): Promise<string> {
	const candidates = [os.hostname(), 'ip6-localhost', 'ip6-loopback'].filter((name) => name && name !== 'localhost');
	for (const name of candidates) {
		const addresses = await dns.promises.lookup(name, { all: true }).catch(() => []);
		if (addresses.length && addresses.every((a) => a.address.startsWith('127.') || a.address === '::1')) return name;
	}
	throw new Error(`no host name other than localhost resolves only to loopback here (tried ${candidates.join(', ')})`);
}

let sandbox: Sandbox;
let name: string;
let redirector: http.Server;
let redirectorUrl: string;

beforeAll(async () => {
	// What N8N_SSRF_PROTECTION_ENABLED=true and N8N_SSRF_ALLOWED_HOSTNAMES=localhost give, set before
	// n8n-core's OutboundHttp is first built in this test file.
	Container.set(SsrfProtectionConfig, Object.assign(new SsrfProtectionConfig(), { enabled: true, allowedHostnames: ['localhost'] }));
	// the stand-in calls itself localhost in its URLs (API, upload_url, media), the allowed name
	sandbox = await startTestSandbox({ publicHost: 'localhost' });
	name = await loopbackName();
	redirector = http.createServer((req, res) => {
		res.writeHead(302, { location: `https://${name}:${new URL(sandbox.baseUrl).port}/media/v.mp4?bytes=2000000` });
		res.end();
	});
	await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
	redirectorUrl = `http://localhost:${(redirector.address() as AddressInfo).port}/video.mp4`;
});
afterAll(async () => {
	await new Promise((resolve) => redirector.close(resolve));
	await sandbox.close();
});
beforeEach(() => resetSandbox(sandbox));

const port = () => new URL(sandbox.baseUrl).port;

it('the TikTok stand-in, allowed by name, still answers (the protection is not blocking everything)', async () => {
	const run = await runNode('upload', sandbox, {
		parameters: { source: 'url', uploadMethod: 'download', videoUrl: `${sandbox.mediaBaseUrl}v.mp4?bytes=2000000` },
	});
	expect(run.error).toBeUndefined();
	expect(initCalls(sandbox)).toBe(1);
	expect([...sandbox.publishes.values()][0]).toMatchObject({ bytesReceived: 2_000_000 });
});

it.each([
	['private addresses off (https, a name: the package lets it through)', false, 'https'],
	['private addresses on (the switch does not turn n8n\'s protection off)', true, 'http'],
])('a download from a name that resolves to loopback is refused by n8n, %s', async (_label, allowPrivateNetworks, scheme) => {
	const videoUrl = `${scheme}://${name}:${port()}/media/v.mp4?bytes=2000000`;
	const run = await runNode('upload', sandbox, {
		credentials: { ...sandboxCredentials(sandbox), allowPrivateNetworks },
		parameters: { source: 'url', uploadMethod: 'download', videoUrl },
	});
	expect(run.error?.message).toBe(`n8n refused to download the video from "${name}:${port()}": ${N8N_REASON}`);
	expect(run.error?.description).toMatch(/^The target 127\.0\.0\.1 is not allowed\. .*N8N_SSRF_PROTECTION_ENABLED.*N8N_SSRF_ALLOWED_HOSTNAMES.* Nothing was sent to TikTok\.$/);
	expect(initCalls(sandbox)).toBe(0);
	expect(sandbox.log.some((e) => e.path.startsWith('/media/'))).toBe(false);
});

it('a redirect to such a name is refused at that hop', async () => {
	const run = await runNode('upload', sandbox, {
		credentials: sandboxCredentials(sandbox),
		parameters: { source: 'url', uploadMethod: 'download', videoUrl: redirectorUrl },
	});
	expect(run.error?.message).toBe(`n8n refused to download the video from "${name}:${port()}": ${N8N_REASON}`);
	expect(initCalls(sandbox)).toBe(0);
});

it('a photo whose name resolves to loopback is not read, with n8n\'s reason, before any call to TikTok', async () => {
	const imageUrl = `https://${name}:${port()}/media/p.jpg`;
	const run = await runPostPhotos(sandbox, { parameters: { postMode: 'inbox', photoUrls: imageUrl, coverIndex: 0 }, credentials: { ...sandboxCredentials(sandbox), allowPrivateNetworks: false } });
	expect(run.error?.message).toBe(
		`Photo 1 of 1 (${imageUrl}) was not read: n8n refused to read the photo from "${name}:${port()}": ${N8N_REASON}. n8n's SSRF protection refuses private and local addresses: ask the n8n administrator to allow this host, or use a public URL (TikTok cannot pull a photo from a private network either).`,
	);
	expect(tikTokCalls(sandbox)).toEqual([]);
});
