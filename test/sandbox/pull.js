'use strict';
/**
 * PULL_FROM_URL: TikTok downloads the file itself. Redirects are not followed (3xx = failure), like
 * the real service; a non-200 answer or an unreachable host ends FAILED video_pull_failed (videos) or
 * photo_pull_failed (photos, also for a photo over 20 MB). Photos are downloaded one after another and
 * checked afterwards (publish.js, images.js).
 */
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const { pipeline, Transform } = require('stream');
const { transferComplete, setFinal } = require('./publish');
const { schedule, tempFile, releaseFile } = require('./state');
const { PHOTO_RULES } = require('./images');

const HEAD_BYTES = 64 * 1024;
// A JPEG's frame header can follow large EXIF blocks: photos keep more of their first bytes.
const PHOTO_HEAD_BYTES = 1 << 20;

/**
 * Downloads one URL to a temp file; resolves { sha256, head, bytes, filePath } or rejects.
 * `limits.maxBytes`: the download fails as soon as more bytes arrive.
 */
function download(state, url, onProgress, signal, limits = {}) {
	const headBytes = limits.headBytes ?? HEAD_BYTES;
	return new Promise((resolve, reject) => {
		const client = url.startsWith('https:') ? https : http;
		const req = client.get(url, { signal, headers: { 'User-Agent': 'TikTok-sandbox-puller', 'Accept-Encoding': 'identity' } }, (res) => {
			if (res.statusCode !== 200) {
				res.resume();
				return reject(new Error(`HTTP ${res.statusCode}`));
			}
			const hash = crypto.createHash('sha256');
			const filePath = tempFile(state, 'pull');
			let head = Buffer.alloc(0);
			let bytes = 0;
			const meter = new Transform({
				transform(buf, _enc, done) {
					if (head.length < headBytes) head = Buffer.concat([head, buf]).subarray(0, headBytes);
					bytes += buf.length;
					if (limits.maxBytes !== undefined && bytes > limits.maxBytes) return done(new Error(`more than ${limits.maxBytes} bytes`));
					hash.update(buf);
					onProgress(bytes);
					done(null, buf);
				},
			});
			pipeline(res, meter, fs.createWriteStream(filePath), (err) => {
				if (err) {
					releaseFile(state, filePath);
					return reject(err);
				}
				resolve({ sha256: hash.digest('hex'), head, bytes, filePath });
			});
		});
		req.on('error', reject);
	});
}

/** Starts the download of a PULL_FROM_URL publish (video or photos) in the background. */
function startPull(state, record, urls) {
	const controller = new AbortController();
	state.pulls.set(record.publishId, controller);
	const failAfterProcessing = () => schedule(state, state.options.processingMs, () => {
		if (record.status !== 'FAILED') setFinal(record, 'FAILED', record.mediaType === 'PHOTO' ? 'photo_pull_failed' : 'video_pull_failed');
	});
	if (state.options.faults.pullFails) {
		state.pulls.delete(record.publishId);
		return failAfterProcessing();
	}
	const limits = record.mediaType === 'PHOTO' ? { headBytes: PHOTO_HEAD_BYTES, maxBytes: PHOTO_RULES.maxBytes } : {};
	(async () => {
		const results = [];
		let done = 0;
		for (const url of urls) {
			const result = await download(state, url, (n) => (record.bytesReceived = done + n), controller.signal, limits);
			done += result.bytes;
			results.push(result);
		}
		return results;
	})().then(
		(results) => {
			state.pulls.delete(record.publishId);
			if (record.mediaType === 'PHOTO') {
				record.images = results.map((r, i) => ({ url: urls[i], bytes: r.bytes, sha256: r.sha256 }));
				results.forEach((r) => releaseFile(state, r.filePath));
				return transferComplete(state, record, { photos: results.map((r) => ({ head: r.head, bytes: r.bytes })) });
			}
			const [video] = results;
			record.videoSize = video.bytes;
			transferComplete(state, record, video);
		},
		() => {
			state.pulls.delete(record.publishId);
			if (record.status !== 'FAILED') failAfterProcessing();
		},
	);
}

/** Cancel is best effort and only while the download runs. */
function cancelPull(state, record) {
	const controller = state.pulls.get(record.publishId);
	if (!controller || record.status !== 'PROCESSING_DOWNLOAD') return false;
	setFinal(record, 'FAILED', 'publish_cancelled');
	controller.abort();
	state.pulls.delete(record.publishId);
	return true;
}

module.exports = { startPull, cancelPull };
