/**
 * The photo node's parameters as n8n's editor shows them (n8n-workflow's own displayParameter):
 * exactly one TikTok declaration in every combination of the disclosure toggles, including values
 * n8n keeps for hidden toggles; drafts show only what TikTok honours for drafts.
 */
import { NodeHelpers, type INodeParameters } from 'n8n-workflow';

import { TikTokPostPhotos } from '../../nodes/TikTokPostPhotos/TikTokPostPhotos.node';

const description = new TikTokPostPhotos().description;
const node = { typeVersion: 1 };

function shown(values: INodeParameters): string[] {
	return description.properties.filter((p) => NodeHelpers.displayParameter(values, p, node, description)).map((p) => p.name);
}

const DECLARATIONS = ['musicUsageNotice', 'musicUsageNoticeCommercial', 'brandedContentNotice'];
const toggle = [true, false, undefined];

describe('TikTok Post Photos parameters in the editor', () => {
	it('Direct Post: exactly one declaration in every toggle combination (hidden values kept or not)', () => {
		for (const commercialContent of toggle) {
			for (const brandedContent of toggle) {
				for (const yourBrand of toggle) {
					const values: INodeParameters = { postMode: 'direct' };
					if (commercialContent !== undefined) values.commercialContent = commercialContent;
					if (brandedContent !== undefined) values.brandedContent = brandedContent;
					if (yourBrand !== undefined) values.yourBrand = yourBrand;
					const declarations = shown(values).filter((name) => DECLARATIONS.includes(name));
					const expected = commercialContent === true && brandedContent === true ? ['brandedContentNotice'] : [expect.stringMatching(/^musicUsageNotice/)];
					expect({ values, declarations }).toEqual({ values, declarations: expected });
				}
			}
		}
	});

	it('the Branded Content declaration names both policies; the others only Music Usage', () => {
		const text = (name: string) => description.properties.find((p) => p.name === name)!.displayName;
		expect(text('brandedContentNotice')).toMatch(/Branded Content Policy.*Music Usage Confirmation/);
		expect(text('musicUsageNotice')).toBe(text('musicUsageNoticeCommercial'));
		expect(text('musicUsageNotice')).toMatch(/^By posting, you agree to TikTok's <a href="https:\/\/www.tiktok.com\/legal\/page\/global\/music-usage-confirmation\/en"/);
	});

	it('Send to Inbox as Draft: photos, cover, title and description only (what TikTok keeps for drafts)', () => {
		const draft = shown({ postMode: 'inbox', commercialContent: true, brandedContent: true, waitForResult: true });
		expect(draft).toEqual(['postMode', 'draftNotice', 'photoUrlsNotice', 'photoUrls', 'coverIndex', 'title', 'description', 'expectedAccount', 'waitForResult', 'options']);
	});

	it('Direct Post: privacy with no default, interactions and disclosure off by default', () => {
		const byName = (name: string) => description.properties.find((p) => p.name === name)!;
		expect(byName('privacyLevel')).toMatchObject({ default: '', required: true, typeOptions: { loadOptionsMethod: 'getPrivacyLevels' } });
		for (const name of ['allowComments', 'autoAddMusic', 'commercialContent', 'yourBrand', 'brandedContent', 'isAiGenerated']) {
			expect({ name, default: byName(name).default }).toEqual({ name, default: false });
		}
		expect(shown({ postMode: 'direct', commercialContent: false })).toEqual([
			'postMode',
			'musicUsageNotice',
			'photoUrlsNotice',
			'photoUrls',
			'coverIndex',
			'title',
			'description',
			'privacyLevel',
			'allowComments',
			'autoAddMusic',
			'commercialContent',
			'isAiGenerated',
			'expectedAccount',
			'waitForResult',
			'options',
		]);
	});

	it('the URL field says that TikTok pulls only from a verified domain and that there is no download fallback', () => {
		const notice = description.properties.find((p) => p.name === 'photoUrlsNotice')!;
		expect(notice.displayName).toMatch(/only from a domain or URL prefix verified for your app/);
		expect(notice.displayName).toMatch(/no download-and-upload fallback for photos/);
	});
});
