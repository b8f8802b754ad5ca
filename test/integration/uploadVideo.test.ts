/** TikTok Upload Video (draft to the inbox) against the TikTok sandbox. */
import type { Sandbox } from '../sandbox';
import { initCalls, onlyPublish, resetSandbox, runNode, startTestSandbox } from './fixture';
import { mp4Item } from './media';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => resetSandbox(sandbox));

it('sends only source_info to the inbox endpoint and returns SEND_TO_USER_INBOX', async () => {
	const video = mp4Item(12_000_000);
	const run = await runNode('upload', sandbox, { items: [video.item] });
	expect(run.error).toBeUndefined();
	const record = onlyPublish(sandbox);
	expect(record.mode).toBe('inbox');
	expect(Object.keys(record.initBody)).toEqual(['source_info']);
	expect(record.sha256).toBe(video.sha256);
	expect(sandbox.countCalls('/post/publish/inbox/video/init/')).toBe(1);
	expect(sandbox.countCalls('/creator_info/query/')).toBe(0);
	expect(run.output![0].json).toMatchObject({
		publishId: record.publishId,
		status: 'SEND_TO_USER_INBOX',
		mode: 'draft',
		chunksSent: 1,
		note: expect.stringMatching(/inbox/),
	});
});

it('explains the pending-drafts limit', async () => {
	sandbox.configure({ faults: { initError: { code: 'spam_risk_too_many_pending_share', status: 403, times: 1 } } });
	const run = await runNode('upload', sandbox, { items: [mp4Item(1_000_000).item] });
	expect(run.error?.message).toMatch(/spam_risk_too_many_pending_share/);
	expect(`${run.error?.message} ${run.error?.description}`).toMatch(/5/);
	expect(initCalls(sandbox)).toBe(1);
});

it('uploads a draft from a URL by downloading it', async () => {
	const run = await runNode('upload', sandbox, {
		parameters: { source: 'url', uploadMethod: 'download', videoUrl: `${sandbox.mediaBaseUrl}draft.mp4?bytes=7000000` },
	});
	expect(run.error).toBeUndefined();
	expect(run.output![0].json).toMatchObject({ status: 'SEND_TO_USER_INBOX', uploadMethod: 'download_and_upload', bytesSent: 7_000_000 });
});
