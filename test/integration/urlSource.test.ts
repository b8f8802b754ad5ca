/** Videos from a URL: TikTok pulls it, or the node downloads and uploads it (Auto picks). */
import { createHash } from 'node:crypto';

import { makeMp4, type Sandbox } from '../sandbox';
import { initCalls, onlyPublish, resetSandbox, runNode, startTestSandbox } from './fixture';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => resetSandbox(sandbox));

const url = (name: string, bytes = 3_000_000) => `${sandbox.mediaBaseUrl}${name}?bytes=${bytes}`;
const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');

it('lets TikTok pull a URL under a verified prefix', async () => {
	sandbox.configure({ verifiedUrlPrefixes: [sandbox.mediaBaseUrl] });
	const run = await runNode('publish', sandbox, { parameters: { source: 'url', uploadMethod: 'pull', videoUrl: url('a.mp4') } });
	expect(run.error).toBeUndefined();
	const record = onlyPublish(sandbox);
	expect(record.source).toBe('PULL_FROM_URL');
	expect(record.sha256).toBe(sha256(makeMp4(3_000_000)));
	expect(run.output![0].json).toMatchObject({ uploadMethod: 'pull_from_url', status: 'PUBLISH_COMPLETE', bytesSent: 0 });
});

it('Auto falls back to download-and-upload when TikTok says the domain is not verified', async () => {
	const run = await runNode('publish', sandbox, {
		parameters: { source: 'url', uploadMethod: 'auto', videoUrl: url('b.mp4', 12_000_000), options: { chunkSizeMb: 5 } },
	});
	expect(run.error).toBeUndefined();
	const refused = sandbox.log.filter((entry) => entry.errorCode === 'url_ownership_unverified');
	expect(refused).toHaveLength(1);
	const record = onlyPublish(sandbox);
	expect(record.source).toBe('FILE_UPLOAD');
	expect(record.sha256).toBe(sha256(makeMp4(12_000_000)));
	expect(run.output![0].json).toMatchObject({ uploadMethod: 'download_and_upload', status: 'PUBLISH_COMPLETE', bytesSent: 12_000_000, chunksSent: 2 });
});

it('TikTok Pulls the URL fails clearly on an unverified domain, with nothing published', async () => {
	const run = await runNode('publish', sandbox, { parameters: { source: 'url', uploadMethod: 'pull', videoUrl: url('c.mp4') } });
	expect(run.error?.message).toMatch(/url_ownership_unverified/);
	expect(run.error?.description).toMatch(/verify|Download and Upload/i);
	expect(sandbox.publishes.size).toBe(0);
});

it('a pull that TikTok cannot download ends as an explained error', async () => {
	sandbox.configure({ verifiedUrlPrefixes: [sandbox.mediaBaseUrl], faults: { pullFails: true } });
	const run = await runNode('publish', sandbox, { parameters: { source: 'url', uploadMethod: 'pull', videoUrl: url('d.mp4') } });
	expect(run.error?.message).toMatch(/video_pull_failed/);
	expect(onlyPublish(sandbox).status).toBe('FAILED');
});

it('an unreachable URL fails with a clear message before init, nothing published', async () => {
	const run = await runNode('publish', sandbox, {
		parameters: { source: 'url', uploadMethod: 'download', videoUrl: 'http://127.0.0.1:9/missing.mp4' },
	});
	expect(run.error?.message).toBeDefined();
	expect(run.error?.message).not.toMatch(/TypeError|undefined/);
	expect(initCalls(sandbox)).toBe(0);
	expect(sandbox.publishes.size).toBe(0);
});

describe('with the real TikTok environment (no sandbox allowance)', () => {
	const tiktokEnvironment = (sandboxUrl: string) => ({
		parameters: { source: 'url', uploadMethod: 'auto', videoUrl: sandboxUrl },
	});
	it.each([
		['plain http', 'http://cdn.example.com/v.mp4'],
		['a loopback address', 'https://127.0.0.1/v.mp4'],
		['a private address', 'https://192.168.1.10/v.mp4'],
		['the cloud metadata address', 'https://169.254.169.254/latest/meta-data'],
		['credentials in the URL', 'https://user:pass@cdn.example.com/v.mp4'],
		['a relative URL', '/videos/v.mp4'],
	])('refuses %s before any request', async (_name, videoUrl) => {
		const run = await runNode('publish', sandbox, {
			...tiktokEnvironment(videoUrl),
			credentials: { ...(await import('../helpers')).sandboxCredentials(sandbox), environment: 'tiktok' },
		});
		expect(run.error?.message).toBeDefined();
		expect(sandbox.log).toHaveLength(0);
	});
});
