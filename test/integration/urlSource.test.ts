/** Videos from a URL: TikTok pulls it, or the node downloads and uploads it (Auto picks). */
import { createHash } from 'node:crypto';

import { NodeOperationError } from 'n8n-workflow';

import { makeMp4, type Sandbox } from '../sandbox';
import { sandboxCredentials } from '../helpers';
import { guardNetwork, type NetworkGuard } from '../helpers/network';
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
	// what happened (the URL, the system's reason) and what to do; that nothing reached TikTok; which item
	expect(run.error).toBeInstanceOf(NodeOperationError);
	expect(run.error?.message).toBe(
		'Could not download the video from "http://127.0.0.1:9/missing.mp4" (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9). Check that the URL is reachable',
	);
	expect(run.error?.description).toMatch(/^Nothing was sent to TikTok\./);
	expect(run.error?.context).toMatchObject({ itemIndex: 0 });
	// before init: only the account check reached TikTok
	expect(sandbox.log.map((entry) => entry.path)).toEqual(['/v2/post/publish/creator_info/query/']);
	expect(initCalls(sandbox)).toBe(0);
	expect(sandbox.publishes.size).toBe(0);
});

describe('with the real TikTok environment and private addresses not allowed', () => {
	// Here TikTok is open.tiktokapis.com, so the sandbox could never see a request: the network guard
	// records (and blocks) every connection the run attempts instead, wherever it goes.
	let network: NetworkGuard;
	beforeEach(() => (network = guardNetwork()));
	afterEach(() => network.restore());

	const runInTikTokEnvironment = async (videoUrl: string) =>
		await runNode('publish', sandbox, {
			parameters: { source: 'url', uploadMethod: 'auto', videoUrl },
			credentials: { ...sandboxCredentials(sandbox), environment: 'tiktok', allowPrivateNetworks: false },
		});

	it('the guard sees the requests of a run that is not refused (so an empty list means nothing was sent)', async () => {
		const run = await runInTikTokEnvironment('https://cdn.example.com/v.mp4');
		expect(network.attempts.length).toBeGreaterThanOrEqual(1);
		expect(network.attempts[0]).toMatchObject({ host: 'open.tiktokapis.com', port: 443 });
		expect(run.error?.message).toBeDefined();
	});

	it.each([
		['plain http', 'http://cdn.example.com/v.mp4', /https/],
		['a loopback address', 'https://127.0.0.1/v.mp4', /local|loopback|private/i],
		['a private address', 'https://192.168.1.10/v.mp4', /local|private/i],
		['the cloud metadata address', 'https://169.254.169.254/latest/meta-data', /local|private|link-local|metadata/i],
		['credentials in the URL', 'https://user:pass@cdn.example.com/v.mp4', /user name|password|credentials/i],
		['a relative URL', '/videos/v.mp4', /URL/],
	])('refuses %s before any request', async (_name, videoUrl, reason) => {
		const run = await runInTikTokEnvironment(videoUrl);
		expect(run.error?.message).toMatch(reason);
		expect(network.attempts).toEqual([]);
		expect(sandbox.log).toHaveLength(0);
	});
});

describe('Allow Private Network Addresses is its own switch, independent of the environment', () => {
	it('Custom environment, switch off: a loopback media URL is refused before any request, like with TikTok', async () => {
		const videoUrl = `${sandbox.mediaBaseUrl}v.mp4?bytes=2000000`;
		const run = await runNode('publish', sandbox, {
			parameters: { source: 'url', uploadMethod: 'download', videoUrl },
			credentials: { ...sandboxCredentials(sandbox), allowPrivateNetworks: false },
		});
		expect(run.error?.message).toMatch(/uses http:\/\/|loopback/);
		expect(sandbox.log).toHaveLength(0);
	});

	it('Custom environment, switch off: an https URL naming a loopback address is refused for what it is', async () => {
		const run = await runNode('upload', sandbox, {
			parameters: { source: 'url', uploadMethod: 'download', videoUrl: 'https://127.0.0.1:9/v.mp4' },
			credentials: { ...sandboxCredentials(sandbox), allowPrivateNetworks: false },
		});
		expect(run.error?.message).toBe('The video URL "https://127.0.0.1:9/v.mp4" points to a loopback (127.0.0.0/8) address, which is blocked for safety. Use a public https:// URL of the file');
		expect(sandbox.log).toHaveLength(0);
	});

	describe('TikTok environment, switch on', () => {
		let network: NetworkGuard;
		beforeEach(() => (network = guardNetwork()));
		afterEach(() => network.restore());

		it('the URL is not refused: the run goes on to TikTok (open.tiktokapis.com)', async () => {
			const run = await runNode('publish', sandbox, {
				parameters: { source: 'url', uploadMethod: 'download', videoUrl: 'http://127.0.0.1:9/v.mp4' },
				credentials: { ...sandboxCredentials(sandbox), environment: 'tiktok', allowPrivateNetworks: true },
			});
			expect(run.error?.message).not.toMatch(/blocked for safety|uses http:\/\//);
			expect(network.attempts[0]).toMatchObject({ host: 'open.tiktokapis.com', port: 443 });
		});
	});
});
