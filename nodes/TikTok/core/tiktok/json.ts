/**
 * JSON parsing that keeps 64-bit integers exact.
 *
 * TikTok returns post ids (`publicaly_available_post_id`) as JSON numbers of ~19 digits; `JSON.parse`
 * rounds them. `parseJsonPreservingBigIntegers` rewrites every integer literal whose magnitude is
 * beyond Number.MAX_SAFE_INTEGER into a JSON string before parsing, so callers receive the exact
 * digits as a string. A small tokenizer walks the text so digits inside JSON strings are never touched.
 * Non-integer numbers (fraction or exponent) and safe integers are left as numbers.
 */

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function isUnsafeInteger(literal: string): boolean {
	// literal matches -?(0|[1-9][0-9]*) here
	const digits = literal.startsWith('-') ? literal.slice(1) : literal;
	if (digits.length < 16) return false;
	return BigInt(digits) > MAX_SAFE;
}

/**
 * Returns `text` where each integer literal outside the safe range is wrapped in quotes.
 * Invalid JSON is passed through unchanged in structure, so JSON.parse still reports it.
 */
export function quoteBigIntegers(text: string): string {
	let out = '';
	let last = 0;
	let i = 0;
	const n = text.length;
	while (i < n) {
		const ch = text.charCodeAt(i);
		if (ch === 0x22 /* " */) {
			// skip a JSON string, honouring backslash escapes
			i++;
			while (i < n) {
				const c = text.charCodeAt(i);
				if (c === 0x5c /* \ */) {
					i += 2;
					continue;
				}
				i++;
				if (c === 0x22) break;
			}
			continue;
		}
		if (ch === 0x2d /* - */ || (ch >= 0x30 && ch <= 0x39)) {
			const start = i;
			if (ch === 0x2d) i++;
			while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
			const intEnd = i;
			let isInteger = true;
			if (i < n && text.charCodeAt(i) === 0x2e /* . */) {
				isInteger = false;
				i++;
				while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
			}
			if (i < n && (text.charCodeAt(i) === 0x65 || text.charCodeAt(i) === 0x45) /* e E */) {
				isInteger = false;
				i++;
				if (i < n && (text.charCodeAt(i) === 0x2b || text.charCodeAt(i) === 0x2d)) i++;
				while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
			}
			const literal = text.slice(start, intEnd);
			if (isInteger && /^-?(0|[1-9][0-9]*)$/.test(literal) && isUnsafeInteger(literal)) {
				out += text.slice(last, start) + '"' + literal + '"';
				last = i;
			}
			continue;
		}
		i++;
	}
	return last === 0 ? text : out + text.slice(last);
}

/**
 * `JSON.parse` that returns integers beyond ±Number.MAX_SAFE_INTEGER as exact decimal strings.
 * Throws SyntaxError on invalid JSON, like JSON.parse.
 */
export function parseJsonPreservingBigIntegers<T = unknown>(text: string): T {
	return JSON.parse(quoteBigIntegers(text)) as T;
}

/** Like parseJsonPreservingBigIntegers but returns `undefined` instead of throwing. */
export function tryParseJsonPreservingBigIntegers<T = unknown>(text: string): T | undefined {
	try {
		return parseJsonPreservingBigIntegers<T>(text);
	} catch {
		return undefined;
	}
}
