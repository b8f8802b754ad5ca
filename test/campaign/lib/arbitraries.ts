/**
 * fast-check generators for the bad-input campaign: captions measured in UTF-16 units, privacy
 * values, cover timestamps, chunk sizes, broken binaries and unsafe URLs.
 */
import fc from 'fast-check';
import type { INodeExecutionData } from 'n8n-workflow';

import { binaryItemFromBuffer, binaryItemFromGenerator } from '../../helpers';
import { makeMp4 } from '../../sandbox';

// ---------- captions ----------

/** Pieces that stress UTF-16 counting: surrogate pairs, ZWJ sequences, flags, combining marks, RTL. */
const TRICKY_PIECES = [
	'😀', '🎬', '🇫🇷', '👍🏽', '👩‍👩‍👧‍👦', '🏳️‍🌈', '𝒜', '𠜎', // astral / sequences
	'e\u0301', 'a\u0300\u0316', 'Z\u0351\u0352\u0357\u035b', 'n\u0303', // combining marks
	'漢字', 'مرحبا', '\u200f', '\u200b', '\ufeff', 'שלום', // CJK, RTL, zero-width, BOM
	'#tag', '@shop', ' ', '\n', '\t', '"', '\\', '<b>', '%20', '{{ $json }}',
];

const piece = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...TRICKY_PIECES) },
	{ weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }) },
	{ weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }) },
	{ weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
);

/** Repeat `pieces` and cut (never inside a surrogate pair) then pad with ASCII to exactly `units` UTF-16 units. */
export function fitToUnits(pieces: string[], units: number): string {
	const source = pieces.join('') || 'x';
	let text = '';
	while (text.length < units) text += source;
	const codePoints = Array.from(text);
	while (codePoints.join('').length > units) codePoints.pop();
	let out = codePoints.join('');
	while (out.length < units) out += 'x';
	return out;
}

/** Captions of exactly `units` UTF-16 units (TikTok's way of counting, = JS String.length). */
export const captionOfUnits = (units: fc.Arbitrary<number>) =>
	fc.tuple(fc.array(piece, { minLength: 1, maxLength: 60 }), units).map(([pieces, n]) => fitToUnits(pieces, n));

export const tooLongCaption = fc.oneof(
	captionOfUnits(fc.constant(2201)),
	captionOfUnits(fc.integer({ min: 2201, max: 3000 })),
	// 1100 emoji = 2200 units (1100 code points), + one more character
	fc.constantFrom('😀'.repeat(1100) + 'a', '🇫🇷'.repeat(550) + '\u0301', 'a'.repeat(2199) + '😀'),
);

export const limitCaption = fc.oneof(
	captionOfUnits(fc.constant(2200)),
	fc.constantFrom('😀'.repeat(1100), 'a'.repeat(2198) + '😀', 'e\u0301'.repeat(1100)),
);

// ---------- privacy ----------

export const OFFERED_PRIVACY = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'];

export const badPrivacy = fc
	.oneof(
		fc.constantFrom(
			'FOLLOWER_OF_CREATOR', // only offered for private accounts
			'PRIVATE',
			'public_to_everyone',
			'SELF ONLY',
			'SELF_ONLY\u200b',
			'',
			'   ',
			'null',
			'undefined',
			'{{ $json.privacy }}',
		),
		fc.string({ maxLength: 30 }),
		fc.string({ unit: 'binary', maxLength: 10 }),
	)
	.filter((p) => !OFFERED_PRIVACY.includes(p.trim()));

// ---------- cover frame ----------

export const badCoverTimestamp = fc.oneof(
	fc.integer({ min: -2147483648, max: -1 }),
	fc.integer({ min: 1, max: 1 << 30 }).map((n) => 2147483647 + n),
	fc.maxSafeNat().filter((n) => n > 2147483647),
	fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).filter((d) => !Number.isInteger(d)),
	fc.constantFrom(-1, 2147483648, 1e21, 0.5, -0.5, Number.MAX_VALUE, -Number.MAX_VALUE), // (NaN/Infinity arrive as null: JSON)
);

// ---------- chunk size ----------

/**
 * Not a number at all: must be refused. (NaN and ±Infinity cannot reach the node: parameters are
 * JSON, so they arrive as null = the default, like in n8n.)
 */
export const nonNumericChunkSize = fc.oneof(
	fc.constantFrom<unknown>('10', 'ten', '', '5MB', true, false, [10], { mb: 10 }),
	fc.string({ minLength: 1, maxLength: 8 }),
);

/** Finite but outside 5–64: refused before any call. */
export const outOfRangeChunkSize = fc.oneof(
	fc.double({ noNaN: true, min: -1e9, max: 4.999 }),
	fc.double({ noNaN: true, min: 64.001, max: 1e12 }),
	fc.constantFrom(0, -0, -5, 4, 65, 1000, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE),
);

// ---------- binaries ----------

const MAGIC: Record<string, Buffer> = {
	png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
	jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]),
	gif: Buffer.from('GIF89a'),
	pdf: Buffer.from('%PDF-1.7\n'),
	zip: Buffer.from([0x50, 0x4b, 0x03, 0x04]),
	html: Buffer.from('<!doctype html><html>'),
	json: Buffer.from('{"error":"not a video"}'),
	mp3: Buffer.from('ID3\u0004'),
	riff: Buffer.from('RIFF\u0000\u0000\u0000\u0000AVI '),
};

const ISO_BOXES = new Set(['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

function looksLikeVideo(buf: Buffer): boolean {
	if (buf.length >= 4 && buf.readUInt32BE(0) === 0x1a45dfa3) return true;
	return buf.length >= 8 && ISO_BOXES.has(buf.toString('latin1', 4, 8));
}

export interface BadBinary {
	kind: string;
	label: string;
	item: INodeExecutionData;
	binaryPropertyName?: string;
}

const mode = fc.constantFrom<'memory' | 'stream'>('memory', 'stream');
const videoName = fc.constantFrom('clip.mp4', 'clip.MP4', 'clip.mov', 'clip.webm', 'clip.m4v', 'clip', 'clip.mp4.exe');
const videoMime = fc.constantFrom('video/mp4', 'video/quicktime', 'video/webm', 'application/octet-stream', '');

function item(buf: Buffer, m: 'memory' | 'stream', fileName: string, mimeType: string): INodeExecutionData {
	return binaryItemFromBuffer(buf, { mode: m, fileName, mimeType: mimeType || undefined });
}

export const badBinary: fc.Arbitrary<BadBinary> = fc.oneof<fc.Arbitrary<BadBinary>[]>(
	// empty and 1-byte files
	fc.tuple(mode, fc.constantFrom(0, 1), videoName, videoMime).map(([m, n, name, mime]) => ({
		kind: n === 0 ? 'empty file' : '1-byte file',
		label: `${n}-byte ${m}`,
		item: n === 0 && m === 'stream' ? binaryItemFromGenerator(0, undefined, { fileName: name, mimeType: mime || 'video/mp4' }) : item(makeMp4(8).subarray(0, n), m, name, mime),
	})),
	// random bytes that are not a video container, labelled as a video
	fc
		.tuple(mode, fc.uint8Array({ minLength: 1, maxLength: 3000 }), videoName, videoMime)
		.filter(([, bytes]) => !looksLikeVideo(Buffer.from(bytes)))
		.map(([m, bytes, name, mime]) => ({ kind: 'random non-video bytes', label: `random ${bytes.length} bytes as ${name}`, item: item(Buffer.from(bytes), m, name, mime) })),
	// other formats named like a video (PNG named .mp4, ...)
	fc
		.tuple(mode, fc.constantFrom(...Object.keys(MAGIC)), fc.integer({ min: 0, max: 5000 }), videoName, videoMime)
		.map(([m, kind, pad, name, mime]) => ({
			kind: 'other format named as video',
			label: `${kind} named ${name} (${mime || 'no type'})`,
			item: item(Buffer.concat([MAGIC[kind], Buffer.alloc(pad, 0x41)]), m, name, mime),
		})),
	// real MP4 bytes, labelled as something else
	fc
		.tuple(
			mode,
			fc.integer({ min: 2000, max: 20000 }),
			fc.constantFrom('image/png', 'image/jpeg', 'text/plain', 'audio/mpeg', 'application/pdf', 'application/json'),
			fc.constantFrom('video.mp4', 'video.png', 'video.txt', 'video'),
		)
		.map(([m, size, mime, name]) => ({ kind: 'MP4 labelled non-video type', label: `MP4 labelled ${mime} (${name})`, item: item(makeMp4(size), m, name, mime) })),
	// MP4 bytes with a non-video extension and a generic type
	fc
		.tuple(mode, fc.constantFrom('video.png', 'video.gif', 'video.avi', 'video.mkv', 'video.txt'))
		.map(([m, name]) => ({ kind: 'MP4 with non-video extension', label: `MP4 as ${name} octet-stream`, item: item(makeMp4(3000), m, name, 'application/octet-stream') })),
	// no such binary field
	fc.constantFrom('nope', 'Data', ' ', 'data ').map((name) => ({
		kind: 'missing binary field',
		label: `binary field "${name}"`,
		item: item(makeMp4(3000), 'memory', 'ok.mp4', 'video/mp4'),
		binaryPropertyName: name,
	})),
	// no binary at all on the item
	fc.constant({ kind: 'missing binary field', label: 'item without binary', item: { json: { caption: 'x' } } as INodeExecutionData }),
).filter((b) => b.binaryPropertyName !== 'data ');

// ---------- URLs (credential with private addresses not allowed) ----------

const octet = fc.integer({ min: 0, max: 255 });
const privateIPv4 = fc.oneof(
	fc.tuple(octet, octet, octet).map(([a, b, c]) => `10.${a}.${b}.${c}`),
	fc.tuple(octet, octet).map(([a, b]) => `192.168.${a}.${b}`),
	fc.tuple(fc.integer({ min: 16, max: 31 }), octet, octet).map(([a, b, c]) => `172.${a}.${b}.${c}`),
	fc.tuple(octet, octet, octet).map(([a, b, c]) => `127.${a}.${b}.${c}`),
	fc.tuple(octet, octet).map(([a, b]) => `169.254.${a}.${b}`),
	fc.tuple(fc.integer({ min: 64, max: 127 }), octet, octet).map(([a, b, c]) => `100.${a}.${b}.${c}`),
	fc.tuple(octet, octet, octet).map(([a, b, c]) => `0.${a}.${b}.${c}`),
);
const privateHostLiteral = fc.oneof(
	privateIPv4,
	fc.constantFrom(
		'127.0.0.1',
		'169.254.169.254',
		'10.0.0.1',
		'192.168.1.1',
		'[::1]',
		'[0:0:0:0:0:0:0:1]',
		'[::]',
		'[::ffff:127.0.0.1]',
		'[::ffff:a9fe:a9fe]',
		'[::ffff:10.0.0.1]',
		'[64:ff9b::7f00:1]',
		'[fd00::1]',
		'[fe80::1]',
		'[fc00::abcd]',
		'localhost',
		'LOCALHOST',
		'localhost.',
		'metadata.localhost',
		'2130706433', // 127.0.0.1 as one number
		'0x7f000001', // hex
		'0177.0.0.1', // octal
		'127.1', // short form
		'0',
		'0.0.0.0',
		'169.254.169.254.', // trailing dot
	),
);
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
const path = fc.constantFrom('/video.mp4', '/latest/meta-data/', '/', '/a/b.mov?sig=abc#x', '/%2e%2e/etc/passwd');
const publicHost = fc.constantFrom('cdn.example.com', 'videos.example.org', 'example.com');

export interface BadUrl {
	kind: string;
	url: string;
}

export const privateUrl: fc.Arbitrary<BadUrl> = fc
	.tuple(fc.constantFrom('https', 'http', 'HTTPS'), privateHostLiteral, port, path)
	.map(([scheme, host, p, pth]) => ({
		kind: 'private/loopback/metadata host',
		url: `${scheme}://${host}${p ? `:${p}` : ''}${pth}`,
	}));

export const badUrl: fc.Arbitrary<BadUrl> = fc.oneof(
	fc.tuple(publicHost, path).map(([host, pth]) => ({ kind: 'http', url: `http://${host}${pth}` })),
	fc
		.tuple(fc.constantFrom('user:pass', 'admin:', ':secret', 'a%40b:c', 'user'), publicHost, path)
		.map(([cred, host, pth]) => ({ kind: 'credentials in URL', url: `https://${cred}@${host}${pth}` })),
	fc
		.tuple(fc.constantFrom('ftp', 'file', 'gopher', 'data', 'javascript', 'ws', 'wss', 'blob'), publicHost, path)
		.map(([scheme, host, pth]) => ({ kind: 'other scheme', url: scheme === 'file' ? `file://${pth}` : `${scheme}://${host}${pth}` })),
	fc
		.constantFrom('/video.mp4', 'video.mp4', './v.mp4', '../v.mp4', '//cdn.example.com/v.mp4', 'cdn.example.com/v.mp4', 'https//cdn.example.com/v.mp4', 'https:/', 'https://', '?x=1', '#frag')
		.map((url) => ({ kind: 'relative/invalid', url })),
);

export const uploadMethod = fc.constantFrom('auto', 'download', 'pull');
export const nodeKind = fc.constantFrom<'publish' | 'upload'>('publish', 'upload');
