/**
 * The limits of every fetch the nodes make on their own (not TikTok's API): one place, each value
 * explained. The reasons are in docs/downloads-and-checks.md ("Limits").
 */

export interface FetchLimits {
	/** connecting and waiting for the response headers (axios `timeout`) */
	connectTimeoutMs: number;
	/** no byte for this long while the node waits for one */
	idleTimeoutMs: number;
	/** from the first request to the last byte, redirects included */
	deadlineMs: number;
	/** redirects followed by hand, each hop checked; 0 = a 3xx is the answer */
	maxRedirects: number;
	/** a declared Content-Length above this is refused before reading; a body is never read past it */
	maxBytes: number;
}

export type FetchUse = 'videoDownload' | 'photoHead' | 'videoHeader';

const DEFAULT_LIMITS: Record<FetchUse, FetchLimits> = {
	// TikTok's upload URL lives one hour after init: a video still arriving after that cannot be sent.
	videoDownload: { connectTimeoutMs: 30_000, idleTimeoutMs: 30_000, deadlineMs: 60 * 60_000, maxRedirects: 5, maxBytes: 4_000_000_000 },
	// Up to 35 photos are read 4 at a time before anything else happens; TikTok does not follow redirects.
	photoHead: { connectTimeoutMs: 15_000, idleTimeoutMs: 15_000, deadlineMs: 30_000, maxRedirects: 0, maxBytes: 65_536 },
	// Box headers and the moov box at the end of a video, by ranged GETs to the download's final URL.
	videoHeader: { connectTimeoutMs: 30_000, idleTimeoutMs: 30_000, deadlineMs: 2 * 60_000, maxRedirects: 0, maxBytes: 16 * 1_048_576 },
};

let overrides: Partial<Record<FetchUse, Partial<FetchLimits>>> = {};

/** The limits for one kind of fetch. */
export function fetchLimits(use: FetchUse): FetchLimits {
	return { ...DEFAULT_LIMITS[use], ...overrides[use] };
}

/** Tests only: scaled-down limits (undefined restores the defaults). */
export function setFetchLimitsForTests(limits: Partial<Record<FetchUse, Partial<FetchLimits>>> | undefined): void {
	overrides = limits ?? {};
}
