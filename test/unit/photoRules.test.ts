import { buildPhotoInitBody, photoPostProblems, photoUrlProblems, photoUrlsFrom, type PhotoPost } from '../../nodes/TikTok/core/photo/photoRules';

describe('photoUrlsFrom', () => {
	it('one URL per line, blank lines and spaces dropped', () => {
		expect(photoUrlsFrom(' https://a.example/1.jpg \r\n\nhttps://a.example/2.webp\n  ')).toEqual(['https://a.example/1.jpg', 'https://a.example/2.webp']);
	});

	it('Cloudinary URLs keep their commas', () => {
		expect(photoUrlsFrom('https://res.cloudinary.com/demo/image/upload/w_1080,h_1350,c_fill/shirt.jpg')).toHaveLength(1);
	});

	it('an array from the item: strings, or objects with src (WooCommerce product images) or url', () => {
		expect(photoUrlsFrom(['https://a.example/1.jpg', { id: 3, src: 'https://shop.example/2.jpg', alt: '' }, { url: 'https://a.example/3.jpg' }])).toEqual([
			'https://a.example/1.jpg',
			'https://shop.example/2.jpg',
			'https://a.example/3.jpg',
		]);
	});

	it('a JSON array typed as text', () => {
		expect(photoUrlsFrom('["https://a.example/1.jpg", {"src": "https://a.example/2.jpg"}]')).toEqual(['https://a.example/1.jpg', 'https://a.example/2.jpg']);
	});

	it.each([
		[42, /must be text/],
		['[not json', /not a valid JSON array/],
		['{"src": "x"}', /.*/],
		[[{ id: 1 }], /Entry 1 .* without a "src" or "url"/],
		[['https://a.example/1.jpg', 7], /Entry 2 .* not a URL \(got number\)/],
	])('refuses %j', (value, message) => {
		if (typeof value === 'string' && value.startsWith('{')) {
			// not an array: one line of text, judged later as a URL
			expect(photoUrlsFrom(value)).toEqual([value]);
			return;
		}
		expect(() => photoUrlsFrom(value)).toThrow(message);
	});

	it('nothing gives an empty list (refused by photoUrlProblems)', () => {
		expect(photoUrlsFrom(undefined)).toEqual([]);
		expect(photoUrlsFrom('')).toEqual([]);
	});
});

describe('photoUrlProblems', () => {
	const tiktok = { allowPrivateNetworks: false };
	const urls = (n: number) => Array.from({ length: n }, (_, i) => `https://media.example.com/p${i}.jpg`);

	it('1 to 35 https photos on a domain are fine', () => {
		expect(photoUrlProblems(urls(1), tiktok)).toEqual([]);
		expect(photoUrlProblems(urls(35), tiktok)).toEqual([]);
	});

	it('none, or more than 35', () => {
		expect(photoUrlProblems([], tiktok)[0]).toMatch(/No photo URLs given/);
		expect(photoUrlProblems(urls(36), tiktok)).toEqual(['36 photo URLs given; TikTok takes at most 35 photos in one post. Split them into several posts.']);
	});

	it('names the position of each bad URL, without its query string', () => {
		const problems = photoUrlProblems(
			[
				'https://media.example.com/ok.jpg',
				'http://media.example.com/p.jpg?sig=secret',
				'https://user:pw@media.example.com/p.jpg',
				'https://203.0.113.7/p.jpg',
				'https://[2001:db8::1]/p.jpg',
				'https://localhost/p.jpg',
				'media.example.com/p.jpg',
				'ftp://media.example.com/p.jpg',
			],
			tiktok,
		);
		expect(problems).toHaveLength(7);
		expect(problems[0]).toBe('Photo 2 of 8 (http://media.example.com/p.jpg) does not start with https://. TikTok only pulls photos over https, from a domain or URL prefix verified for your app.');
		expect(problems.join('\n')).not.toContain('secret');
		expect(problems[1]).toMatch(/^Photo 3 of 8 .*user name or password/);
		expect(problems[2]).toMatch(/^Photo 4 of 8 .*IP address/);
		expect(problems[3]).toMatch(/^Photo 5 of 8 .*IP address/);
		expect(problems[4]).toMatch(/^Photo 6 of 8 .*localhost/);
		expect(problems[5]).toMatch(/^Photo 7 of 8 .*not a full URL/);
		expect(problems[6]).toMatch(/^Photo 8 of 8 .*https/);
	});

	it('the Custom environment (local sandbox) accepts http and IP hosts', () => {
		expect(photoUrlProblems(['http://127.0.0.1:8080/media/p.jpg'], { allowPrivateNetworks: true })).toEqual([]);
	});
});

describe('photoPostProblems', () => {
	const post = (overrides: Partial<PhotoPost> = {}): PhotoPost => ({
		mode: 'direct',
		imageUrls: ['https://m.example/1.jpg', 'https://m.example/2.jpg'],
		coverIndex: 0,
		title: 'Linen shirt',
		description: 'New in the shop',
		direct: { privacyLevel: 'SELF_ONLY', allowComments: false, autoAddMusic: false, commercialContent: false, yourBrand: false, brandedContent: false, isAiGenerated: false },
		...overrides,
	});

	it('a good post has no problem', () => expect(photoPostProblems(post())).toEqual([]));

	it('title: 90 UTF-16 units (emoji count 2), description: 4000', () => {
		expect(photoPostProblems(post({ title: 'x'.repeat(90) }))).toEqual([]);
		expect(photoPostProblems(post({ title: '😀'.repeat(45) }))).toEqual([]);
		expect(photoPostProblems(post({ title: `${'😀'.repeat(45)}!` }))[0]).toMatch(/title is 91 characters .* limit for photo posts is 90. Shorten it by 1/);
		expect(photoPostProblems(post({ description: 'd'.repeat(4000) }))).toEqual([]);
		expect(photoPostProblems(post({ description: 'd'.repeat(4001) }))[0]).toMatch(/description is 4001 .* limit is 4000/);
	});

	it.each([-1, 2, 0.5, Number.NaN])('cover index %p out of range for 2 photos', (coverIndex) => {
		expect(photoPostProblems(post({ coverIndex }))[0]).toMatch(/Cover Photo Index must be a whole number from 0 \(the first photo\) to 1 \(the last of 2 photos\)/);
	});

	it('commercial disclosure needs Your Brand and/or Branded Content (TikTok\'s own hint text)', () => {
		const direct = { ...post().direct!, commercialContent: true };
		expect(photoPostProblems(post({ direct }))[0]).toMatch(/^You need to indicate if your content promotes yourself, a third party, or both/);
		expect(photoPostProblems(post({ direct: { ...direct, yourBrand: true } }))).toEqual([]);
	});
});

describe('buildPhotoInitBody', () => {
	const imageUrls = ['https://m.example/1.jpg', 'https://m.example/2.webp'];

	it('direct post: TikTok\'s fields, comments off unless allowed, brand flags, is_aigc at the top level only when on', () => {
		const direct = { privacyLevel: 'PUBLIC_TO_EVERYONE', allowComments: true, autoAddMusic: true, commercialContent: true, yourBrand: true, brandedContent: false, isAiGenerated: true };
		expect(buildPhotoInitBody({ mode: 'direct', imageUrls, coverIndex: 1, title: 'T', description: 'D', direct })).toEqual({
			media_type: 'PHOTO',
			post_mode: 'DIRECT_POST',
			post_info: { title: 'T', description: 'D', privacy_level: 'PUBLIC_TO_EVERYONE', disable_comment: false, auto_add_music: true, brand_content_toggle: false, brand_organic_toggle: true },
			source_info: { source: 'PULL_FROM_URL', photo_images: imageUrls, photo_cover_index: 1 },
			is_aigc: true,
		});
		const quiet = buildPhotoInitBody({ mode: 'direct', imageUrls, coverIndex: 0, title: '', description: '', direct: { ...direct, allowComments: false, commercialContent: false, isAiGenerated: false } });
		expect(quiet.post_info).toEqual({ privacy_level: 'PUBLIC_TO_EVERYONE', disable_comment: true, auto_add_music: true, brand_content_toggle: false, brand_organic_toggle: false });
		expect(quiet).not.toHaveProperty('is_aigc');
	});

	it('draft: only title and description, whatever else is set (TikTok ignores the rest, G9)', () => {
		const body = buildPhotoInitBody({
			mode: 'inbox',
			imageUrls,
			coverIndex: 0,
			title: 'T',
			description: 'D',
			direct: { privacyLevel: 'SELF_ONLY', allowComments: true, autoAddMusic: true, commercialContent: true, yourBrand: true, brandedContent: true, isAiGenerated: true },
		});
		expect(body).toEqual({ media_type: 'PHOTO', post_mode: 'MEDIA_UPLOAD', post_info: { title: 'T', description: 'D' }, source_info: { source: 'PULL_FROM_URL', photo_images: imageUrls, photo_cover_index: 0 } });
	});
});
