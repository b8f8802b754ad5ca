import { errorCode, errorText, isAbortError, isNetworkError, safeCause } from '../../nodes/TikTok/core/http/failures';
import { formatBytes } from '../../nodes/TikTok/core/tiktok/wording';
import { responseHeader } from '../../nodes/TikTok/core/http/responses';

describe('http helpers', () => {
	it('formats byte counts', () => {
		expect(formatBytes(0)).toBe('0 bytes');
		expect(formatBytes(64_000_000)).toBe('64,000,000 bytes');
	});

	it('reads a header whatever its case, from plain objects and header classes', () => {
		expect(responseHeader({ 'content-range': 'bytes */10' }, 'content-range')).toBe('bytes */10');
		expect(responseHeader({ 'Content-Range': 'bytes */10' }, 'content-range')).toBe('bytes */10');
		expect(responseHeader({ location: ['/a', '/b'] }, 'location')).toBe('/a');
		expect(responseHeader({ location: [] }, 'location')).toBeUndefined();
		expect(responseHeader({ 'retry-after': 3 }, 'retry-after')).toBe('3');
		expect(responseHeader({ other: 'x' }, 'location')).toBeUndefined();
		expect(responseHeader({ location: null }, 'location')).toBeUndefined();
		expect(responseHeader(undefined, 'location')).toBeUndefined();
		const axiosLike = { get: (name: string) => (name === 'retry-after' ? '7' : undefined) };
		expect(responseHeader(axiosLike, 'retry-after')).toBe('7');
	});

	it('drops HTTP client errors as causes (they carry the request URL and headers)', () => {
		const plain = new Error('x');
		expect(safeCause(plain)).toBe(plain);
		expect(safeCause(Object.assign(new Error('x'), { config: { headers: { Authorization: 'Bearer t' } } }))).toBeUndefined();
		expect(safeCause(Object.assign(new Error('x'), { response: {} }))).toBeUndefined();
		expect(safeCause(Object.assign(new Error('x'), { request: {} }))).toBeUndefined();
	});

	it('describes errors by code and message', () => {
		expect(errorText(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED: refused');
		expect(errorText({})).toBe('unknown error');
		expect(errorText('text')).toBe('text');
		expect(errorCode(new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'EPIPE' }) }))).toBe('EPIPE');
	});

	it('classifies network errors', () => {
		expect(isNetworkError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
		expect(isNetworkError(new Error('socket hang up'))).toBe(true);
		expect(isNetworkError(Object.assign(new Error('x'), { code: 'EPIPE' }))).toBe(true);
		expect(isNetworkError(Object.assign(new Error('canceled'), { code: 'ERR_CANCELED' }))).toBe(false);
		expect(isNetworkError(new Error('boom'))).toBe(false);
	});

	it('recognises a cancelled request', () => {
		const controller = new AbortController();
		controller.abort();
		expect(isAbortError(new Error('x'), controller.signal)).toBe(true);
		expect(isAbortError(Object.assign(new Error('x'), { name: 'CanceledError' }))).toBe(true);
		expect(isAbortError(Object.assign(new Error('x'), { code: 'ERR_CANCELED' }))).toBe(true);
		expect(isAbortError(new Error('x'))).toBe(false);
	});
});
