/** The Privacy Level list comes from the creator's own options, with no default and no invention. */
import { TikTokPublishVideo } from '../../nodes/TikTokPublishVideo/TikTokPublishVideo.node';
import { createTestContext, sandboxCredentials } from '../helpers';
import type { Sandbox } from '../sandbox';
import { resetSandbox, startTestSandbox } from './fixture';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => resetSandbox(sandbox));

async function privacyList() {
	const ctx = createTestContext({ credentials: sandboxCredentials(sandbox) });
	return await new TikTokPublishVideo().methods.loadOptions.getPrivacyLevels.call(ctx);
}

it('lists a public account its three levels, naming the account that will post', async () => {
	expect(await privacyList()).toEqual([
		{ name: 'Everyone', value: 'PUBLIC_TO_EVERYONE', description: 'PUBLIC_TO_EVERYONE, posting as Sandbox Shop' },
		{ name: 'Friends (Followers You Follow Back)', value: 'MUTUAL_FOLLOW_FRIENDS', description: 'MUTUAL_FOLLOW_FRIENDS, posting as Sandbox Shop' },
		{ name: 'Only Me', value: 'SELF_ONLY', description: 'SELF_ONLY, posting as Sandbox Shop' },
	]);
});

it("lists a private account's levels", async () => {
	sandbox.configure({ account: { private: true } });
	expect((await privacyList()).map((option) => option.value)).toEqual(['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY']);
});

it('lists only Only Me for an unaudited app', async () => {
	sandbox.configure({ clients: { 'sandbox-client-key': { audited: false } } });
	expect((await privacyList()).map((option) => option.value)).toEqual(['SELF_ONLY']);
});

it('the node has no default privacy level', () => {
	const property = new TikTokPublishVideo().description.properties.find((p) => p.name === 'privacyLevel');
	expect(property).toMatchObject({ default: '', required: true, typeOptions: { loadOptionsMethod: 'getPrivacyLevels' } });
});
