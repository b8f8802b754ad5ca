/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * Binary items for tests, in the two shapes n8n produces:
 * - memory mode: `binary.data.data` holds the base64 bytes (no `id`);
 * - stream mode (n8n's default `filesystem` mode): `binary.data.id` set, bytes only reachable through
 *   `helpers.getBinaryStream(id, chunkSize)` / `helpers.getBinaryMetadata(id)`;
 * - database mode (n8n's `database` mode, queue mode's default): id `database:…`; as n8n's
 *   DatabaseManager does, `getBinaryStream` loads the whole file and hands it out as one piece
 *   (`Readable.from(buffer)`), and `getBinaryDataBuffer` returns that buffer.
 * Stream-mode files are backed by a generator (`makeChunk(offset, length)`), so multi-GB synthetic
 * files never exist in memory; the store tracks the largest Buffer handed out.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

export type MakeChunk = (offset: number, length: number) => Buffer;

export interface BinaryItemOptions {
	mimeType?: string;
	fileName?: string;
	mode?: 'memory' | 'stream' | 'database';
	/** binary property name (default 'data') */
	property?: string;
	/** json of the item (default {}) */
	json?: IDataObject;
	/** declare a different size in the metadata than the real bytes (to test mismatch handling) */
	declaredSize?: number;
}

interface StoredBinary {
	id: string;
	size: number;
	declaredSize: number;
	makeChunk: MakeChunk;
	fileName?: string;
	mimeType: string;
	/** n8n's database mode: the whole file is loaded for every read */
	database: boolean;
}

/** Statistics over every stream/buffer handed out by the harness. */
export interface BinaryStats {
	/** largest single Buffer handed to the code under test (stream piece or whole buffer) */
	largestBufferBytes: number;
	streamsOpened: number;
	bytesStreamed: number;
	/** whole-file buffers materialised through getBinaryDataBuffer for stream-mode items */
	fullBuffersMaterialised: number;
}

const store = new Map<string, StoredBinary>();
let nextId = 1;

export const binaryStats: BinaryStats = {
	largestBufferBytes: 0,
	streamsOpened: 0,
	bytesStreamed: 0,
	fullBuffersMaterialised: 0,
};

/** Reset the statistics (call in beforeEach). */
export function resetBinaryStats(): void {
	binaryStats.largestBufferBytes = 0;
	binaryStats.streamsOpened = 0;
	binaryStats.bytesStreamed = 0;
	binaryStats.fullBuffersMaterialised = 0;
}

function noteBuffer(length: number): void {
	if (length > binaryStats.largestBufferBytes) binaryStats.largestBufferBytes = length;
}

function formatSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	const units = ['kB', 'MB', 'GB', 'TB'];
	let value = bytes;
	let unit = -1;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${value.toFixed(1)} ${units[unit]}`;
}

function extensionOf(fileName?: string): string | undefined {
	if (!fileName || !fileName.includes('.')) return undefined;
	return fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase();
}

/** Deterministic pseudo-random bytes: byte i = f(i). Cheap, reproducible, not constant. */
export function patternChunk(offset: number, length: number): Buffer {
	const buf = Buffer.allocUnsafe(length);
	for (let i = 0; i < length; i++) {
		const x = offset + i;
		buf[i] = (x * 31 + (x >>> 8) * 7 + (x >>> 16)) & 0xff;
	}
	return buf;
}

/** SHA-256 (hex) of a generator-backed file, computed piecewise (to compare with the sandbox). */
export function sha256OfGenerator(size: number, makeChunk: MakeChunk, piece = 1 << 20): string {
	const hash = createHash('sha256');
	for (let offset = 0; offset < size; offset += piece) {
		hash.update(makeChunk(offset, Math.min(piece, size - offset)));
	}
	return hash.digest('hex');
}

export function sha256(buf: Buffer): string {
	return createHash('sha256').update(buf).digest('hex');
}

function register(size: number, makeChunk: MakeChunk, options: BinaryItemOptions): StoredBinary {
	const database = options.mode === 'database';
	const id = database ? `database:test-${nextId++}` : `filesystem-v2:workflows/test/executions/test/binary_data/test-${nextId++}`;
	const entry: StoredBinary = {
		id,
		database,
		size,
		declaredSize: options.declaredSize ?? size,
		makeChunk,
		fileName: options.fileName,
		mimeType: options.mimeType ?? 'video/mp4',
	};
	store.set(id, entry);
	return entry;
}

function itemFor(binary: IBinaryData, options: BinaryItemOptions): INodeExecutionData {
	return { json: options.json ?? {}, binary: { [options.property ?? 'data']: binary } };
}

/** An item whose binary property holds `buf` (memory mode: base64 in the item; stream mode: by id). */
export function binaryItemFromBuffer(buf: Buffer, options: BinaryItemOptions = {}): INodeExecutionData {
	const mode = options.mode ?? 'memory';
	const mimeType = options.mimeType ?? 'video/mp4';
	if (mode === 'memory') {
		return itemFor(
			{
				data: buf.toString('base64'),
				mimeType,
				fileName: options.fileName,
				fileExtension: extensionOf(options.fileName),
				fileSize: formatSize(buf.length),
				bytes: buf.length,
			},
			options,
		);
	}
	const copy = Buffer.from(buf);
	return binaryItemFromGenerator(copy.length, (offset, length) => copy.subarray(offset, offset + length), {
		...options,
		mode,
	});
}

/** An item backed by a generator of `size` bytes (stream mode by default; memory mode materialises it). */
export function binaryItemFromGenerator(
	size: number,
	makeChunk: MakeChunk = patternChunk,
	options: BinaryItemOptions = {},
): INodeExecutionData {
	const mode = options.mode ?? 'stream';
	if (mode === 'memory') {
		return binaryItemFromBuffer(makeChunk(0, size), { ...options, mode: 'memory' });
	}
	const entry = register(size, makeChunk, options);
	return itemFor(
		{
			id: entry.id,
			data: entry.database ? 'database' : 'filesystem-v2',
			mimeType: entry.mimeType,
			fileName: entry.fileName,
			fileExtension: extensionOf(entry.fileName),
			fileSize: formatSize(entry.declaredSize),
			bytes: entry.declaredSize,
		},
		options,
	);
}

/** helpers.getBinaryMetadata(id) */
export async function getBinaryMetadata(
	id: string,
): Promise<{ fileName?: string; mimeType?: string; fileSize: number }> {
	const entry = store.get(id);
	if (!entry) throw new Error(`Binary data with id "${id}" not found`);
	return { fileName: entry.fileName, mimeType: entry.mimeType, fileSize: entry.declaredSize };
}

/** helpers.getBinaryStream(id, chunkSize): pieces of at most chunkSize (default 64 KiB), generated lazily. */
export async function getBinaryStream(id: string, chunkSize?: number): Promise<Readable> {
	const entry = store.get(id);
	if (!entry) throw new Error(`Binary data with id "${id}" not found`);
	const piece = Math.max(1, chunkSize ?? 64 * 1024);
	binaryStats.streamsOpened++;
	if (entry.database) {
		// n8n's DatabaseManager.getAsStream: the row's whole Buffer, as Readable.from(buffer) (one piece)
		binaryStats.fullBuffersMaterialised++;
		const whole = Buffer.from(entry.makeChunk(0, entry.size));
		noteBuffer(whole.length);
		binaryStats.bytesStreamed += whole.length;
		return Readable.from([whole]);
	}
	async function* generate(): AsyncGenerator<Buffer> {
		for (let offset = 0; offset < entry!.size; offset += piece) {
			const length = Math.min(piece, entry!.size - offset);
			const chunk = entry!.makeChunk(offset, length);
			noteBuffer(chunk.length);
			binaryStats.bytesStreamed += chunk.length;
			yield chunk;
		}
	}
	return Readable.from(generate(), { objectMode: false, highWaterMark: piece });
}

/** The whole file as one Buffer (what n8n's getBinaryDataBuffer does), tracked. */
export async function bufferOfBinary(binary: IBinaryData): Promise<Buffer> {
	if (binary.id) {
		const entry = store.get(binary.id);
		if (!entry) throw new Error(`Binary data with id "${binary.id}" not found`);
		binaryStats.fullBuffersMaterialised++;
		const buf = entry.makeChunk(0, entry.size);
		noteBuffer(buf.length);
		return Buffer.from(buf);
	}
	const buf = Buffer.from(binary.data, 'base64');
	noteBuffer(buf.length);
	return buf;
}

/** helpers.prepareBinaryData equivalent (memory mode, like n8n's default store for small data). */
export async function prepareBinaryData(
	data: Buffer | Readable,
	filePath?: string,
	mimeType?: string,
): Promise<IBinaryData> {
	let buf: Buffer;
	if (Buffer.isBuffer(data)) buf = data;
	else {
		const parts: Buffer[] = [];
		for await (const part of data) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(part as string));
		buf = Buffer.concat(parts);
	}
	const fileName = filePath ? filePath.split(/[\\/]/).pop() : undefined;
	return {
		data: buf.toString('base64'),
		mimeType: mimeType ?? 'application/octet-stream',
		fileName,
		fileExtension: extensionOf(fileName),
		fileSize: formatSize(buf.length),
		bytes: buf.length,
	};
}

/** helpers.binaryToBuffer */
export async function binaryToBuffer(body: Buffer | Readable): Promise<Buffer> {
	if (Buffer.isBuffer(body)) return body;
	const parts: Buffer[] = [];
	for await (const part of body) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(part as string));
	return Buffer.concat(parts);
}
