'use strict';
/*
 * The duration of a WebM (Matroska) file, read from its header: EBML elements are an ID, a size and
 * the data; Segment > Info holds TimecodeScale (ns per tick, 1,000,000 by default) and Duration (a
 * float in ticks). ffmpeg writes both when it closes a file it can seek in, as for recordVideo's file.
 * No dependency (no ffprobe needed): `node test/browser/lib/webm.js file.webm` prints the seconds.
 */
const fs = require('node:fs');

const ID = { segment: 0x18538067, info: 0x1549a966, timecodeScale: 0x2ad7b1, duration: 0x4489, cluster: 0x1f43b675 };
const HEAD_BYTES = 1 << 20;

/** A variable-length integer at `at`: { value, length }; `keepMarker` for element IDs. */
function readVint(buf, at, keepMarker) {
	const first = buf[at];
	if (first === undefined || first === 0) throw new Error(`no EBML number at byte ${at}`);
	const length = Math.clz32(first) - 23; // 1 for 1xxxxxxx, 2 for 01xxxxxx, ...
	if (at + length > buf.length) throw new Error(`EBML number at byte ${at} runs past the data read`);
	let value = keepMarker ? first : first & (0xff >> length);
	let allOnes = value === (0xff >> length);
	for (let i = 1; i < length; i++) {
		value = value * 256 + buf[at + i];
		allOnes = allOnes && buf[at + i] === 0xff;
	}
	return { value, length, unknown: !keepMarker && allOnes };
}

/** The elements in buf[start, end): [{ id, dataStart, dataEnd }]; an unknown size runs to `end`. */
function children(buf, start, end) {
	const out = [];
	let at = start;
	while (at < end) {
		const id = readVint(buf, at, true);
		const size = readVint(buf, at + id.length, false);
		const dataStart = at + id.length + size.length;
		const dataEnd = size.unknown ? end : Math.min(end, dataStart + size.value);
		out.push({ id: id.value, dataStart, dataEnd });
		if (id.value === ID.cluster) break; // media data from here on: the header is over
		at = dataEnd;
	}
	return out;
}

function readUint(buf, start, end) {
	let value = 0;
	for (let i = start; i < end; i++) value = value * 256 + buf[i];
	return value;
}

/** Seconds, from Segment > Info > Duration × TimecodeScale. Throws when the header holds no duration. */
function webmDurationSeconds(buf) {
	const segment = children(buf, 0, buf.length).find((e) => e.id === ID.segment);
	if (!segment) throw new Error('no Matroska Segment: not a WebM file');
	const info = children(buf, segment.dataStart, segment.dataEnd).find((e) => e.id === ID.info);
	if (!info) throw new Error('no Segment Info before the first Cluster');
	const fields = children(buf, info.dataStart, info.dataEnd);
	const scale = fields.find((e) => e.id === ID.timecodeScale);
	const duration = fields.find((e) => e.id === ID.duration);
	if (!duration) throw new Error('Segment Info has no Duration (a file written without seeking back)');
	const ticks = duration.dataEnd - duration.dataStart === 4 ? buf.readFloatBE(duration.dataStart) : buf.readDoubleBE(duration.dataStart);
	const nsPerTick = scale ? readUint(buf, scale.dataStart, scale.dataEnd) : 1_000_000;
	return (ticks * nsPerTick) / 1e9;
}

/** Reads only the file's first MiB (the header sits at the start). */
function webmFileDurationSeconds(file) {
	const fd = fs.openSync(file, 'r');
	try {
		const buf = Buffer.alloc(Math.min(HEAD_BYTES, fs.fstatSync(fd).size));
		fs.readSync(fd, buf, 0, buf.length, 0);
		return webmDurationSeconds(buf);
	} finally {
		fs.closeSync(fd);
	}
}

if (require.main === module) {
	const file = process.argv[2];
	if (!file) {
		process.stderr.write('usage: node test/browser/lib/webm.js <file.webm>\n');
		process.exit(2);
	}
	process.stdout.write(`${webmFileDurationSeconds(file).toFixed(2)}\n`);
}

module.exports = { webmDurationSeconds, webmFileDurationSeconds };
