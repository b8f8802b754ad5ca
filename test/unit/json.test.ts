import { parseJsonPreservingBigIntegers, quoteBigIntegers, tryParseJsonPreservingBigIntegers } from '../../nodes/TikTok/core/tiktok/json';

describe('parseJsonPreservingBigIntegers', () => {
	it('keeps 19-digit ids exact as strings', () => {
		const text = '{"data":{"publicaly_available_post_id":[7412345678901234567,9223372036854775807],"status":"PUBLISH_COMPLETE"}}';
		expect(parseJsonPreservingBigIntegers(text)).toEqual({
			data: { publicaly_available_post_id: ['7412345678901234567', '9223372036854775807'], status: 'PUBLISH_COMPLETE' },
		});
		expect(JSON.parse(text).data.publicaly_available_post_id[0]).not.toBe(7412345678901234567n.toString());
	});

	it('leaves safe integers, floats and exponents as numbers', () => {
		expect(parseJsonPreservingBigIntegers('[9007199254740991,-9007199254740991,1.5,1e21,12345678901234567.5,0,-0]')).toEqual([
			// eslint-disable-next-line no-loss-of-precision -- the literal is parsed by JSON.parse in the same lossy way, which is what this test compares
			9007199254740991, -9007199254740991, 1.5, 1e21, 12345678901234567.5, 0, -0,
		]);
	});

	it('turns the first unsafe integers into strings, including negatives', () => {
		expect(parseJsonPreservingBigIntegers('[9007199254740992,-9007199254740992,123456789012345678901234567890]')).toEqual([
			'9007199254740992',
			'-9007199254740992',
			'123456789012345678901234567890',
		]);
	});

	it('never touches digits inside strings, escapes included', () => {
		const text = '{"a":"7412345678901234567","b":"x\\"7412345678901234567\\"","c\\\\":7412345678901234567,"d":"\\\\"}';
		expect(parseJsonPreservingBigIntegers(text)).toEqual({
			a: '7412345678901234567',
			b: 'x"7412345678901234567"',
			'c\\': '7412345678901234567',
			d: '\\',
		});
	});

	it('handles whitespace and nesting', () => {
		expect(parseJsonPreservingBigIntegers(' { "x" : [ 1 , { "y" : 18446744073709551615 } ] } ')).toEqual({ x: [1, { y: '18446744073709551615' }] });
	});

	it('returns the text unchanged when nothing needs quoting', () => {
		const text = '{"a":1,"b":"c"}';
		expect(quoteBigIntegers(text)).toBe(text);
	});

	it('rejects invalid JSON like JSON.parse', () => {
		expect(() => parseJsonPreservingBigIntegers('{"a":')).toThrow(SyntaxError);
		expect(() => parseJsonPreservingBigIntegers('not found')).toThrow(SyntaxError);
		expect(tryParseJsonPreservingBigIntegers('nope')).toBeUndefined();
	});

	it('round-trips random safe documents like JSON.parse', () => {
		for (let i = 0; i < 200; i++) {
			const doc = { n: Math.floor(Math.random() * 1e15), s: `q"${i}\\`, f: Math.random(), arr: [i, -i, `${i}`] };
			const text = JSON.stringify(doc);
			expect(parseJsonPreservingBigIntegers(text)).toEqual(JSON.parse(text));
		}
	});
});
