#!/usr/bin/env node
'use strict';
/*
 * Reference upload for scripts/bench.js: the fastest honest uploader of the same plan we could write,
 * a minimal Node `http` client. Each chunk is one PUT over one kept-alive connection, its body streamed
 * straight from the file with fs.createReadStream({ start, end }) (no buffering of the chunk, no copy
 * in JS), with the headers TikTok wants. Sequential, like the package and like TikTok requires.
 *
 *   node-upload.js FILE UPLOAD_URL CONTENT_TYPE TOTAL HIGH_WATER_MARK START:END:LENGTH ...
 *
 * Prints, on stdout (the same protocol as curl-upload.sh):
 *   T0 <ns>            before the first chunk
 *   C <index> <status> per chunk
 *   T1 <ns>            after the last answer
 *   CPU <seconds>      user + system CPU of this process
 */
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');

const [file, uploadUrl, contentType, totalText, highWaterMarkText, ...specs] = process.argv.slice(2);
const total = Number(totalText);
const highWaterMark = Number(highWaterMarkText);
const url = new URL(uploadUrl);
const client = url.protocol === 'https:' ? https : http;
const agent = new client.Agent({ keepAlive: true, maxSockets: 1 });

function putChunk(start, end, length) {
	return new Promise((resolve, reject) => {
		const req = client.request(
			url,
			{
				method: 'PUT',
				agent,
				headers: {
					'Content-Type': contentType,
					'Content-Length': String(length),
					'Content-Range': `bytes ${start}-${end}/${total}`,
				},
			},
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode));
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		const body = fs.createReadStream(file, { start, end, highWaterMark });
		body.on('error', (error) => req.destroy(error));
		body.pipe(req);
	});
}

async function main() {
	const cpu0 = process.cpuUsage();
	process.stdout.write(`T0 ${process.hrtime.bigint()}\n`);
	for (const [index, spec] of specs.entries()) {
		const [start, end, length] = spec.split(':').map(Number);
		const status = await putChunk(start, end, length);
		process.stdout.write(`C ${index} ${status}\n`);
		if (status !== 206 && status !== 201) throw new Error(`chunk ${index} answered HTTP ${status}`);
	}
	process.stdout.write(`T1 ${process.hrtime.bigint()}\n`);
	const cpu = process.cpuUsage(cpu0);
	process.stdout.write(`CPU ${(cpu.user + cpu.system) / 1e6}\n`);
	agent.destroy();
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
