/**
 * README's Troubleshooting quotes the messages users see: each quote must be the message the package
 * builds today for that situation, so a reworded message cannot leave a stale quote behind.
 */
import type { INode } from 'n8n-workflow';

import { tikTokErrorMessage } from '../../nodes/TikTok/core/tiktok/errors';
import { tikTokTokenError } from '../../nodes/TikTok/core/tiktok/tokenErrors';
import { creatorProblems } from '../../nodes/TikTok/core/post/directPostRules';
import { readPage, section as sectionOf } from '../helpers/markdown';

const section = sectionOf(readPage('README.md'), 'Troubleshooting');
const quotes = section
	.split('\n')
	.filter((line) => line.startsWith('> '))
	.map((line) => line.slice(2));

const node = { name: 'TikTok Publish Video', type: 'tikTokPublishVideo', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;
const privateAccount = { commentDisabled: false, duetDisabled: true, stitchDisabled: true };
const expected: Record<string, string> = {
	// what the sandbox (like TikTok) answers a wrong secret with, as n8n stores it
	'wrong secret': tikTokTokenError(node, 'connect', { error: 'invalid_client', errorDescription: 'Client secret is invalid.' }).message,
	'unverified domain': tikTokErrorMessage({ code: 'url_ownership_unverified' }),
	'unaudited app, privacy': creatorProblems(
		{ privacyLevel: 'PUBLIC_TO_EVERYONE' } as never,
		{ ...privateAccount, privacyLevelOptions: ['SELF_ONLY'] },
	)[0],
	'unaudited app, public account': tikTokErrorMessage({ code: 'unaudited_client_can_only_post_to_private_accounts' }),
	'private account, duet': creatorProblems(
		{ privacyLevel: 'SELF_ONLY', allowDuet: true } as never,
		{ ...privateAccount, privacyLevelOptions: ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'] },
	)[0],
	'daily cap': tikTokErrorMessage({ code: 'spam_risk_too_many_posts' }),
	"app's daily user cap": tikTokErrorMessage({ code: 'reached_active_user_cap' }),
};

it('README has a Troubleshooting section with quoted messages', () => {
	expect(section.length).toBeGreaterThan(100);
	expect(quotes.length).toBe(Object.keys(expected).length);
});

it.each(Object.entries(expected))('Troubleshooting quotes the message for %s exactly', (_, message) => {
	expect(message).toBeTruthy();
	expect(quotes).toContain(message);
});
