/**
 * An independent reading of MP4/MOV files for tests: GPAC's MP4Box.js (devDependency `mp4box`), so
 * the sandbox's generated media and the node's own header reader are both checked against a parser
 * neither of them wrote.
 */

// mp4box ships only ESM type declarations (.d.mts), which this CommonJS test build cannot resolve:
// the few members used here are typed by hand.
interface Mp4Track {
	codec: string;
	duration: number;
	timescale: number;
	nb_samples: number;
	video: { width: number; height: number };
}
interface Mp4Info {
	brands: string[];
	duration: number;
	timescale: number;
	tracks: Mp4Track[];
	videoTracks: Mp4Track[];
}
interface Mp4File {
	onReady?: (info: Mp4Info) => void;
	onError?: (module: string, message: string) => void;
	appendBuffer(buffer: unknown): number;
	flush(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createFile, MP4BoxBuffer } = require('mp4box') as {
	createFile(): Mp4File;
	MP4BoxBuffer: { fromArrayBuffer(buffer: ArrayBuffer, fileStart: number): unknown };
};

export interface ReferenceVideoInfo {
	brands: string[];
	durationSec: number;
	width: number;
	height: number;
	frameRate: number;
	codec: string;
	tracks: number;
}

/** Parses a whole file held in memory; throws when MP4Box cannot read it or finds no video track. */
export function referenceVideoInfo(file: Buffer): ReferenceVideoInfo {
	const mp4 = createFile();
	let info: Mp4Info | undefined;
	let failure: unknown;
	mp4.onReady = (ready) => (info = ready);
	mp4.onError = (module: string, message: string) => (failure = new Error(`${module}: ${message}`));
	mp4.appendBuffer(MP4BoxBuffer.fromArrayBuffer(file.buffer.slice(file.byteOffset, file.byteOffset + file.length), 0));
	mp4.flush();
	if (failure) throw failure;
	if (!info) throw new Error('MP4Box did not find a complete moov box');
	const video = info.videoTracks[0];
	if (!video) throw new Error('MP4Box found no video track');
	return {
		brands: info.brands,
		durationSec: info.duration / info.timescale,
		width: video.video.width,
		height: video.video.height,
		frameRate: video.nb_samples / (video.duration / video.timescale),
		codec: video.codec,
		tracks: info.tracks.length,
	};
}
