/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/**
 * TikTok Trigger against the sandbox's real signed deliveries.
 *
 * A small HTTP server stands in for n8n's production webhook endpoint: for each request it loads a
 * copy of the workflow's static data (n8n reads it from the database per request), runs the node's
 * webhook() with the raw bytes and headers as received, saves the static data back (n8n writes the
 * whole object when it answers) and answers what n8n would. TikTok Publish Video posts a real video
 * to the sandbox, which then delivers its events to that endpoint.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';

import type { IDataObject } from 'n8n-workflow';

import { TikTokTrigger } from '../../nodes/TikTokTrigger/TikTokTrigger.node';
import { resetLocalDeduplication } from '../../nodes/TikTok/core/webhook/webhookDeduplication';
import {
	createWebhookContext,
	expectNoSecrets,
	n8nAnswer,
	SANDBOX_CLIENT_SECRET,
	sandboxCredentials,
	type LogLine,
	type TestCredentials,
} from '../helpers';
import type { Sandbox } from '../sandbox';
import { resetSandbox, runNode, startTestSandbox } from './fixture';
import { mp4Item } from './media';

const TRIGGER_RESPONSE_DATA = new TikTokTrigger().description.webhooks![0].responseData as string;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

interface Handled {
	status: number;
	body: unknown;
	run?: IDataObject[];
	logs: LogLine[];
}

/** n8n's production webhook endpoint, as far as a webhook node can tell. */
class N8nStandIn {
	server!: http.Server;
	url = '';
	staticData: IDataObject = {};
	handled: Handled[] = [];
	/** answer 503 (n8n unavailable) to the next N requests without running the node */
	down = 0;
	/**
	 * Requests hold after loading the static data until this many have loaded theirs (0: no hold):
	 * concurrent requests that all read the database before any of them writes, whatever the timing.
	 */
	loadTogether = 0;
	private loaded: Array<() => void> = [];
	parameters: Record<string, unknown> = { events: ['*'], options: {} };
	mode: 'webhook' | 'manual' = 'webhook';

	constructor(public credentials: TestCredentials | undefined) {}

	get runs(): IDataObject[] {
		return this.handled.flatMap((h) => h.run ?? []);
	}

	async start(): Promise<void> {
		this.server = http.createServer((req, res) => {
			const parts: Buffer[] = [];
			req.on('data', (c: Buffer) => parts.push(c));
			req.on('end', () => void this.handle(req, Buffer.concat(parts), res));
		});
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook/b4c1a7e2/webhook`;
	}

	async handle(req: http.IncomingMessage, rawBody: Buffer, res: http.ServerResponse): Promise<void> {
		if (this.down > 0) {
			this.down -= 1;
			res.writeHead(503).end('n8n is starting up. Please wait');
			return;
		}
		const staticData = clone(this.staticData);
		if (this.loadTogether > 0) await this.allLoaded();
		const ctx = createWebhookContext({
			request: { headers: req.headers as Record<string, string>, rawBody },
			parameters: this.parameters,
			credentials: this.credentials,
			staticData,
			mode: this.mode,
		});
		const result = await new TikTokTrigger().webhook.call(ctx);
		this.staticData = clone(staticData);
		const answer = n8nAnswer(result, ctx.harness, TRIGGER_RESPONSE_DATA);
		this.handled.push({ ...answer, logs: ctx.harness.logs });
		res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
	}

	private async allLoaded(): Promise<void> {
		await new Promise<void>((resolve) => {
			this.loaded.push(resolve);
			if (this.loaded.length < this.loadTogether) return;
			for (const release of this.loaded) release();
			this.loaded = [];
		});
	}

	close(): Promise<void> {
		return new Promise((resolve) => this.server.close(() => resolve()));
	}
}

let sandbox: Sandbox;
let n8n: N8nStandIn;

beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(async () => {
	resetSandbox(sandbox);
	resetLocalDeduplication();
	n8n = new N8nStandIn(sandboxCredentials(sandbox));
	await n8n.start();
	sandbox.configure({ webhook: { url: n8n.url, clientSecret: null, maxAttempts: 5, retryBaseMs: 40 } });
});
afterEach(async () => {
	sandbox.configure({ webhook: { url: null } });
	await n8n.close();
});

/** Publishes a 1 MB video with TikTok Publish Video and waits until the sandbox delivered its events. */
async function publishVideo(privacyLevel = 'PUBLIC_TO_EVERYONE') {
	const run = await runNode('publish', sandbox, { items: [mp4Item(1_000_000).item], parameters: { privacyLevel } });
	expect(run.error).toBeUndefined();
	// The node returns after it saw the final status (and, for a public post, the post id). The sandbox
	// announced both before answering that status call, and counts an announced event as pending at
	// once, so idle() already covers every delivery and its retries: no time to wait out first.
	await sandbox.webhooks.idle();
	return run.output![0].json as IDataObject & { publishId: string; postIds: string[]; postUrl: string };
}

const statuses = () => n8n.handled.map((h) => h.status);
const reasonsLogged = () => n8n.handled.flatMap((h) => h.logs.filter((l) => l.level === 'warn').map((l) => /\[(\w+)\]$/.exec(l.message)?.[1]));

/** Every answer, run and log line of the stand-in, scanned for the client secret and tokens. */
function expectNothingLeaked() {
	const creds = n8n.credentials!;
	expectNoSecrets({ handled: n8n.handled, staticData: n8n.staticData }, [SANDBOX_CLIENT_SECRET, creds.oauthTokenData!.access_token!, creds.oauthTokenData!.refresh_token!]);
}

describe('TikTok Trigger with the sandbox\'s signed deliveries', () => {
	it('a video published through TikTok Publish Video starts one run per event, with the exact post id and URL', async () => {
		n8n.parameters = { events: ['*'], options: { username: 'sandbox.shop' } };
		const posted = await publishVideo();
		expect(statuses()).toEqual([200, 200]);
		expect(n8n.runs.map((r) => r.event).sort()).toEqual(['post.publish.complete', 'post.publish.publicly_available']);

		const pub = n8n.runs.find((r) => r.event === 'post.publish.publicly_available')!;
		expect(posted.postIds).toHaveLength(1);
		expect(pub).toMatchObject({
			eventType: 'Post publicly available',
			publishId: posted.publishId,
			postId: posted.postIds[0], // 19 digits, exact
			postUrl: posted.postUrl, // same address as the posting node's
			publishType: 'direct',
			openId: sandbox.options.account.openId,
			clientKey: 'sandbox-client-key',
		});
		expect(BigInt(pub.postId as string) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
		const event = sandbox.webhooks.events.find((e) => e.event === 'post.publish.publicly_available')!;
		expect(pub.eventTime).toBe(new Date(event.createTime * 1000).toISOString()); // TikTok's create_time
		const complete = n8n.runs.find((r) => r.event === 'post.publish.complete')!;
		expect(complete).toMatchObject({ eventType: 'Post published', publishId: posted.publishId, postId: null, publishType: 'direct' });
		expectNothingLeaked();
	});

	it('a wrong signature and a stale timestamp get 401 and no run; a duplicate gets 200 and no second run', async () => {
		sandbox.configure({ faults: { webhookBadSignature: { times: 1 }, webhookStaleTimestamp: { times: 1 }, webhookDuplicate: { times: 2 } } });
		await publishVideo('SELF_ONLY'); // one event: post.publish.complete
		const kinds = sandbox.webhooks.deliveries.map((d) => [d.kind, d.status]);
		expect(kinds).toEqual([['bad_signature', 401], ['stale_timestamp', 401], ['genuine', 200], ['duplicate', 200]]);
		expect(n8n.runs).toHaveLength(1);
		expect(n8n.handled.map((h) => h.body)).toEqual([
			{ error: 'Unauthorized' },
			{ error: 'Unauthorized' },
			'', // a run started: 200 with an empty body
			{ received: true, duplicate: true },
		]);
		expect(reasonsLogged()).toEqual(['signature_mismatch', 'timestamp_out_of_tolerance']);
		expectNothingLeaked();
	});

	it('a replayed request (same bytes, same signature) starts nothing; once older than the tolerance it gets 401', async () => {
		n8n.parameters = { events: ['*'], options: { timestampToleranceSec: 1 } };
		await publishVideo('SELF_ONLY');
		const genuine = sandbox.webhooks.deliveries.find((d) => d.kind === 'genuine')!;
		// The replays reach the node at chosen times on its clock (Date.now, which the trigger reads), not
		// whenever a loaded machine gets to them: 1 s after the signed t is still inside the tolerance,
		// 2 s after is not.
		const clock = jest.spyOn(Date, 'now');
		try {
			clock.mockReturnValue((genuine.t + 1) * 1000);
			expect((await sandbox.webhooks.replay(genuine.id)).status).toBe(200); // within 1 s: caught as a duplicate
			clock.mockReturnValue((genuine.t + 2) * 1000);
			expect((await sandbox.webhooks.replay(genuine.id)).status).toBe(401);
		} finally {
			clock.mockRestore();
		}
		expect(n8n.runs).toHaveLength(1);
		expect(n8n.handled[1].body).toEqual({ received: true, duplicate: true });
		expect(reasonsLogged()).toEqual(['timestamp_out_of_tolerance']);
	});

	it('TikTok retries after n8n was unavailable: the event still starts exactly one run', async () => {
		n8n.down = 2;
		await publishVideo('SELF_ONLY');
		const genuine = sandbox.webhooks.deliveries.filter((d) => d.kind === 'genuine');
		expect(genuine.map((d) => d.status)).toEqual([503, 503, 200]);
		expect(n8n.runs).toHaveLength(1);
	});

	it('two deliveries of one event arriving together start one run (n8n loads the static data per request)', async () => {
		n8n.down = 1; // the first delivery is lost, so the event is new to the node
		await publishVideo('SELF_ONLY');
		expect(n8n.runs).toHaveLength(1); // TikTok's retry went through
		// now the same signed request twice at once, each request with its own copy of the static data
		const lost = sandbox.webhooks.deliveries.find((d) => d.kind === 'genuine' && d.status === 503)!;
		n8n.handled.length = 0;
		resetLocalDeduplication();
		n8n.staticData = {};
		n8n.loadTogether = 2; // both read the static data before either saves it
		const answers = await Promise.all([sandbox.webhooks.replay(lost.id), sandbox.webhooks.replay(lost.id)]);
		expect(answers.map((a) => a.status)).toEqual([200, 200]);
		expect(n8n.runs).toHaveLength(1);
		// the later save overwrote the earlier one, and still holds the key
		expect((n8n.staticData['node:TikTok Trigger'] as IDataObject).tiktokSeenEvents).toHaveLength(1);
	});

	it('the events filter: unselected events are acknowledged with 200 and start nothing', async () => {
		n8n.parameters = { events: ['post.publish.publicly_available'], options: {} };
		await publishVideo();
		expect(statuses()).toEqual([200, 200]);
		expect(n8n.runs.map((r) => r.event)).toEqual(['post.publish.publicly_available']);
		expect(n8n.handled.find((h) => !h.run)!.body).toEqual({ received: true });
	});

	it('test URL (manual mode): every valid event is shown, duplicates too; forged ones still get 401', async () => {
		n8n.mode = 'manual';
		sandbox.configure({ faults: { webhookBadSignature: { times: 1 }, webhookDuplicate: { times: 1 } } });
		await publishVideo('SELF_ONLY');
		expect(statuses()).toEqual([401, 200, 200]);
		expect(n8n.runs).toHaveLength(2);
		expect(n8n.staticData).toEqual({});
	});

	it('a credential without a client secret refuses everything (401) and logs an error, not the request', async () => {
		n8n.credentials = { ...n8n.credentials!, clientSecret: '' };
		sandbox.configure({ webhook: { maxAttempts: 1 } });
		await publishVideo('SELF_ONLY');
		expect(statuses()).toEqual([401]);
		expect(n8n.runs).toHaveLength(0);
		const errors = n8n.handled[0].logs.filter((l) => l.level === 'error');
		expect(errors).toHaveLength(1);
		expect(errors[0].message).toContain('[missing_secret]');
		expect(JSON.stringify(n8n.handled)).not.toContain('t=');
	});

	it('the sandbox signs with another app\'s secret: refused', async () => {
		sandbox.configure({ webhook: { clientSecret: 'some-other-apps-secret', maxAttempts: 2 } });
		await publishVideo('SELF_ONLY');
		expect(statuses()).toEqual([401, 401]);
		expect(n8n.runs).toHaveLength(0);
	});
});

describe('webhook() on hand-made requests', () => {
	const SECRET = SANDBOX_CLIENT_SECRET;
	const now = () => Math.floor(Date.now() / 1000);
	const signed = (body: string, secret = SECRET, t = now()) => ({
		'content-type': 'application/json',
		'tiktok-signature': `t=${t},s=${crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`,
	});

	async function call(body: string | undefined, headers: Record<string, string>, parameters: Record<string, unknown> = { events: ['*'], options: {} }) {
		const ctx = createWebhookContext({
			request: { headers, rawBody: body === undefined ? undefined : Buffer.from(body) },
			parameters,
			credentials: sandboxCredentials(sandbox),
		});
		const result = await new TikTokTrigger().webhook.call(ctx);
		return { ...n8nAnswer(result, ctx.harness, TRIGGER_RESPONSE_DATA), logs: ctx.harness.logs };
	}

	it('no raw body from n8n: 401 (the signature cannot be checked on re-serialised JSON)', async () => {
		const body = '{"event":"post.publish.complete","content":"{}"}';
		const answer = await call(undefined, signed(body));
		expect(answer.status).toBe(401);
		expect(answer.logs[0].message).toContain('[missing_body]');
	});

	const toleranceOption = (new TikTokTrigger().description.properties.find((p) => p.name === 'options')!.options as Array<{ name: string; default?: unknown }>).find(
		(o) => o.name === 'timestampToleranceSec',
	)!;

	it.each([
		['without the Timestamp Tolerance option', {}],
		['with the option added and left at its default', { timestampToleranceSec: toleranceOption.default }],
	])('%s a signed time up to 5 minutes old is accepted, older is refused', async (_name, options) => {
		const body = '{"event":"post.publish.complete","create_time":1733000000,"content":"{}"}';
		const parameters = { events: ['*'], options };
		const receivedAt = now();
		const clock = jest.spyOn(Date, 'now').mockReturnValue(receivedAt * 1000);
		try {
			expect((await call(body, signed(body, SECRET, receivedAt - 300), parameters)).status).toBe(200);
			const stale = await call(body, signed(body, SECRET, receivedAt - 301), parameters);
			expect(stale.status).toBe(401);
			expect(stale.logs[0].message).toContain('[timestamp_out_of_tolerance]');
		} finally {
			clock.mockRestore();
		}
	});

	it('no or malformed header: 401', async () => {
		expect((await call('{}', { 'content-type': 'application/json' })).status).toBe(401);
		expect((await call('{}', { 'content-type': 'application/json', 'tiktok-signature': 'sha256=abc' })).logs[0].message).toContain('[malformed_header]');
	});

	const everyAccount = { events: ['*'], accounts: 'allAccounts', options: {} };

	it('a signed body that is not JSON: 200 and a run with the text, for inspection (only with All Events and Every Account)', async () => {
		const body = 'not json at all';
		const all = await call(body, { ...signed(body), 'content-type': 'text/plain' }, everyAccount);
		expect(all.status).toBe(200);
		expect(all.run).toEqual([{ event: '', eventType: 'Unreadable event', error: 'The body is not valid JSON', rawBody: body }]);
		const filtered = await call(body, { ...signed(body), 'content-type': 'text/plain' }, { ...everyAccount, events: ['post.publish.failed'] });
		expect(filtered.run).toBeUndefined();
		// whose event it is cannot be read: the default (this credential's account) ignores it, and says so
		const ownOnly = await call(body, { ...signed(body), 'content-type': 'text/plain' });
		expect([ownOnly.status, ownOnly.run]).toEqual([200, undefined]);
		expect(ownOnly.logs.find((l) => l.level === 'warn')?.message).toMatch(/cannot read.*ignored/);
	});

	it('authorization.removed and unknown future events come through with their fields', async () => {
		const removed = '{"client_key":"sandbox-client-key","event":"authorization.removed","create_time":1733000000,"user_openid":"o-1","content":"{\\"reason\\":5}"}';
		expect((await call(removed, signed(removed), everyAccount)).run![0]).toMatchObject({ eventType: 'Authorization removed', authorizationRemovedText: 'The developer revoked the authorization', openId: 'o-1' });
		const future = '{"event":"video.comment.new","create_time":1733000001,"content":"{\\"comment_id\\":7308523530180699593}","extra":1}';
		expect((await call(future, signed(future), everyAccount)).run![0]).toMatchObject({ event: 'video.comment.new', eventType: 'video.comment.new', content: { comment_id: '7308523530180699593' }, extra: 1 });
	});

	describe('Accounts (default: this credential\'s account)', () => {
		const eventFor = (openId: string) =>
			JSON.stringify({ client_key: 'sandbox-client-key', event: 'post.publish.complete', create_time: 1733000000, user_openid: openId, content: '{"publish_id":"v_pub_file~v2-1.a"}' });
		const ownOpenId = () => sandbox.options.account.openId as string;

		it('the event of the connected account starts a run', async () => {
			const body = eventFor(ownOpenId());
			const answer = await call(body, signed(body));
			expect([answer.status, answer.run?.length, answer.run?.[0].openId]).toEqual([200, 1, ownOpenId()]);
		});

		it("another account's event is acknowledged (200, so TikTok does not retry) and starts nothing; the log names no id", async () => {
			const body = eventFor('open-id-other-account-0002');
			const answer = await call(body, signed(body));
			expect([answer.status, answer.run]).toEqual([200, undefined]);
			expect(answer.logs.map((l) => l.message).join('\n')).toMatch(/another account of the app, no run/);
			expect(answer.logs.map((l) => l.message).join('\n')).not.toMatch(/open-id-other-account|open-id-sandbox/);
		});

		it('Every Account of the App lets it through, with whose it is', async () => {
			const body = eventFor('open-id-other-account-0002');
			const answer = await call(body, signed(body), everyAccount);
			expect(answer.run?.[0]).toMatchObject({ openId: 'open-id-other-account-0002' });
		});

		it('a credential never connected (no open_id) cannot tell: ignored, with a warning that says what to do', async () => {
			const body = eventFor(ownOpenId());
			const credentials = sandboxCredentials(sandbox);
			delete credentials.oauthTokenData;
			const ctx = createWebhookContext({ request: { headers: signed(body), rawBody: Buffer.from(body) }, parameters: { events: ['*'], options: {} }, credentials });
			const answer = n8nAnswer(await new TikTokTrigger().webhook.call(ctx), ctx.harness, TRIGGER_RESPONSE_DATA);
			expect([answer.status, answer.run]).toEqual([200, undefined]);
			expect(ctx.harness.logs.find((l) => l.level === 'warn')?.message).toMatch(/not connected to a TikTok account.*Every Account of the App/);
		});

		it('is checked before the duplicate memory: an ignored event leaves no fingerprint', async () => {
			const body = eventFor('open-id-other-account-0003');
			const staticData: IDataObject = {};
			const ctx = createWebhookContext({ request: { headers: signed(body), rawBody: Buffer.from(body) }, parameters: { events: ['*'], options: {} }, credentials: sandboxCredentials(sandbox), staticData });
			await new TikTokTrigger().webhook.call(ctx);
			expect(JSON.stringify(staticData)).toBe('{}');
		});
	});

	it('the node description: one POST webhook answered on receipt, the TikTok credential, every documented event', () => {
		const { description } = new TikTokTrigger();
		expect(description.webhooks).toEqual([{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: 'noData', path: 'webhook' }]);
		expect(description.credentials).toEqual([{ name: 'tikTokOAuth2Api', required: true }]);
		expect(description.group).toEqual(['trigger']);
		const events = description.properties.find((p) => p.name === 'events')!;
		expect(events.default).toEqual(['*']);
		expect((events.options as Array<{ value: string }>).map((o) => o.value).sort()).toEqual(
			['*', 'authorization.removed', 'post.publish.complete', 'post.publish.failed', 'post.publish.inbox_delivered', 'post.publish.no_longer_publicaly_available', 'post.publish.publicly_available'].sort(),
		);
		const notice = description.properties.find((p) => p.type === 'notice')!;
		expect(notice.displayName).toMatch(/Production URL/);
		expect(notice.displayName).toMatch(/Webhooks.*Callback URL/);
		expect(notice.displayName).toMatch(/https/);
	});
});
