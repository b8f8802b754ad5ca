import {
	assertDownloadableUrl,
	assertPullableUrl,
	parseIPv4,
	parseIPv6,
	redactUrl,
} from '../../nodes/TikTok/core/media/urlSafety';

const strict = { allowPrivateNetworks: false };
const sandbox = { allowPrivateNetworks: true };

describe('assertDownloadableUrl', () => {
	it.each([
		'https://res.cloudinary.com/demo/video/upload/v1/dog.mp4',
		'https://example.com/videos/clip.mov?sig=abc',
		'https://8.8.8.8/v.mp4',
		'https://[2606:4700::1111]/v.mp4',
		'https://172.32.0.1/v.mp4',
		'https://100.128.0.1/v.mp4',
		'https://localhost.example.com/v.mp4',
	])('accepts %s', (url) => {
		expect(assertDownloadableUrl(url, strict)).toBeInstanceOf(URL);
	});

	it.each([
		['https://127.0.0.1/v.mp4', /loopback/],
		['https://127.8.9.10/v.mp4', /loopback/],
		['https://10.1.2.3/v.mp4', /private/],
		['https://172.16.0.1/v.mp4', /private/],
		['https://172.31.255.255/v.mp4', /private/],
		['https://192.168.1.10/v.mp4', /private/],
		['https://169.254.169.254/latest/meta-data', /link-local/],
		['https://100.64.0.1/v.mp4', /carrier-grade NAT/],
		['https://0.0.0.0/v.mp4', /unspecified/],
		['https://[::1]/v.mp4', /loopback/],
		['https://[::]/v.mp4', /unspecified/],
		['https://[fc00::1]/v.mp4', /unique-local/],
		['https://[fd12:3456::1]/v.mp4', /unique-local/],
		['https://[fe80::1]/v.mp4', /link-local/],
		['https://[::ffff:127.0.0.1]/v.mp4', /IPv4-mapped/],
		['https://[::ffff:a9fe:a9fe]/v.mp4', /IPv4-mapped/],
		['https://localhost/v.mp4', /localhost/],
		['https://LOCALHOST./v.mp4', /localhost/],
		['https://api.localhost/v.mp4', /localhost/],
		['https://2130706433/v.mp4', /loopback/], // decimal form of 127.0.0.1, normalised by the URL parser
		['https://0x7f.1/v.mp4', /loopback/],
	])('blocks %s', (url, reason) => {
		expect(() => assertDownloadableUrl(url, strict)).toThrow(reason);
		expect(() => assertDownloadableUrl(url, strict)).toThrow(/public https:\/\/ URL/);
	});

	it('allows private hosts and http when private networks are allowed (Custom environment)', () => {
		expect(assertDownloadableUrl('http://127.0.0.1:8080/v.mp4', sandbox).port).toBe('8080');
		expect(assertDownloadableUrl('https://192.168.1.10/v.mp4', sandbox)).toBeInstanceOf(URL);
	});

	it('requires https', () => {
		expect(() => assertDownloadableUrl('http://example.com/v.mp4', strict)).toThrow(/uses http:\/\/.*https:\/\//);
		expect(() => assertDownloadableUrl('ftp://example.com/v.mp4', strict)).toThrow(/ftp/);
		expect(() => assertDownloadableUrl('file:///etc/passwd', sandbox)).toThrow(/https/);
		expect(() => assertDownloadableUrl('data:video/mp4;base64,AAAA', sandbox)).toThrow(/https/);
	});

	it('rejects credentials in the URL without repeating them', () => {
		const check = () => assertDownloadableUrl('https://user:hunter2@example.com/v.mp4', strict);
		expect(check).toThrow(/user name or password/);
		try {
			check();
		} catch (e) {
			expect((e as Error).message).not.toContain('hunter2');
		}
		expect(() => assertDownloadableUrl('https://user@example.com/v.mp4', sandbox)).toThrow(/user name or password/);
	});

	it('rejects relative, empty and malformed URLs', () => {
		expect(() => assertDownloadableUrl('/videos/a.mp4', strict)).toThrow(/not a valid absolute URL/);
		expect(() => assertDownloadableUrl('', strict)).toThrow(/empty/);
		expect(() => assertDownloadableUrl('   ', strict)).toThrow(/empty/);
		expect(() => assertDownloadableUrl('https://', strict)).toThrow(/not a valid absolute URL/);
	});
});

describe('assertPullableUrl', () => {
	it('accepts an https URL on a domain', () => {
		expect(assertPullableUrl('https://cdn.example.com/videos/a.mp4').hostname).toBe('cdn.example.com');
	});

	it('requires https', () => {
		expect(() => assertPullableUrl('http://cdn.example.com/a.mp4')).toThrow(/must start with https:\/\//);
	});

	it('rejects credentials', () => {
		expect(() => assertPullableUrl('https://a:b@cdn.example.com/a.mp4')).toThrow(/user name or password/);
	});

	it.each(['https://8.8.8.8/a.mp4', 'https://[2606:4700::1111]/a.mp4', 'https://127.0.0.1/a.mp4'])(
		'rejects the IP host %s',
		(url) => {
			expect(() => assertPullableUrl(url)).toThrow(/IP address/);
		},
	);

	it('rejects localhost', () => {
		expect(() => assertPullableUrl('https://localhost/a.mp4')).toThrow(/localhost/);
	});

	it('allows http and IP hosts for the sandbox (Custom environment)', () => {
		expect(assertPullableUrl('http://127.0.0.1:4010/media/a.mp4', sandbox).port).toBe('4010');
		expect(() => assertPullableUrl('ftp://127.0.0.1/a.mp4', sandbox)).toThrow(/https/);
	});
});

describe('helpers', () => {
	it('redactUrl drops credentials, query and fragment', () => {
		expect(redactUrl('https://u:p@up.tiktokapis.com/upload/?upload_token=SECRET#x')).toBe('https://up.tiktokapis.com/upload/');
		expect(redactUrl('not a url?token=SECRET')).toBe('not a url');
	});

	it('parses IP literals', () => {
		expect(parseIPv4('192.168.0.1')).toBe(0xc0a80001);
		expect(parseIPv4('256.1.1.1')).toBeUndefined();
		expect(parseIPv4('example.com')).toBeUndefined();
		expect(parseIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
		expect(parseIPv6('[fe80::1%eth0]')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
		expect(parseIPv6('::ffff:10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]);
		expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
		expect(parseIPv6('1::2::3')).toBeUndefined();
		expect(parseIPv6('example.com')).toBeUndefined();
	});
});
