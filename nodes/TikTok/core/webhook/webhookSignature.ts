/**
 * TikTok webhook signatures (docs/tiktok-api.md §5): header `TikTok-Signature: t=<unix seconds>,s=<hex>`,
 * `s = hex(HMAC-SHA256(key = client secret, message = "<t>." + raw body))`.
 *
 * Pure functions: no n8n context, no clock (the caller passes `nowSec`). The signature is checked
 * on the raw body bytes, before any JSON parsing, and compared in constant time; the timestamp is
 * checked after the signature (a forged request is reported as forged, not as stale).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header name as Node.js exposes it (lower case). */
export const SIGNATURE_HEADER = 'tiktok-signature';

/** Default allowed distance between the signed timestamp and now, in seconds (5 minutes). */
export const DEFAULT_TIMESTAMP_TOLERANCE_SEC = 300;

const MAX_HEADER_LENGTH = 2048;
const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const UNIX_SECONDS = /^[0-9]{1,12}$/;

export interface ParsedSignatureHeader {
	/** `t` as sent: the HMAC covers these exact characters */
	timestampText: string;
	/** `t` as a number of seconds since the epoch */
	timestamp: number;
	/** every `s` value, lower-case hex (more than one is accepted, e.g. during a secret rotation) */
	signatures: string[];
}

export type SignatureFailure =
	| 'missing_secret'
	| 'missing_header'
	| 'malformed_header'
	| 'missing_body'
	| 'signature_mismatch'
	| 'timestamp_out_of_tolerance';

export type SignatureCheck =
	| { valid: true; timestamp: number }
	| { valid: false; reason: SignatureFailure; timestamp?: number };

/** What each refusal means, for logs (never includes the header, the body or the secret). */
export const SIGNATURE_FAILURE_TEXT: Readonly<Record<SignatureFailure, string>> = {
	missing_secret: 'the TikTok credential has no Client Secret, so no signature can be checked',
	missing_header: 'the request has no TikTok-Signature header',
	malformed_header: 'the TikTok-Signature header is not of the form t=<unix seconds>,s=<64 hex digits>',
	missing_body: 'n8n did not provide the raw request body',
	signature_mismatch: 'the signature does not match the body and the Client Secret',
	timestamp_out_of_tolerance: 'the signed timestamp is too far from the current time (old or replayed request)',
};

/**
 * Parses `t=<unix>,s=<hex>[,s=<hex>…]`. Parts may come in any order and carry spaces around them;
 * unknown keys are ignored (room for TikTok to add some). Returns undefined when the header is
 * absent, repeated, has no or several `t`, a non-numeric `t`, no `s`, or an `s` that is not 64 hex digits.
 */
export function parseSignatureHeader(value: unknown): ParsedSignatureHeader | undefined {
	const text = Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
	if (typeof text !== 'string' || text.length === 0 || text.length > MAX_HEADER_LENGTH) return undefined;
	let timestampText: string | undefined;
	const signatures: string[] = [];
	for (const part of text.split(',')) {
		const trimmed = part.trim();
		if (trimmed === '') continue;
		const eq = trimmed.indexOf('=');
		if (eq <= 0) return undefined;
		const key = trimmed.slice(0, eq).trim().toLowerCase();
		const val = trimmed.slice(eq + 1).trim();
		if (key === 't') {
			if (timestampText !== undefined || !UNIX_SECONDS.test(val)) return undefined;
			timestampText = val;
		} else if (key === 's') {
			if (!HEX_SHA256.test(val)) return undefined;
			signatures.push(val.toLowerCase());
		}
	}
	if (timestampText === undefined || signatures.length === 0) return undefined;
	return { timestampText, timestamp: Number(timestampText), signatures };
}

/** hex(HMAC-SHA256(secret, "<timestampText>." + rawBody)). */
export function computeSignature(secret: string, timestampText: string, rawBody: Buffer | string): string {
	return createHmac('sha256', secret).update(`${timestampText}.`).update(rawBody).digest('hex');
}

/** Constant-time comparison of two 64-digit hex strings (both are decoded to 32 bytes). */
function sameDigest(expectedHex: string, actualHex: string): boolean {
	const expected = Buffer.from(expectedHex, 'hex');
	const actual = Buffer.from(actualHex, 'hex');
	return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export interface VerifyInput {
	header: unknown;
	rawBody: unknown;
	secret: unknown;
	nowSec: number;
	/** seconds; 0 or less turns the timestamp check off */
	toleranceSec: number;
}

/** Verifies a delivery: secret present, header well formed, HMAC matches the raw body, timestamp recent. */
export function verifyTikTokSignature(input: VerifyInput): SignatureCheck {
	const { header, rawBody, secret, nowSec, toleranceSec } = input;
	if (typeof secret !== 'string' || secret.length === 0) return { valid: false, reason: 'missing_secret' };
	if (header === undefined || header === null || header === '') return { valid: false, reason: 'missing_header' };
	const parsed = parseSignatureHeader(header);
	if (!parsed) return { valid: false, reason: 'malformed_header' };
	if (!Buffer.isBuffer(rawBody) && typeof rawBody !== 'string') return { valid: false, reason: 'missing_body' };
	const expected = computeSignature(secret, parsed.timestampText, rawBody);
	// Every candidate is compared (no early exit), so timing does not tell which one matched.
	let matched = false;
	for (const candidate of parsed.signatures) matched = sameDigest(expected, candidate) || matched;
	if (!matched) return { valid: false, reason: 'signature_mismatch', timestamp: parsed.timestamp };
	if (toleranceSec > 0 && Math.abs(nowSec - parsed.timestamp) > toleranceSec) {
		return { valid: false, reason: 'timestamp_out_of_tolerance', timestamp: parsed.timestamp };
	}
	return { valid: true, timestamp: parsed.timestamp };
}
