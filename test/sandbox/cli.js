#!/usr/bin/env node
'use strict';
/**
 * node test/sandbox/cli.js [--port N] [--config file.json]
 * Runs the TikTok sandbox until SIGINT/SIGTERM. The config file holds sandbox options (see index.js).
 * By default the sandbox's own `/media/` prefix counts as verified, so the demo can PULL_FROM_URL
 * `http://127.0.0.1:PORT/media/sample.mp4` (any size with `?bytes=N`).
 */
const fs = require('fs');
const { startSandbox } = require('./index');

function parseArgs(argv) {
	const args = { port: undefined, config: undefined };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const [flag, inline] = arg.split('=', 2);
		const value = () => (inline !== undefined ? inline : argv[++i]);
		if (flag === '--port') args.port = Number(value());
		else if (flag === '--config') args.config = value();
		else if (flag === '--help' || flag === '-h') args.help = true;
		else throw new Error(`Unknown argument: ${arg}`);
	}
	return args;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		process.stdout.write('Usage: node test/sandbox/cli.js [--port N] [--config file.json]\n');
		return;
	}
	const options = { verifyOwnMedia: true };
	if (args.config) Object.assign(options, JSON.parse(fs.readFileSync(args.config, 'utf8')));
	if (args.port !== undefined) {
		if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new Error('--port must be 0..65535');
		options.port = args.port;
	}
	const sandbox = await startSandbox(options);
	process.stdout.write(`TikTok sandbox listening on ${sandbox.baseUrl}\n`);
	let closing = false;
	const shutdown = () => {
		if (closing) return;
		closing = true;
		sandbox.close().then(() => process.exit(0));
		setTimeout(() => process.exit(0), 2000).unref();
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

main().catch((err) => {
	process.stderr.write(`TikTok sandbox failed to start: ${err.message}\n`);
	process.exit(1);
});
