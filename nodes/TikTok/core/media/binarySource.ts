/**
 * Opens the video held in an item's binary field as a VideoSource: streamed when n8n stores it in its
 * filesystem (or s3) store, the Buffer itself in memory mode and in database mode (n8n's database store
 * loads the whole file for any read, a stream included, so the Buffer costs nothing more and can be
 * read at any offset, e.g. a header at the end of the file).
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { BufferVideoSource } from './bufferSource';
import { resolveVideoContentType } from './mediaType';
import { skippingStreamReader, type ForwardReader } from './moovAtEnd';
import { StreamVideoSource, type ByteStream } from './streamSource';
import { checkHead, type VideoSource } from './videoSource';

/** Read hint passed to getBinaryStream (n8n may use it as the read buffer size). */
export const BINARY_READ_HINT = 1_048_576;

function validSize(n: unknown): n is number {
	return typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
}

/** n8n's store of a binary: the prefix of its id (`filesystem-v2:…`, `database:…`, `s3:…`). */
function storeOf(binaryId: string): string {
	return binaryId.split(':')[0];
}

/** A second reader of a stored binary, or why there is none. */
function storedReader(ctx: IExecuteFunctions, binaryId: string): () => ForwardReader | string {
	const store = storeOf(binaryId);
	if (store === 'filesystem' || store === 'filesystem-v2') {
		// a second pass over the local file, read forward up to the header
		return () => skippingStreamReader(async () => (await ctx.helpers.getBinaryStream(binaryId, BINARY_READ_HINT)) as unknown as ByteStream & AsyncIterable<unknown>);
	}
	return () => `n8n keeps this binary in its "${store}" store, which the node does not read twice`;
}

/**
 * Opens the video held in the item's binary field `binaryPropertyName`. Streams it when n8n stores it
 * in its filesystem or S3 store, else uses the Buffer (memory mode, database mode).
 * Throws (before anything is sent) when the field is missing or empty, its size is unknown, or it is
 * not an MP4/MOV/WebM video (by MIME type/extension and by its first bytes).
 */
export async function openBinarySource(
	ctx: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
): Promise<VideoSource> {
	const name = (binaryPropertyName ?? '').trim();
	if (!name) {
		throw new Error('No input binary field name is set. Enter the name of the binary field that holds the video, e.g. "data"');
	}
	const binary: IBinaryData = ctx.helpers.assertBinaryData(itemIndex, name);
	const label = `The binary field "${name}"`;
	const fileName = binary.fileName;

	if (binary.id && storeOf(binary.id) !== 'database') {
		const meta = await ctx.helpers.getBinaryMetadata(binary.id);
		const size = validSize(meta.fileSize) ? meta.fileSize : binary.bytes;
		if (size === 0 || meta.fileSize === 0) {
			throw new Error(`${label} is empty (0 bytes). Check the node that produced the video`);
		}
		if (!validSize(size)) {
			throw new Error(`${label} has an unknown size, so the upload cannot be planned. Check the node that produced the video`);
		}
		const contentType = resolveVideoContentType({
			mimeType: meta.mimeType ?? binary.mimeType,
			fileName: meta.fileName ?? fileName,
			fileExtension: binary.fileExtension,
		});
		const stream = (await ctx.helpers.getBinaryStream(binary.id, BINARY_READ_HINT)) as unknown as ByteStream;
		const source = new StreamVideoSource(
			{ size, contentType, fileName: meta.fileName ?? fileName, origin: 'binary', label, readerAt: storedReader(ctx, binary.id) },
			stream,
		);
		await checkHead(source, contentType, label);
		return source;
	}

	const contentType = resolveVideoContentType({
		mimeType: binary.mimeType,
		fileName,
		fileExtension: binary.fileExtension,
	});
	const buffer = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
	if (!buffer || buffer.length === 0) {
		throw new Error(`${label} is empty (0 bytes). Check the node that produced the video`);
	}
	const source = new BufferVideoSource({ contentType, fileName }, buffer);
	await checkHead(source, contentType, label);
	return source;
}
