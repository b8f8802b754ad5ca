/**
 * URL checks, by who fetches the URL:
 * - `assertDownloadableUrl`: the node itself downloads the video ("Download and upload"), so the URL must
 *   not point into the n8n host's own network (SSRF).
 * - `pullUrlProblem`: TikTok pulls it (PULL_FROM_URL: a video, `assertPullableUrl`, or the photos of a
 *   photo post), so the URL must be https, without credentials, on a verified domain (TikTok URL
 *   prefixes cannot be IP addresses).
 *
 * Limits: only the URL text is checked. A DNS name that resolves to a private address (or DNS rebinding)
 * is not caught here, because runtime code may not use `dns`. n8n's own outbound SSRF protection covers
 * that when the instance enables it (N8N_SSRF_PROTECTION_ENABLED=true): `helpers.httpRequest` then
 * resolves the host and checks the resolved addresses before connecting, and checks every redirect hop.
 */

export interface UrlSafetyOptions {
	/** True when the credential's environment is Custom (local sandbox): http and private hosts allowed. */
	allowPrivateNetworks: boolean;
}

/** origin + path of a URL, without credentials, query or fragment: safe for messages and logs. */
export function redactUrl(url: string | URL): string {
	try {
		const u = typeof url === 'string' ? new URL(url) : url;
		return `${u.protocol}//${u.host}${u.pathname}`;
	} catch {
		const text = String(url).split(/[?#]/)[0];
		return text.length > 120 ? `${text.slice(0, 120)}…` : text;
	}
}

/** new URL(url, base), or undefined when it does not parse. */
export function tryParseUrl(url: string, base?: string | URL): URL | undefined {
	try {
		return new URL(url, base);
	} catch {
		return undefined;
	}
}

function parseAbsoluteUrl(url: string, what: string): URL {
	if (typeof url !== 'string' || url.trim() === '') {
		throw new Error(`The ${what} is empty. Enter a full URL starting with https://`);
	}
	const parsed = tryParseUrl(url.trim());
	if (!parsed) {
		throw new Error(
			`The ${what} "${redactUrl(url)}" is not a valid absolute URL. Enter a full URL starting with https://`,
		);
	}
	return parsed;
}

/** Parses a dotted-decimal IPv4 address into a 32-bit number. */
export function parseIPv4(host: string): number | undefined {
	const parts = host.split('.');
	if (parts.length !== 4) return undefined;
	let n = 0;
	for (const p of parts) {
		if (!/^\d{1,3}$/.test(p)) return undefined;
		const v = Number(p);
		if (v > 255) return undefined;
		n = n * 256 + v;
	}
	return n;
}

/** Parses an IPv6 address (without brackets, no zone) into eight 16-bit groups. */
export function parseIPv6(host: string): number[] | undefined {
	let h = host.toLowerCase();
	if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
	const zone = h.indexOf('%');
	if (zone >= 0) h = h.slice(0, zone);
	if (!h.includes(':')) return undefined;
	// Embedded IPv4 at the end (e.g. ::ffff:127.0.0.1)
	const lastColon = h.lastIndexOf(':');
	const tail = h.slice(lastColon + 1);
	if (tail.includes('.')) {
		const v4 = parseIPv4(tail);
		if (v4 === undefined) return undefined;
		h = `${h.slice(0, lastColon + 1)}${((v4 >>> 16) & 0xffff).toString(16)}:${(v4 & 0xffff).toString(16)}`;
	}
	const halves = h.split('::');
	if (halves.length > 2) return undefined;
	const parseGroups = (s: string): number[] | undefined => {
		if (s === '') return [];
		const out: number[] = [];
		for (const g of s.split(':')) {
			if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
			out.push(parseInt(g, 16));
		}
		return out;
	};
	const head = parseGroups(halves[0]);
	const rest = halves.length === 2 ? parseGroups(halves[1]) : [];
	if (!head || !rest) return undefined;
	if (halves.length === 1) return head.length === 8 ? head : undefined;
	const fill = 8 - head.length - rest.length;
	if (fill < 1) return undefined;
	return [...head, ...new Array<number>(fill).fill(0), ...rest];
}

const IPV4_BLOCKED: Array<[string, number, number]> = [
	// [label, network, prefix length]
	['unspecified/"this network" (0.0.0.0/8)', 0x00000000, 8],
	['private (10.0.0.0/8)', 0x0a000000, 8],
	['shared carrier-grade NAT (100.64.0.0/10)', 0x64400000, 10],
	['loopback (127.0.0.0/8)', 0x7f000000, 8],
	['link-local (169.254.0.0/16)', 0xa9fe0000, 16],
	['private (172.16.0.0/12)', 0xac100000, 12],
	['IETF protocol assignments (192.0.0.0/24)', 0xc0000000, 24],
	['private (192.168.0.0/16)', 0xc0a80000, 16],
	['benchmarking (198.18.0.0/15)', 0xc6120000, 15],
	['multicast (224.0.0.0/4)', 0xe0000000, 4],
	['reserved/broadcast (240.0.0.0/4)', 0xf0000000, 4],
];

/** Why an IPv4 address is not a public internet address, or undefined when it is. */
export function blockedIPv4Reason(ip: number): string | undefined {
	for (const [label, net, bits] of IPV4_BLOCKED) {
		const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
		if (((ip & mask) >>> 0) === net) return label;
	}
	return undefined;
}

/** Why an IPv6 address is not a public internet address, or undefined when it is. */
export function blockedIPv6Reason(g: number[]): string | undefined {
	const allZeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
	if (allZeroUpTo(8)) return 'unspecified (::)';
	if (allZeroUpTo(7) && g[7] === 1) return 'loopback (::1)';
	const embedded = ((g[6] << 16) >>> 0) + g[7];
	if (allZeroUpTo(5) && g[5] === 0xffff) {
		const r = blockedIPv4Reason(embedded);
		return `IPv4-mapped IPv6 (::ffff:0:0/96)${r ? `, ${r}` : ''}`;
	}
	if (allZeroUpTo(6)) return 'IPv4-compatible IPv6 (::/96)';
	if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
		const r = blockedIPv4Reason(embedded);
		if (r) return `NAT64 (64:ff9b::/96) of ${r}`;
	}
	if ((g[0] & 0xfe00) === 0xfc00) return 'unique-local (fc00::/7)';
	if ((g[0] & 0xffc0) === 0xfe80) return 'link-local (fe80::/10)';
	if ((g[0] & 0xffc0) === 0xfec0) return 'site-local (fec0::/10)';
	if ((g[0] & 0xff00) === 0xff00) return 'multicast (ff00::/8)';
	return undefined;
}

/** Hostname without IPv6 brackets and without a trailing dot, lower case. */
function bareHost(u: URL): string {
	let h = u.hostname.toLowerCase();
	if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
	while (h.endsWith('.')) h = h.slice(0, -1);
	return h;
}

/** Why the URL's host is not a public internet host (by its text), or undefined. */
export function privateHostReason(u: URL): string | undefined {
	const h = bareHost(u);
	if (h === '') return 'empty host';
	if (h === 'localhost' || h.endsWith('.localhost')) return 'localhost';
	const v4 = parseIPv4(h);
	if (v4 !== undefined) return blockedIPv4Reason(v4);
	const v6 = parseIPv6(h);
	if (v6 !== undefined) return blockedIPv6Reason(v6);
	return undefined;
}

function isIpLiteral(u: URL): boolean {
	const h = bareHost(u);
	return parseIPv4(h) !== undefined || parseIPv6(h) !== undefined;
}

/**
 * Checks a URL the node will download the video from. Returns the parsed URL.
 * https only (http only when `allowPrivateNetworks`), no user:password@, and — unless
 * `allowPrivateNetworks` — the host must not be loopback, private, link-local, unique-local,
 * carrier-grade NAT, unspecified, multicast, `localhost` or `*.localhost` (by its text; see the file comment).
 */
export function assertDownloadableUrl(url: string, options: UrlSafetyOptions): URL {
	const u = parseAbsoluteUrl(url, 'video URL');
	const shown = redactUrl(u);
	if (u.protocol !== 'https:' && !(u.protocol === 'http:' && options.allowPrivateNetworks)) {
		throw new Error(
			u.protocol === 'http:'
				? `The video URL "${shown}" uses http://. Only https:// URLs can be downloaded; use the https:// address of the file`
				: `The video URL "${shown}" uses ${u.protocol.replace(/:$/, '')}, which cannot be downloaded. Use an https:// URL`,
		);
	}
	if (u.username || u.password) {
		throw new Error(
			`The video URL "${shown}" contains a user name or password (user:password@host). Remove them; use a link that works without logging in, such as a signed or public link`,
		);
	}
	if (!options.allowPrivateNetworks) {
		const reason = privateHostReason(u);
		if (reason) {
			throw new Error(
				`The video URL "${shown}" points to a ${reason} address, which is blocked for safety. Use a public https:// URL of the file`,
			);
		}
	}
	return u;
}

/** Why TikTok could not pull a URL, whatever it pulls (a video or a photo). */
export type PullUrlProblem = 'not_https' | 'credentials' | 'ip_address' | 'localhost';

/**
 * The rule for every URL TikTok pulls (PULL_FROM_URL: a video, or each photo of a photo post): https,
 * no user:password@, a domain name (TikTok verifies domains and URL prefixes, which cannot be IP
 * addresses), not localhost. With `allowPrivateNetworks` (Custom environment / local stand-in) http
 * and any host are allowed. Undefined when TikTok can pull it.
 */
export function pullUrlProblem(u: URL, options: Partial<UrlSafetyOptions> = {}): PullUrlProblem | undefined {
	const allowPrivate = options.allowPrivateNetworks === true;
	if (u.protocol !== 'https:' && !(u.protocol === 'http:' && allowPrivate)) return 'not_https';
	if (u.username || u.password) return 'credentials';
	if (allowPrivate) return undefined;
	if (isIpLiteral(u)) return 'ip_address';
	if (privateHostReason(u) === 'localhost') return 'localhost';
	return undefined;
}

/** What each problem means for a video URL (the error's headline; "shown" is the URL without its query). */
const VIDEO_PULL_URL_MESSAGES: Record<PullUrlProblem, (shown: string) => string> = {
	not_https: (shown) =>
		`The video URL "${shown}" must start with https://. TikTok only pulls videos over https from a domain or URL prefix verified in your TikTok app`,
	credentials: (shown) =>
		`The video URL "${shown}" contains a user name or password (user:password@host). TikTok cannot use such a URL; give a public https:// URL on your verified domain`,
	ip_address: (shown) =>
		`The video URL "${shown}" uses an IP address as its host. TikTok only pulls from a verified domain or URL prefix, which cannot be an IP address; use the domain name`,
	localhost: (shown) =>
		`The video URL "${shown}" points to localhost, which TikTok cannot reach. Use a public https:// URL on your verified domain`,
};

/** Checks a URL TikTok will pull the video from (pullUrlProblem). Returns the parsed URL. */
export function assertPullableUrl(url: string, options: Partial<UrlSafetyOptions> = {}): URL {
	const u = parseAbsoluteUrl(url, 'video URL for TikTok to pull');
	const problem = pullUrlProblem(u, options);
	if (problem) throw new Error(VIDEO_PULL_URL_MESSAGES[problem](redactUrl(u)));
	return u;
}
