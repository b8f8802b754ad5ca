import { startSandbox, Sandbox } from '../sandbox';
import { api, fileUploadInit, sleep } from './helpers';

const NO_LIMITS = { rateLimits: { init: 1000, creatorInfo: 1000, status: 1000 } };
const VIDEO_INIT = '/post/publish/video/init/';
const INBOX_INIT = '/post/publish/inbox/video/init/';
const CREATOR_INFO = '/post/publish/creator_info/query/';
const smallInit = (postInfo: Record<string, unknown>) => fileUploadInit(1000, 1000, 1, postInfo);

describe('sandbox v2 API', () => {
	let sandbox: Sandbox;
	let token: string;
	beforeAll(async () => {
		sandbox = await startSandbox(NO_LIMITS);
	});
	afterAll(() => sandbox.close());
	beforeEach(() => {
		sandbox.reset();
		sandbox.configure({ account: { private: false }, clients: { 'sandbox-client-key': { audited: true } }, faults: { cannotPost: null } });
		token = sandbox.mintToken().access_token;
	});

	describe('authentication and envelope', () => {
		it('answers 401 access_token_invalid without or with an unknown bearer token', async () => {
			for (const t of [null, 'act.unknown']) {
				const res = await api(sandbox, t, 'POST', CREATOR_INFO);
				expect(res.status).toBe(401);
				expect(res.json).toEqual({ data: {}, error: { code: 'access_token_invalid', message: expect.any(String), log_id: expect.any(String) } });
			}
		});

		it('answers 401 scope_not_authorized when the token lacks the endpoint scope', async () => {
			const uploadOnly = sandbox.mintToken({ scopes: 'user.info.basic,video.upload' }).access_token;
			expect((await api(sandbox, uploadOnly, 'POST', CREATOR_INFO)).json.error.code).toBe('scope_not_authorized');
			expect((await api(sandbox, uploadOnly, 'POST', VIDEO_INIT, smallInit({ privacy_level: 'SELF_ONLY' }))).status).toBe(401);
			const publishOnly = sandbox.mintToken({ scopes: 'user.info.basic,video.publish' }).access_token;
			expect((await api(sandbox, publishOnly, 'POST', INBOX_INIT, { source_info: smallInit({}).source_info })).code).toBe('scope_not_authorized');
		});

		it('posting endpoints require Content-Type application/json (charset optional)', async () => {
			const body = JSON.stringify(smallInit({ privacy_level: 'SELF_ONLY' }));
			const wrong = await api(sandbox, token, 'POST', VIDEO_INIT, body, { 'Content-Type': 'text/plain' });
			expect(wrong.status).toBe(400);
			expect(wrong.code).toBe('invalid_params');
			expect((await api(sandbox, token, 'POST', VIDEO_INIT, body, { 'Content-Type': 'application/json' })).code).toBe('ok');
		});
	});

	describe('user/info', () => {
		it('returns the basic fields asked for', async () => {
			const res = await api(sandbox, token, 'GET', '/user/info/?fields=open_id,union_id,avatar_url,display_name');
			expect(res.json.data.user).toEqual({ open_id: 'open-id-sandbox-0001', union_id: expect.any(String), avatar_url: expect.any(String), display_name: 'Sandbox Shop' });
		});

		it('requires fields', async () => {
			expect((await api(sandbox, token, 'GET', '/user/info/')).code).toBe('invalid_params');
		});

		it('profile fields need user.info.profile: 400 scope_permission_missed', async () => {
			const basic = sandbox.mintToken({ scopes: 'user.info.basic,video.publish' }).access_token;
			const res = await api(sandbox, basic, 'GET', '/user/info/?fields=open_id,username');
			expect(res.status).toBe(400);
			expect(res.code).toBe('scope_permission_missed');
			expect((await api(sandbox, token, 'GET', '/user/info/?fields=username,is_verified')).json.data.user).toEqual({ username: 'sandbox.shop', is_verified: false });
		});

		it('the identity follows the configured account', async () => {
			const other = await startSandbox({ account: { openId: 'open-2', displayName: 'Other', username: 'other.one' } });
			try {
				const t = other.mintToken().access_token;
				expect((await api(other, t, 'GET', '/user/info/?fields=open_id,display_name,username')).json.data.user).toEqual({ open_id: 'open-2', display_name: 'Other', username: 'other.one' });
			} finally {
				await other.close();
			}
		});
	});

	describe('creator_info', () => {
		it('public account options', async () => {
			const res = await api(sandbox, token, 'POST', CREATOR_INFO);
			expect(res.json.data).toEqual({
				creator_avatar_url: expect.any(String),
				creator_username: 'sandbox.shop',
				creator_nickname: 'Sandbox Shop',
				privacy_level_options: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
				comment_disabled: false,
				duet_disabled: false,
				stitch_disabled: false,
				max_video_post_duration_sec: 600,
			});
		});

		it('private account, disabled interactions and max duration', async () => {
			sandbox.configure({ account: { private: true }, creator: { commentDisabled: true, maxVideoPostDurationSec: 180 } });
			try {
				const { data } = (await api(sandbox, token, 'POST', CREATOR_INFO)).json;
				expect(data.privacy_level_options).toEqual(['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY']);
				expect(data).toMatchObject({ comment_disabled: true, duet_disabled: true, stitch_disabled: true, max_video_post_duration_sec: 180 });
			} finally {
				sandbox.configure({ creator: { commentDisabled: false, maxVideoPostDurationSec: 600 } });
			}
		});

		it('unaudited client: only SELF_ONLY is offered', async () => {
			sandbox.configure({ clients: { 'sandbox-client-key': { audited: false } } });
			expect((await api(sandbox, token, 'POST', CREATOR_INFO)).json.data.privacy_level_options).toEqual(['SELF_ONLY']);
		});

		it('daily cap: creator_info answers HTTP 200 with spam_risk_too_many_posts, init 403 with the same code', async () => {
			sandbox.configure({ faults: { cannotPost: 'spam_risk_too_many_posts' } });
			const info = await api(sandbox, token, 'POST', CREATOR_INFO);
			expect(info.status).toBe(200);
			expect(info.code).toBe('spam_risk_too_many_posts');
			const init = await api(sandbox, token, 'POST', VIDEO_INIT, smallInit({ privacy_level: 'SELF_ONLY' }));
			expect(init.status).toBe(403);
			expect(init.code).toBe('spam_risk_too_many_posts');
		});
	});

	describe('video/init post_info rules', () => {
		it('privacy_level is required and must be one of the options: 403 privacy_level_option_mismatch', async () => {
			for (const postInfo of [{}, { privacy_level: 'FOLLOWER_OF_CREATOR' }, { privacy_level: 'public' }]) {
				const res = await api(sandbox, token, 'POST', VIDEO_INIT, smallInit(postInfo));
				expect(res.status).toBe(403);
				expect(res.code).toBe('privacy_level_option_mismatch');
			}
			expect((await api(sandbox, token, 'POST', VIDEO_INIT, smallInit({ privacy_level: 'PUBLIC_TO_EVERYONE' }))).code).toBe('ok');
		});

		it('unaudited client + public account: 403 even with SELF_ONLY; private account + SELF_ONLY works', async () => {
			sandbox.configure({ clients: { 'sandbox-client-key': { audited: false } } });
			const res = await api(sandbox, token, 'POST', VIDEO_INIT, smallInit({ privacy_level: 'SELF_ONLY' }));
			expect(res.status).toBe(403);
			expect(res.code).toBe('unaudited_client_can_only_post_to_private_accounts');
			sandbox.configure({ account: { private: true } });
			expect((await api(sandbox, token, 'POST', VIDEO_INIT, smallInit({ privacy_level: 'SELF_ONLY' }))).code).toBe('ok');
			expect((await api(sandbox, token, 'POST', VIDEO_INIT, smallInit({ privacy_level: 'FOLLOWER_OF_CREATOR' }))).code).toBe('privacy_level_option_mismatch');
		});

		it('title: 2200 UTF-16 code units accepted, 2201 refused (emoji count twice)', async () => {
			const emoji = '\u{1F600}'; // one code point, two UTF-16 units
			const title2200 = emoji.repeat(1100);
			expect([...title2200].length).toBe(1100);
			expect(title2200.length).toBe(2200);
			expect((await api(sandbox, token, 'POST', VIDEO_INIT, smallInit({ privacy_level: 'SELF_ONLY', title: title2200 }))).code).toBe('ok');
			const res = await api(sandbox, token, 'POST', VIDEO_INIT, smallInit({ privacy_level: 'SELF_ONLY', title: title2200 + 'a' }));
			expect(res.status).toBe(400);
			expect(res.code).toBe('invalid_param');
		});

		it('branded content cannot be SELF_ONLY', async () => {
			const res = await api(sandbox, token, 'POST', VIDEO_INIT, smallInit({ privacy_level: 'SELF_ONLY', brand_content_toggle: true }));
			expect(res.status).toBe(400);
			expect(res.code).toBe('invalid_param');
			expect(res.json.error.message).toMatch(/Branded content cannot be private/);
			expect((await api(sandbox, token, 'POST', VIDEO_INIT, smallInit({ privacy_level: 'MUTUAL_FOLLOW_FRIENDS', brand_content_toggle: true }))).code).toBe('ok');
		});

		it('video_cover_timestamp_ms must be a non-negative integer', async () => {
			for (const bad of [-1, 1.5, '100']) {
				expect((await api(sandbox, token, 'POST', VIDEO_INIT, smallInit({ privacy_level: 'SELF_ONLY', video_cover_timestamp_ms: bad }))).code).toBe('invalid_param');
			}
			expect((await api(sandbox, token, 'POST', VIDEO_INIT, smallInit({ privacy_level: 'SELF_ONLY', video_cover_timestamp_ms: 0 }))).code).toBe('ok');
		});

		it('returns a publish_id and an upload_url for FILE_UPLOAD', async () => {
			const res = await api(sandbox, token, 'POST', VIDEO_INIT, smallInit({ privacy_level: 'SELF_ONLY' }));
			expect(res.json.data.publish_id).toMatch(/^v_pub_file~v2-1\.\d+$/);
			expect(res.json.data.upload_url).toMatch(/\/upload\/video\/\?upload_id=\d+&upload_token=/);
		});
	});

	describe('inbox/video/init', () => {
		it('accepts and silently ignores post_info, recording the init body', async () => {
			const body = { post_info: { title: 'ignored', privacy_level: 'nonsense' }, source_info: smallInit({}).source_info };
			const res = await api(sandbox, token, 'POST', INBOX_INIT, body);
			expect(res.code).toBe('ok');
			expect(res.json.data.publish_id).toMatch(/^v_inbox_file~v2\./);
			expect(sandbox.publishes.get(res.json.data.publish_id)).toMatchObject({ mode: 'inbox', source: 'FILE_UPLOAD', initBody: body });
		});
	});

	describe('content/init (photos)', () => {
		it('PULL_FROM_URL only, 1 to 35 verified images, a valid cover index', async () => {
			sandbox.configure({ verifiedUrlPrefixes: [sandbox.mediaBaseUrl] });
			const images = (n: number) => Array.from({ length: n }, (_, i) => `${sandbox.mediaBaseUrl}p${i}.jpg`);
			const photo = (source: Record<string, unknown>) => ({ media_type: 'PHOTO', post_mode: 'DIRECT_POST', post_info: { privacy_level: 'SELF_ONLY', title: 'Photos', brand_content_toggle: false, brand_organic_toggle: false }, source_info: source });
			expect((await api(sandbox, token, 'POST', '/post/publish/content/init/', photo({ source: 'FILE_UPLOAD', photo_images: images(1), photo_cover_index: 0 }))).code).toBe('invalid_param');
			expect((await api(sandbox, token, 'POST', '/post/publish/content/init/', photo({ source: 'PULL_FROM_URL', photo_images: images(36), photo_cover_index: 0 }))).code).toBe('invalid_param');
			expect((await api(sandbox, token, 'POST', '/post/publish/content/init/', photo({ source: 'PULL_FROM_URL', photo_images: images(2), photo_cover_index: 2 }))).code).toBe('invalid_param');
			expect((await api(sandbox, token, 'POST', '/post/publish/content/init/', photo({ source: 'PULL_FROM_URL', photo_images: ['https://unverified.example.com/a.jpg'], photo_cover_index: 0 }))).code).toBe('url_ownership_unverified');
			const ok = await api(sandbox, token, 'POST', '/post/publish/content/init/', photo({ source: 'PULL_FROM_URL', photo_images: images(35), photo_cover_index: 3 }));
			expect(ok.code).toBe('ok');
			expect(ok.json.data.publish_id).toMatch(/^p_pub_url~v2\./);
		});
	});

	describe('rate limits per access token (sliding window)', () => {
		it('init 6, creator_info 20, status 30 per window; separate per token; window slides', async () => {
			// 60 calls must fit in one window even on a loaded 2-core machine (300 ms did not)
			const windowMs = 2000;
			const limited = await startSandbox({ rateLimits: { windowMs } });
			try {
				const a = limited.mintToken().access_token;
				const b = limited.mintToken().access_token;
				const init = (t: string, path = VIDEO_INIT) => api(limited, t, 'POST', path, path === INBOX_INIT ? { source_info: smallInit({}).source_info } : smallInit({ privacy_level: 'SELF_ONLY' }));
				// the three init endpoints share one counter
				for (let i = 0; i < 3; i++) expect((await init(a)).code).toBe('ok');
				for (let i = 0; i < 3; i++) expect((await init(a, INBOX_INIT)).code).toBe('ok');
				const refused = await init(a);
				expect(refused.status).toBe(429);
				expect(refused.code).toBe('rate_limit_exceeded');
				expect((await init(b)).code).toBe('ok');
				for (let i = 0; i < 20; i++) expect((await api(limited, a, 'POST', CREATOR_INFO)).code).toBe('ok');
				expect((await api(limited, a, 'POST', CREATOR_INFO)).status).toBe(429);
				for (let i = 0; i < 30; i++) expect((await api(limited, a, 'POST', '/post/publish/status/fetch/', { publish_id: 'x' })).status).toBe(400);
				expect((await api(limited, a, 'POST', '/post/publish/status/fetch/', { publish_id: 'x' })).status).toBe(429);
				await sleep(windowMs + 20);
				expect((await init(a)).code).toBe('ok');
				expect((await api(limited, a, 'POST', CREATOR_INFO)).code).toBe('ok');
			} finally {
				await limited.close();
			}
		});
	});

	describe('status/fetch and cancel', () => {
		it('unknown publish_id -> invalid_publish_id; another user -> token_not_authorized_for_specified_publish_id', async () => {
			expect((await api(sandbox, token, 'POST', '/post/publish/status/fetch/', { publish_id: 'v_pub_file~v2-1.1' })).code).toBe('invalid_publish_id');
			const init = await api(sandbox, token, 'POST', VIDEO_INIT, smallInit({ privacy_level: 'SELF_ONLY' }));
			const stranger = sandbox.mintToken({ openId: 'someone-else' }).access_token;
			expect((await api(sandbox, stranger, 'POST', '/post/publish/status/fetch/', { publish_id: init.json.data.publish_id })).code).toBe('token_not_authorized_for_specified_publish_id');
		});

		it('FILE_UPLOAD publishes are not cancellable', async () => {
			const init = await api(sandbox, token, 'POST', VIDEO_INIT, smallInit({ privacy_level: 'SELF_ONLY' }));
			expect((await api(sandbox, token, 'POST', '/post/publish/cancel/', { publish_id: init.json.data.publish_id })).code).toBe('publish_not_cancellable');
		});
	});
});
