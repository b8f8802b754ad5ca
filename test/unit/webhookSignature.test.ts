/**
 * TikTok-Signature checks. The expected digests are fixed vectors computed outside this package with
 * OpenSSL, e.g.:
 *   printf '%s' '1733000000.{"a":1}' | openssl dgst -sha256 -hmac 'test-client-secret'
 */
import {
	computeSignature,
	parseSignatureHeader,
	SIGNATURE_FAILURE_TEXT,
	verifyTikTokSignature,
	type SignatureCheck,
	type SignatureFailure,
} from '../../nodes/TikTok/core/webhook/webhookSignature';

const SECRET = 'test-client-secret';
const T = 1733000000;

// A TikTok-shaped body, byte for byte.
const BODY =
	'{"client_key":"aw1234","event":"post.publish.complete","create_time":1733000000,"user_openid":"open-id-1","content":"{\\"publish_id\\":\\"v_pub_file~v2-1.123\\",\\"publish_type\\":\\"DIRECT_PUBLISH\\"}"}';
const BODY_HEX = '9df157c77b466889c891b235e5587a9f4d9f90f3848c4effea8af72d0df883b2';
const SMALL_HEX = 'd160503442ddba5603c2a35db0adb074db3f9edf6f0e67c8cb192dccf9b21ce6'; // '{"a":1}'
const OTHER_BODY_HEX = '1a0df57dd464424bd39ad0545cd77a5f5c1d124ff88fe0b1997fa38f0c4ea882'; // '{"a":2}'
const EMPTY_BODY_HEX = '5c2999a43333a6877f49c8003f235c4f6de40f85b1b7414b70bd470a8db53d97'; // key 'k', t 1700000000, empty body
const UTF8_HEX = 'abb08dc3980095fd49fccfc70a25f8f4cace77644b4d75f15a6e55745fe3d80f'; // key 'sécret-ü', '{"post_id":7308523530180699593}'

const verify = (over: Partial<Parameters<typeof verifyTikTokSignature>[0]> = {}) =>
	verifyTikTokSignature({ header: `t=${T},s=${SMALL_HEX}`, rawBody: Buffer.from('{"a":1}'), secret: SECRET, nowSec: T, toleranceSec: 300, ...over }) as SignatureCheck & {
		reason?: SignatureFailure;
	};

describe('computeSignature (fixed vectors)', () => {
	it('hex HMAC-SHA256 of "<t>." + raw body with the client secret', () => {
		expect(computeSignature(SECRET, String(T), BODY)).toBe(BODY_HEX);
		expect(computeSignature(SECRET, String(T), Buffer.from(BODY, 'utf8'))).toBe(BODY_HEX);
		expect(computeSignature(SECRET, String(T), '{"a":1}')).toBe(SMALL_HEX);
		expect(computeSignature(SECRET, String(T), '{"a":2}')).toBe(OTHER_BODY_HEX);
		expect(computeSignature('k', '1700000000', Buffer.alloc(0))).toBe(EMPTY_BODY_HEX);
		expect(computeSignature('sécret-ü', String(T), '{"post_id":7308523530180699593}')).toBe(UTF8_HEX);
	});
});

describe('verifyTikTokSignature', () => {
	it('accepts the fixed vectors', () => {
		expect(verify()).toEqual({ valid: true, timestamp: T });
		expect(verify({ header: `t=${T},s=${BODY_HEX}`, rawBody: Buffer.from(BODY) })).toEqual({ valid: true, timestamp: T });
		expect(verify({ header: `t=1700000000,s=${EMPTY_BODY_HEX}`, rawBody: Buffer.alloc(0), secret: 'k', nowSec: 1700000000 }).valid).toBe(true);
	});

	it('verifies the raw bytes: a re-serialised body (other spacing) does not match', () => {
		expect(verify({ rawBody: Buffer.from('{ "a": 1 }') })).toMatchObject({ valid: false, reason: 'signature_mismatch' });
		expect(verify({ header: `t=${T},s=${BODY_HEX}`, rawBody: Buffer.from(JSON.stringify(JSON.parse(BODY), null, 1)) }).valid).toBe(false);
	});

	it('refuses a wrong secret, another body, another timestamp, a one-digit change', () => {
		expect(verify({ secret: 'wrong-secret' }).reason).toBe('signature_mismatch');
		expect(verify({ rawBody: Buffer.from('{"a":2}') }).reason).toBe('signature_mismatch');
		expect(verify({ header: `t=${T + 1},s=${SMALL_HEX}`, nowSec: T + 1 }).reason).toBe('signature_mismatch');
		const flipped = SMALL_HEX.slice(0, -1) + (SMALL_HEX.endsWith('6') ? '7' : '6');
		expect(verify({ header: `t=${T},s=${flipped}` }).reason).toBe('signature_mismatch');
	});

	it('timestamp tolerance: inclusive at the limit, both directions, 0 turns it off; checked after the signature', () => {
		expect(verify({ nowSec: T + 300 }).valid).toBe(true);
		expect(verify({ nowSec: T - 300 }).valid).toBe(true);
		expect(verify({ nowSec: T + 301 })).toEqual({ valid: false, reason: 'timestamp_out_of_tolerance', timestamp: T });
		expect(verify({ nowSec: T - 301 }).reason).toBe('timestamp_out_of_tolerance');
		expect(verify({ nowSec: T + 86400 * 365, toleranceSec: 0 }).valid).toBe(true);
		expect(verify({ nowSec: T + 10, toleranceSec: 5 }).reason).toBe('timestamp_out_of_tolerance');
		// a forged request is reported as forged even when it is also old
		expect(verify({ nowSec: T + 9999, secret: 'wrong' }).reason).toBe('signature_mismatch');
	});

	it('needs a secret, a header and the raw body', () => {
		expect(verify({ secret: '' }).reason).toBe('missing_secret');
		expect(verify({ secret: undefined }).reason).toBe('missing_secret');
		expect(verify({ header: undefined }).reason).toBe('missing_header');
		expect(verify({ header: '' }).reason).toBe('missing_header');
		expect(verify({ header: 'garbage' }).reason).toBe('malformed_header');
		expect(verify({ rawBody: undefined }).reason).toBe('missing_body');
		expect(verify({ rawBody: { a: 1 } }).reason).toBe('missing_body');
		expect(verify({ rawBody: '{"a":1}' }).valid).toBe(true);
	});

	it('accepts any of several s= values (secret rotation) and compares them all', () => {
		const other = 'f'.repeat(64);
		expect(verify({ header: `t=${T},s=${other},s=${SMALL_HEX}` }).valid).toBe(true);
		expect(verify({ header: `t=${T},s=${other},s=${'0'.repeat(64)}` }).reason).toBe('signature_mismatch');
	});

	it('failure texts never contain the header, the body or the secret', () => {
		for (const text of Object.values(SIGNATURE_FAILURE_TEXT)) {
			expect(text).not.toContain(SECRET);
			expect(text).not.toContain(SMALL_HEX);
		}
	});
});

describe('parseSignatureHeader', () => {
	const s = SMALL_HEX;

	it('parses t and s in any order, with spaces, upper-case hex and upper-case keys', () => {
		expect(parseSignatureHeader(`t=${T},s=${s}`)).toEqual({ timestampText: String(T), timestamp: T, signatures: [s] });
		expect(parseSignatureHeader(`s=${s},t=${T}`)).toEqual({ timestampText: String(T), timestamp: T, signatures: [s] });
		expect(parseSignatureHeader(` t = ${T} , s = ${s.toUpperCase()} `)).toEqual({ timestampText: String(T), timestamp: T, signatures: [s] });
		expect(parseSignatureHeader(`T=${T},S=${s}`)?.signatures).toEqual([s]);
	});

	it('ignores unknown keys and empty parts (room for TikTok to add fields)', () => {
		expect(parseSignatureHeader(`t=${T},v=2,s=${s},`)?.signatures).toEqual([s]);
		expect(parseSignatureHeader(`,t=${T},,s=${s}`)?.timestamp).toBe(T);
	});

	it('keeps the timestamp text as sent (the HMAC covers those characters)', () => {
		expect(parseSignatureHeader(`t=0${T},s=${s}`)).toMatchObject({ timestampText: `0${T}`, timestamp: T });
		// so a zero-padded t does not verify against a signature made over the unpadded one
		expect(verify({ header: `t=0${T},s=${s}` }).reason).toBe('signature_mismatch');
	});

	it.each([
		['no t', `s=${s}`],
		['no s', `t=${T}`],
		['two t', `t=${T},t=${T},s=${s}`],
		['t not digits', `t=17e8,s=${s}`],
		['negative t', `t=-1,s=${s}`],
		['t too long', `t=${'9'.repeat(13)},s=${s}`],
		['empty t', `t=,s=${s}`],
		['s too short', `t=${T},s=${s.slice(1)}`],
		['s too long', `t=${T},s=${s}0`],
		['s not hex', `t=${T},s=${'g'.repeat(64)}`],
		['s base64', `t=${T},s=${Buffer.from(s, 'hex').toString('base64')}`],
		['part without =', `t=${T},s=${s},junk`],
		['= first', `=${T},s=${s}`],
		['semicolons', `t=${T};s=${s}`],
		['far too long', `t=${T},s=${s},x=${'a'.repeat(3000)}`],
	])('refuses %s', (_name, header) => {
		expect(parseSignatureHeader(header)).toBeUndefined();
	});

	it('refuses non-strings and repeated headers; accepts a one-element array', () => {
		expect(parseSignatureHeader(undefined)).toBeUndefined();
		expect(parseSignatureHeader(123)).toBeUndefined();
		expect(parseSignatureHeader([`t=${T},s=${s}`, `t=${T},s=${s}`])).toBeUndefined();
		expect(parseSignatureHeader([`t=${T},s=${s}`])?.timestamp).toBe(T);
	});
});
