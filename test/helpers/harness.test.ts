/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/** Self-test of the shared harness (test/helpers). */
import {
	binaryItemFromBuffer,
	binaryItemFromGenerator,
	binaryStats,
	createTestContext,
	expectNoSecrets,
	findSecrets,
	patternChunk,
	resetBinaryStats,
	secretsOf,
	sha256,
	sha256OfGenerator,
} from '.';
import { createHash } from 'crypto';

beforeEach(() => resetBinaryStats());

describe('parameters', () => {
	it('dotted paths, fallback, per-item, missing throws', () => {
		const ctx = createTestContext({
			parameters: (i) => ({ title: `t${i}`, options: { chunkSizeMb: 10, nested: { a: 1 } }, rl: { __rl: true, value: 'v', mode: 'id' } }),
			items: [{ json: {} }, { json: {} }],
		});
		expect(ctx.getNodeParameter('title', 1)).toBe('t1');
		expect(ctx.getNodeParameter('options.chunkSizeMb', 0)).toBe(10);
		expect(ctx.getNodeParameter('options.nested.a', 0)).toBe(1);
		expect(ctx.getNodeParameter('options.missing', 0, 42)).toBe(42);
		expect(ctx.getNodeParameter('rl', 0, undefined, { extractValue: true })).toBe('v');
		expect(() => ctx.getNodeParameter('nope', 0)).toThrow('Could not get parameter');
		expect(ctx.getInputData()).toHaveLength(2);
		expect(ctx.continueOnFail()).toBe(false);
		expect(ctx.getNode().credentials).toEqual({ tikTokOAuth2Api: { id: 'cred-1', name: 'TikTok' } });
	});
});

describe('binary data', () => {
	it('memory mode: base64 in the item, getBinaryDataBuffer, assertBinaryData', async () => {
		const buf = Buffer.from('hello video');
		const ctx = createTestContext({ items: [binaryItemFromBuffer(buf, { fileName: 'a.mp4' })] });
		const bin = ctx.helpers.assertBinaryData(0, 'data');
		expect(bin.id).toBeUndefined();
		expect(bin.mimeType).toBe('video/mp4');
		expect(await ctx.helpers.getBinaryDataBuffer(0, 'data')).toEqual(buf);
		expect(() => ctx.helpers.assertBinaryData(0, 'other')).toThrow();
	});

	it('stream mode: metadata + stream in pieces <= chunkSize, never the whole file', async () => {
		const size = 5_000_000 + 17;
		const ctx = createTestContext({ items: [binaryItemFromGenerator(size, patternChunk, { fileName: 'big.mp4' })] });
		const bin = ctx.helpers.assertBinaryData(0, 'data');
		expect(bin.id).toBeDefined();
		expect(await ctx.helpers.getBinaryMetadata(bin.id!)).toEqual({ fileName: 'big.mp4', mimeType: 'video/mp4', fileSize: size });
		const stream = await ctx.helpers.getBinaryStream(bin.id!, 256 * 1024);
		let total = 0;
		const hash = createHash('sha256');
		for await (const piece of stream) {
			total += piece.length;
			hash.update(piece);
		}
		expect(total).toBe(size);
		expect(hash.digest('hex')).toBe(sha256OfGenerator(size, patternChunk));
		expect(binaryStats.largestBufferBytes).toBeLessThanOrEqual(256 * 1024);
		expect(binaryStats.fullBuffersMaterialised).toBe(0);
		await ctx.helpers.getBinaryDataBuffer(0, 'data');
		expect(binaryStats.fullBuffersMaterialised).toBe(1);
		expect(binaryStats.largestBufferBytes).toBe(size);
	});

	it('stream mode from a buffer keeps the bytes', async () => {
		const buf = patternChunk(0, 1000);
		const ctx = createTestContext({ items: [binaryItemFromBuffer(buf, { mode: 'stream' })] });
		expect(sha256(await ctx.helpers.getBinaryDataBuffer(0, 'data'))).toBe(sha256(buf));
	});

	it('prepareBinaryData / returnJsonArray / constructExecutionMetaData', async () => {
		const ctx = createTestContext();
		const bin = await ctx.helpers.prepareBinaryData(Buffer.from('x'), 'f.txt', 'text/plain');
		expect(bin).toMatchObject({ data: 'eA==', fileName: 'f.txt', mimeType: 'text/plain' });
		const out = ctx.helpers.constructExecutionMetaData(ctx.helpers.returnJsonArray([{ a: 1 }]), { itemData: { item: 0 } });
		expect(out).toEqual([{ json: { a: 1 }, pairedItem: { item: 0 } }]);
	});
});

describe('logger, cancel, secrets', () => {
	it('captures logs and cancels', () => {
		const ctx = createTestContext();
		ctx.logger.warn('hello', { a: 1 });
		expect(ctx.harness.logs).toEqual([{ level: 'warn', message: 'hello', meta: { a: 1 } }]);
		expect(ctx.getExecutionCancelSignal()!.aborted).toBe(false);
		ctx.harness.abort();
		expect(ctx.getExecutionCancelSignal()!.aborted).toBe(true);
	});

	it('finds secrets deep inside errors and outputs', () => {
		const ctx = createTestContext({
			credentials: { clientId: 'k', clientSecret: 'super-secret-1', oauthTokenData: { access_token: 'act.abcdef', refresh_token: 'rft.ghijkl' } },
		});
		const secrets = secretsOf(ctx);
		expect(secrets).toEqual(expect.arrayContaining(['super-secret-1', 'act.abcdef', 'rft.ghijkl']));
		const err = new Error('boom') as Error & { cause?: unknown };
		err.cause = { config: { headers: { Authorization: 'Bearer act.abcdef' } } };
		expect(findSecrets(err, secrets).map((f) => f.path)).toContain("$.cause.config.headers.Authorization");
		expect(() => expectNoSecrets([{ json: { t: 'rft.ghijkl' } }], secrets)).toThrow(/Secret leaked/);
		expect(() => expectNoSecrets({ fine: true, logs: ctx.harness.logs }, secrets)).not.toThrow();
	});
});
