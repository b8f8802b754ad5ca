'use strict';
/**
 * The upload host: `PUT <upload_url>` with one chunk per request, strictly in order.
 * The URL is pre-signed (upload_id + upload_token), so no Authorization header is needed or checked.
 * Bodies stream to a temp file while sha256 is updated incrementally: a 1 GB upload never sits in memory.
 */
const crypto = require('crypto');
const fs = require('fs');
const { Transform, pipeline } = require('stream');
const { randomToken, schedule, takeFault, tempFile } = require('./state');
const { chunkLayout } = require('./rules');
const { transferComplete } = require('./publish');

const ACCEPTED_TYPES = new Set(['video/mp4', 'video/quicktime', 'video/webm']);
// Enough of the file's start for the ftyp check and an mvhd near the start.
const HEAD_BYTES = 64 * 1024;

/** Called by video/init for FILE_UPLOAD: prepares the upload task and returns its upload_url. */
function createUpload(state, record, sourceInfo) {
	const uploadId = String(BigInt.asUintN(63, crypto.randomBytes(8).readBigUInt64BE()));
	const uploadToken = randomToken('', 20);
	const filePath = tempFile(state, 'upload');
	fs.closeSync(fs.openSync(filePath, 'w'));
	const upload = {
		publishId: record.publishId,
		uploadId,
		expiresAt: Date.now() + state.options.uploadUrlTtlMs,
		videoSize: sourceInfo.video_size,
		chunkSize: sourceInfo.chunk_size,
		chunks: chunkLayout(sourceInfo.video_size, sourceInfo.chunk_size, sourceInfo.total_chunk_count),
		nextIndex: 0,
		received: 0,
		hash: crypto.createHash('sha256'),
		head: Buffer.alloc(0),
		filePath,
		inFlight: false,
		writerClosed: Promise.resolve(),
	};
	state.uploads.set(uploadToken, upload);
	record.videoSize = sourceInfo.video_size;
	return `${state.baseUrl}/upload/video/?upload_id=${uploadId}&upload_token=${uploadToken}`;
}

const progressHeader = (upload) => (upload.received > 0 ? `bytes 0-${upload.received - 1}/${upload.videoSize}` : `bytes */${upload.videoSize}`);

/** Errors are answered after the body is drained, so clients that write the whole body still read the answer. */
function answerAfterDrain(ctx, upload, status, code, message) {
	ctx.entry.status = status;
	ctx.entry.errorCode = code;
	const send = () => {
		if (ctx.res.headersSent || ctx.res.destroyed) return;
		const headers = { 'Content-Type': 'application/json; charset=UTF-8' };
		if (upload) headers['Content-Range'] = progressHeader(upload);
		ctx.res.writeHead(status, headers);
		ctx.res.end(JSON.stringify({ error: { code, message, log_id: '' } }));
	};
	if (ctx.req.complete) return send();
	ctx.req.on('end', send);
	ctx.req.resume();
}

/** PUT /upload/video/?upload_id=…&upload_token=… */
async function handleChunkPut(ctx, state) {
	const { req, entry } = ctx;
	const rangeHeader = req.headers['content-range'];
	const lengthHeader = req.headers['content-length'];
	const typeHeader = req.headers['content-type'];
	entry.contentRange = rangeHeader ?? null;
	entry.contentLength = lengthHeader !== undefined ? Number(lengthHeader) : null;
	entry.contentType = typeHeader ?? null;
	entry.hadAuthorization = req.headers.authorization !== undefined;

	const upload = state.uploads.get(ctx.url.searchParams.get('upload_token') || '');
	if (!upload || upload.uploadId !== ctx.url.searchParams.get('upload_id')) return answerAfterDrain(ctx, null, 404, 'upload_not_found', 'No upload task for this URL');
	if (Date.now() > upload.expiresAt) return answerAfterDrain(ctx, upload, 403, 'upload_url_expired', 'The upload URL has expired (valid 1 hour)');
	const record = state.publishes.get(upload.publishId);
	if (!record || record.status === 'FAILED') return answerAfterDrain(ctx, null, 404, 'upload_not_found', 'The upload task no longer exists');

	const mime = String(typeHeader || '').split(';')[0].trim().toLowerCase();
	if (!ACCEPTED_TYPES.has(mime)) return answerAfterDrain(ctx, upload, 400, 'invalid_params', 'Content-Type must be video/mp4, video/quicktime or video/webm');
	if (lengthHeader === undefined || !/^\d+$/.test(lengthHeader)) return answerAfterDrain(ctx, upload, 400, 'invalid_params', 'Content-Length is required');
	const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(rangeHeader || '');
	if (!match) return answerAfterDrain(ctx, upload, 400, 'invalid_params', 'Content-Range must be "bytes <first>-<last>/<total>"');
	const [first, last, total] = match.slice(1).map(Number);
	if (last < first) return answerAfterDrain(ctx, upload, 400, 'invalid_params', 'Content-Range is invalid');
	entry.chunkIndex = Math.min(Math.floor(first / upload.chunkSize), upload.chunks.length - 1);

	// Strictly sequential: only the exact next chunk is accepted; anything else learns the server's progress.
	const expected = upload.chunks[upload.nextIndex];
	if (upload.inFlight || !expected || first !== expected.start || last !== expected.end || total !== upload.videoSize) {
		return answerAfterDrain(ctx, upload, 416, 'range_not_satisfiable', 'Content-Range does not match the next expected chunk');
	}
	if (Number(lengthHeader) !== expected.length) return answerAfterDrain(ctx, upload, 400, 'invalid_params', 'Content-Length does not match the chunk length');

	const byIndex = (fault) => fault.index === expected.index;
	const statusFault = takeFault(state.options, 'chunkStatus', byIndex);
	if (statusFault) return answerAfterDrain(ctx, upload, statusFault.status || 503, 'internal_error', 'Transient upload failure (sandbox fault)');

	upload.inFlight = true;
	const hold = takeFault(state.options, 'holdChunk', byIndex);
	if (hold) {
		// A slow or stalled upload host: the body is not read for `ms`, so the client's send blocks
		// mid-chunk (tests kill the sending process here). A client gone meanwhile leaves the chunk unstored.
		entry.held = true;
		await new Promise((resolve) => schedule(state, hold.ms ?? 30_000, resolve));
		if (req.destroyed || req.socket?.destroyed) {
			upload.inFlight = false;
			entry.errorCode = 'client_gone';
			return;
		}
	}
	await upload.writerClosed; // a dropped chunk's writer may still be flushing into the same range
	receiveChunk(ctx, state, upload, record, expected, {
		drop: takeFault(state.options, 'dropConnection', byIndex),
		dropAfterAccept: takeFault(state.options, 'dropAfterAccept', byIndex),
	});
}

function receiveChunk(ctx, state, upload, record, chunk, faults) {
	const { req, res, entry } = ctx;
	const socket = req.socket; // req.socket is null once destroyed
	const hash = upload.hash.copy(); // committed only if the whole chunk arrives
	let head = upload.head;
	let got = 0;
	const meter = new Transform({
		transform(buf, _enc, done) {
			if (faults.drop && got + buf.length > (faults.drop.afterBytes ?? 0)) {
				entry.errorCode = 'connection_dropped';
				socket.destroy();
				return done(new Error('dropped by sandbox fault'));
			}
			got += buf.length;
			hash.update(buf);
			if (chunk.start + got - buf.length < HEAD_BYTES) head = Buffer.concat([head, buf]).subarray(0, HEAD_BYTES);
			done(null, buf);
		},
	});
	const out = fs.createWriteStream(upload.filePath, { flags: 'r+', start: chunk.start });
	upload.writerClosed = new Promise((resolve) => out.once('close', resolve));
	pipeline(req, meter, out, (err) => {
		upload.inFlight = false;
		if (err || got !== chunk.length) {
			// The partial chunk is discarded: progress stays where it was.
			if (!res.headersSent && !res.destroyed && !socket.destroyed) {
				entry.status = 400;
				entry.errorCode = 'invalid_params';
				res.writeHead(400, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Range': progressHeader(upload) });
				res.end(JSON.stringify({ error: { code: 'invalid_params', message: 'The body does not match Content-Length', log_id: '' } }));
			}
			return;
		}
		upload.hash = hash;
		upload.head = head;
		upload.received += chunk.length;
		upload.nextIndex += 1;
		record.bytesReceived = upload.received;
		record.chunks.push({ index: chunk.index, start: chunk.start, end: chunk.end, length: chunk.length, at: new Date().toISOString() });
		const done = upload.nextIndex === upload.chunks.length;
		if (done) transferComplete(state, record, { sha256: upload.hash.digest('hex'), head: upload.head, filePath: upload.filePath });
		if (faults.dropAfterAccept) {
			// Stored, but the client never hears about it: its retry must get 416 + progress.
			entry.errorCode = 'connection_dropped';
			socket.destroy();
			return;
		}
		entry.status = done ? 201 : 206;
		res.writeHead(entry.status, { 'Content-Range': progressHeader(upload), 'Content-Length': 0 });
		res.end();
	});
}

module.exports = { createUpload, handleChunkPut };
