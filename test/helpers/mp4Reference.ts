/**
 * An independent reading of MP4/MOV files for tests: GPAC's MP4Box.js (devDependency `mp4box`), so
 * the sandbox's generated media and the node's own header reader are both checked against a parser
 * neither of them wrote.
 */
import { createFile, MP4BoxBuffer } from 'mp4box';

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
	let info: any;
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
