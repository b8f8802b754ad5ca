/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/* eslint-disable @typescript-eslint/no-explicit-any -- untyped JSON answers of the TikTok sandbox */
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSandbox, makeMp4, readVideoInfo, writeMp4File, Sandbox } from '../sandbox';
import { api, authorize, fileUploadInit, putChunk, sha256, tokenRequest, waitForFinal, CLIENT_KEY, CLIENT_SECRET, REDIRECT_URI } from './helpers';

describe('generated MP4 (media helpers)', () => {
	it('makeMp4: ftyp(isom) + moov/mvhd(timescale 1000, duration) + mdat, exact size, deterministic', () => {
		const mp4 = makeMp4(10_000, { durationSec: 42 });
		expect(mp4.length).toBe(10_000);
		expect(mp4.toString('latin1', 4, 12)).toBe('ftypisom');
		const moov = mp4.readUInt32BE(0);
		expect(mp4.toString('latin1', moov + 4, moov + 8)).toBe('moov');
		expect(mp4.toString('latin1', moov + 12, moov + 16)).toBe('mvhd');
		expect(mp4[moov + 16]).toBe(0); // version 0
		expect(mp4.readUInt32BE(moov + 28)).toBe(1000);
		expect(mp4.readUInt32BE(moov + 32)).toBe(42_000);
		const mdat = moov + mp4.readUInt32BE(moov);
		expect(mp4.toString('latin1', mdat + 4, mdat + 8)).toBe('mdat');
		expect(mdat + mp4.readUInt32BE(mdat)).toBe(10_000);
		expect(sha256(makeMp4(10_000, { durationSec: 42 }))).toBe(sha256(mp4));
		expect(sha256(makeMp4(10_000, { durationSec: 42, seed: 1 }))).not.toBe(sha256(mp4));
		expect(makeMp4(10_000).readUInt32BE(moov + 32)).toBe(10_000); // default 10 s
	});

	it('makeMp4: a video track with the picture size (tkhd, avc1) and frame rate (mdhd + stts) read back by the sandbox', () => {
		const mp4 = makeMp4(50_000, { width: 720, height: 1280, fps: 25, durationSec: 12.5 });
		expect(readVideoInfo(mp4)).toEqual({ durationSec: 12.5, width: 720, height: 1280, frameRate: 25 });
		for (const type of ['trak', 'tkhd', 'mdhd', 'hdlr', 'stsd', 'avc1', 'avcC', 'stts', 'stsz', 'stco']) expect(mp4.indexOf(type, 0, 'latin1')).toBeGreaterThan(0);
		expect(mp4.indexOf('vide', 0, 'latin1')).toBeGreaterThan(0);
	});

	it('makeMp4: moov at the end (mdat first), MOV (qt brand), a sound track first; exact size, readable from the whole file only', () => {
		const atEnd = makeMp4(50_000, { moovAtEnd: true, fps: 24 });
		expect(atEnd.length).toBe(50_000);
		expect(atEnd.toString('latin1', 36, 40)).toBe('mdat');
		expect(readVideoInfo(atEnd.subarray(0, 40_000))).toBeNull();
		expect(readVideoInfo(atEnd)).toMatchObject({ frameRate: 24, width: 1080, height: 1920 });
		const mov = makeMp4(50_000, { container: 'mov', audio: true, width: 1920, height: 1080 });
		expect(mov.toString('latin1', 4, 12)).toBe('ftypqt  ');
		expect(mov.toString('latin1', 24, 28)).toBe('wide');
		expect(readVideoInfo(mov)).toMatchObject({ width: 1920, height: 1080, frameRate: 30 });
		expect(mov.indexOf('soun', 0, 'latin1')).toBeLessThan(mov.indexOf('vide', 0, 'latin1'));
	});

	it('makeMp4 refuses options it cannot write', () => {
		expect(() => makeMp4(1000, { fps: 0 })).toThrow(/fps/);
		expect(() => makeMp4(1000, { width: 1.5 })).toThrow(/width/);
		expect(() => makeMp4(1000, { container: 'avi' as never })).toThrow(/container/);
	});

	it('writeMp4File streams the same bytes and resolves their sha256', async () => {
		const file = path.join(os.tmpdir(), `sandbox-test-${process.pid}.mp4`);
		try {
			const digest = await writeMp4File(file, 3_000_000, { durationSec: 5, seed: 'x' });
			const expected = makeMp4(3_000_000, { durationSec: 5, seed: 'x' });
			expect(fs.statSync(file).size).toBe(3_000_000);
			expect(digest).toBe(sha256(expected));
			expect(sha256(fs.readFileSync(file))).toBe(digest);
		} finally {
			fs.rmSync(file, { force: true });
		}
	});
});

describe('HTTP control endpoints', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ processingMs: 20 });
	});
	afterAll(() => sandbox.close());

	const control = async (method: 'GET' | 'POST', name: string, body?: unknown) => {
		const res = await fetch(`${sandbox.baseUrl}/__sandbox/${name}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
		return { status: res.status, json: (await res.json()) as any };
	};

	it('mint-token, configure, log, publishes, expire-tokens, reset', async () => {
		const tokens = (await control('POST', 'mint-token', { scopes: ['user.info.basic', 'video.publish'] })).json;
		expect(tokens).toMatchObject({ access_token: expect.stringMatching(/^act\./), scope: 'user.info.basic,video.publish', token_type: 'Bearer' });
		expect((await control('POST', 'configure', { account: { displayName: 'Configured Over HTTP' } })).json).toEqual({ ok: true });
		expect((await api(sandbox, tokens.access_token, 'GET', '/user/info/?fields=display_name')).json.data.user.display_name).toBe('Configured Over HTTP');

		const init = await api(sandbox, tokens.access_token, 'POST', '/post/publish/video/init/', fileUploadInit(500, 500, 1));
		await putChunk(init.json.data.upload_url, makeMp4(500), 0, 499);
		await waitForFinal(sandbox, tokens.access_token, init.json.data.publish_id);
		const publishes = (await control('GET', 'publishes')).json;
		expect(publishes[init.json.data.publish_id]).toMatchObject({ mode: 'direct', source: 'FILE_UPLOAD', status: 'PUBLISH_COMPLETE', sha256: sha256(makeMp4(500)), bytesReceived: 500 });
		const log = (await control('GET', 'log')).json;
		expect([...new Set(log.map((e: any) => e.path))]).toEqual(['/v2/user/info/', '/v2/post/publish/video/init/', '/upload/video/', '/v2/post/publish/status/fetch/']);
		expect(sandbox.countCalls('/post/publish/video/init/')).toBe(1);

		await control('POST', 'expire-tokens');
		expect((await api(sandbox, tokens.access_token, 'GET', '/user/info/?fields=display_name')).code).toBe('access_token_invalid');
		await control('POST', 'reset');
		expect(sandbox.log).toHaveLength(0);
		expect(sandbox.publishes.size).toBe(0);
		expect(sandbox.options.account.displayName).toBe('Configured Over HTTP'); // options are kept
	});
});

describe('secrets never reach the log or the console', () => {
	it('a full OAuth + upload + revoke flow leaves no token, code, secret or upload token in the log, publishes or output', async () => {
		const written: string[] = [];
		const spies = [jest.spyOn(process.stdout, 'write'), jest.spyOn(process.stderr, 'write')].map((spy) =>
			spy.mockImplementation(((chunk: string | Uint8Array) => {
				written.push(String(chunk));
				return true;
			}) as any),
		);
		const logSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => jest.spyOn(console, m).mockImplementation((...args) => void written.push(args.join(' '))));
		const sandbox = await startSandbox({ processingMs: 10 });
		const secrets: string[] = [CLIENT_SECRET];
		try {
			const { callback } = await authorize(sandbox);
			const code = callback!.get('code')!;
			secrets.push(code, new URLSearchParams({ code }).toString().slice(5));
			const first = (await tokenRequest(sandbox, { client_id: CLIENT_KEY, client_secret: CLIENT_SECRET, code, grant_type: 'authorization_code', redirect_uri: REDIRECT_URI }, `?client_key=${CLIENT_KEY}`)).json;
			const second = (await tokenRequest(sandbox, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: first.refresh_token })).json;
			secrets.push(first.access_token, first.refresh_token, second.access_token, second.refresh_token);
			const init = await api(sandbox, second.access_token, 'POST', '/post/publish/video/init/', fileUploadInit(500, 500, 1));
			const uploadToken = new URL(init.json.data.upload_url).searchParams.get('upload_token')!;
			secrets.push(uploadToken);
			await putChunk(init.json.data.upload_url, makeMp4(500), 0, 499, { Authorization: `Bearer ${second.access_token}` });
			await waitForFinal(sandbox, second.access_token, init.json.data.publish_id);
			await fetch(sandbox.revokeUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, token: second.access_token }) });
			// errors must not echo secrets either
			await api(sandbox, first.access_token, 'GET', '/user/info/?fields=open_id');
			await tokenRequest(sandbox, { client_key: CLIENT_KEY, client_secret: 'wrong-secret-value', code, grant_type: 'authorization_code', redirect_uri: REDIRECT_URI });
			secrets.push('wrong-secret-value');

			const everything = JSON.stringify(sandbox.log) + JSON.stringify(Object.fromEntries(sandbox.publishes)) + written.join('\n');
			expect(sandbox.log.length).toBeGreaterThan(8);
			for (const secret of secrets) expect(everything).not.toContain(secret);
			expect(sandbox.log.find((e) => e.method === 'PUT')!.hadAuthorization).toBe(true);
		} finally {
			await sandbox.close();
			[...spies, ...logSpies].forEach((s) => s.mockRestore());
		}
	});
});

describe('CLI', () => {
	let child: ChildProcess | undefined;
	afterEach(() => {
		if (child && child.exitCode === null) child.kill('SIGKILL');
	});

	const start = (args: string[]) =>
		new Promise<{ baseUrl: string; proc: ChildProcess }>((resolve, reject) => {
			const proc = spawn(process.execPath, [path.join(__dirname, '../sandbox/cli.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
			child = proc;
			let out = '';
			proc.stdout!.on('data', (d) => {
				out += d;
				const match = /TikTok sandbox listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
				if (match) resolve({ baseUrl: match[1], proc });
			});
			proc.on('exit', (code) => reject(new Error(`cli exited ${code}: ${out}`)));
		});

	it('prints its URL, serves /media/, verifies its own /media/ prefix, applies --config, stops on SIGTERM', async () => {
		const config = path.join(os.tmpdir(), `sandbox-cli-${process.pid}.json`);
		fs.writeFileSync(config, JSON.stringify({ processingMs: 20, account: { displayName: 'From Config' } }));
		try {
			const { baseUrl, proc } = await start(['--port', '0', '--config', config]);
			const media = await fetch(`${baseUrl}/media/sample.mp4?bytes=4096`);
			expect(media.status).toBe(200);
			expect(media.headers.get('content-type')).toBe('video/mp4');
			const bytes = Buffer.from(await media.arrayBuffer());
			expect(bytes.length).toBe(4096);
			expect(sha256(bytes)).toBe(sha256(makeMp4(4096)));
			expect((await fetch(`${baseUrl}/media/sample.mp4`)).headers.get('content-length')).toBe('1000000');

			const tokens = (await (await fetch(`${baseUrl}/__sandbox/mint-token`, { method: 'POST' })).json()) as any;
			const headers = { Authorization: `Bearer ${tokens.access_token}`, 'Content-Type': 'application/json' };
			const info = (await (await fetch(`${baseUrl}/v2/post/publish/creator_info/query/`, { method: 'POST', headers })).json()) as any;
			expect(info.data.creator_nickname).toBe('From Config');
			const init = (await (await fetch(`${baseUrl}/v2/post/publish/video/init/`, {
				method: 'POST',
				headers,
				body: JSON.stringify({ post_info: { privacy_level: 'SELF_ONLY' }, source_info: { source: 'PULL_FROM_URL', video_url: `${baseUrl}/media/sample.mp4` } }),
			})).json()) as any;
			expect(init.error.code).toBe('ok');

			const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
			proc.kill('SIGTERM');
			expect(await exited).toBe(0);
		} finally {
			fs.rmSync(config, { force: true });
		}
	});
});
