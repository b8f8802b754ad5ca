/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * Shared by the video source tests (binarySource, download): an IExecuteFunctions with fake binary
 * fields (in-memory or streamed in chosen piece sizes) and n8n-core's real httpRequest, media heads,
 * and a collector of a source's chunks.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { IBinaryData, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { ChunkPlan } from '../../nodes/TikTok/core/video/chunkPlan';
import type { VideoSource } from '../../nodes/TikTok/core/media/videoSource';

const coreDir = path.dirname(require.resolve('n8n-core/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require(require.resolve('@n8n/di', { paths: [coreDir] }));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { OutboundHttp } = require(require.resolve('@n8n/backend-network', { paths: [coreDir] }));
export const realHttpRequest = async (opts: IHttpRequestOptions) =>
	await Container.get(OutboundHttp).requests().request(opts);

export const MP4_HEAD = Buffer.from('0000001866747970697336640000000069736f6d', 'hex');
export const WEBM_HEAD = Buffer.from('1a45dfa39f4286810142f7810142f2810442f381084282847765626d', 'hex');
export const PNG_HEAD = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

export function bytesStartingWith(head: Buffer, size: number, seed = 5): Buffer {
	const b = Buffer.alloc(size);
	for (let i = 0; i < size; i++) b[i] = (i * 7 + seed) & 0xff;
	head.copy(b, 0, 0, Math.min(head.length, size));
	return b;
}

export const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface FakeBinary {
	buffer?: Buffer;
	pieces?: () => AsyncIterable<Buffer>;
	size?: number;
	mimeType?: string;
	fileName?: string;
	fileExtension?: string;
}

export function makeCtx(
	binaries: Record<string, FakeBinary> = {},
	httpRequest: (opts: IHttpRequestOptions) => Promise<unknown> = realHttpRequest,
): IExecuteFunctions & { state: { streamsDestroyed: number } } {
	const state = { streamsDestroyed: 0 };
	const binaryData = (name: string): IBinaryData => {
		const b = binaries[name];
		if (!b) throw new Error(`The item has no binary field '${name}'`);
		return {
			data: b.pieces ? 'filesystem-v2' : (b.buffer ?? Buffer.alloc(0)).toString('base64'),
			mimeType: b.mimeType ?? 'application/octet-stream',
			fileName: b.fileName,
			fileExtension: b.fileExtension,
			...(b.pieces ? { id: `filesystem-v2:${name}` } : {}),
		};
	};
	const helpers = {
		httpRequest,
		assertBinaryData: (_i: number, name: string) => binaryData(name),
		getBinaryDataBuffer: async (_i: number, name: string) => binaries[name].buffer!,
		getBinaryMetadata: async (id: string) => {
			const b = binaries[id.split(':')[1]];
			return { fileSize: b.size as number, mimeType: b.mimeType, fileName: b.fileName };
		},
		getBinaryStream: async (id: string) => {
			const stream = Readable.from(binaries[id.split(':')[1]].pieces!());
			stream.on('close', () => state.streamsDestroyed++);
			return stream;
		},
	};
	return Object.assign({ helpers } as unknown as IExecuteFunctions, { state });
}

export function piecesOf(data: Buffer, sizes: number[]) {
	return async function* () {
		let offset = 0;
		let i = 0;
		while (offset < data.length) {
			const n = Math.max(1, sizes[i++ % sizes.length]);
			yield data.subarray(offset, offset + n);
			offset += n;
		}
	};
}

export async function collect(source: VideoSource, plan: ChunkPlan) {
	const parts: Buffer[] = [];
	const ranges: Array<[number, number, number]> = [];
	for await (const c of source.chunks(plan)) {
		expect(c.data.length).toBe(c.end - c.start + 1);
		ranges.push([c.index, c.start, c.end]);
		parts.push(Buffer.from(c.data));
	}
	return { data: Buffer.concat(parts), ranges };
}
