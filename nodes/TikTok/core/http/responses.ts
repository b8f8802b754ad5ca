/**
 * Reading a raw HTTP answer, for the modules that make their own exchanges (the chunk PUTs, the video
 * download, the photo heads) and the TikTok transport: a header whatever its case, and releasing a
 * body that will not be read.
 */

/** What `helpers.httpRequest({ returnFullResponse: true })` resolves to. */
export interface FullResponse {
	statusCode: number;
	headers?: Record<string, unknown>;
	body?: unknown;
}

/**
 * A response header's value, whatever the name's case: plain header objects (n8n's full response)
 * and header classes with a `get()` (axios). The first value of a repeated header.
 */
export function responseHeader(headers: unknown, name: string): string | undefined {
	if (typeof headers !== 'object' || headers === null) return undefined;
	const getter = (headers as { get?: unknown }).get;
	if (typeof getter === 'function') {
		const value = (getter as (n: string) => unknown).call(headers, name);
		if (typeof value === 'string') return value;
	}
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() !== wanted || value === undefined || value === null) continue;
		if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
		return String(value);
	}
	return undefined;
}

/** Releases a response body stream we will not read. */
export function discardBody(body: unknown): void {
	const b = body as { destroy?: () => void } | null;
	if (b && typeof b === 'object' && typeof b.destroy === 'function') {
		try {
			b.destroy();
		} catch {
			// already destroyed
		}
	}
}
