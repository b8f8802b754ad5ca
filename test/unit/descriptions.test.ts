/**
 * What the editor shows, decided by n8n-workflow's own display logic (NodeHelpers.displayParameter /
 * getNodeParameters, the functions n8n's editor runs):
 * - TikTok's declaration: exactly one notice in every combination of Disclose Commercial Content /
 *   Your Brand / Branded Content, including the sequence a person clicked (commercial on, branded on,
 *   commercial off), replayed the way the editor's NodeSettings `valueChanged` does it;
 * - option descriptions short enough for the dropdown's 2-line clamp.
 */
import type { INode, INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { TikTokPublishVideo } from '../../nodes/TikTokPublishVideo/TikTokPublishVideo.node';
import { TikTokUploadVideo } from '../../nodes/TikTokUploadVideo/TikTokUploadVideo.node';

const description: INodeTypeDescription = new TikTokPublishVideo().description;
const properties = description.properties;
const node: INode = {
	id: 'n',
	name: 'TikTok Publish Video',
	type: 'n8n-nodes-tiktok-content-posting.tikTokPublishVideo',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const notices = properties.filter((p) => p.type === 'notice' && /By posting, you agree/.test(p.displayName));
const BRANDED = /Branded Content Policy/;

function visibleNotices(values: INodeParameters): INodeProperties[] {
	return notices.filter((p) => NodeHelpers.displayParameter(values, p, node, description, values));
}

/**
 * The editor's display values after the user sets `name` to `value` (n8n 2.41.1 NodeSettings
 * `valueChanged`): parameters = getNodeParameters(non-default, displayed only), the change applied,
 * then getNodeParameters(with defaults, displayed only) is written key by key into the display
 * values, which never loses a key: a toggle that became hidden keeps its last value there.
 */
function editorChange(display: INodeParameters, name: string, value: boolean): INodeParameters {
	const stored = NodeHelpers.getNodeParameters(properties, display, false, false, node, description) ?? {};
	stored[name] = value;
	const withDefaults = NodeHelpers.getNodeParameters(properties, stored, true, false, node, description) ?? {};
	const next = { ...display };
	for (const [key, v] of Object.entries(withDefaults)) if (v !== null && v !== undefined) next[key] = v;
	return next;
}

const COMBINATIONS = [false, true].flatMap((commercialContent) =>
	[false, true].flatMap((yourBrand) => [false, true].map((brandedContent) => ({ commercialContent, yourBrand, brandedContent }))),
);

describe('TikTok declaration: exactly one notice', () => {
	it('three complementary notices exist, with TikTok\'s links', () => {
		expect(notices.map((p) => p.name)).toEqual(['musicUsageNotice', 'musicUsageNoticeCommercial', 'brandedContentNotice']);
		for (const p of notices) expect(p.displayName).toContain('https://www.tiktok.com/legal/page/global/music-usage-confirmation/en');
		expect(notices[2].displayName).toContain('https://www.tiktok.com/legal/page/global/bc-policy/en');
	});

	it.each(COMBINATIONS)('values as set: %o', (values) => {
		const visible = visibleNotices({ ...values });
		expect(visible).toHaveLength(1);
		expect(BRANDED.test(visible[0].displayName)).toBe(values.commercialContent && values.brandedContent);
	});

	it.each(COMBINATIONS)('clicked in the editor (commercial on, then the two boxes, then commercial as wanted): %o', (target) => {
		let display = NodeHelpers.getNodeParameters(properties, {}, true, false, node, description) ?? {};
		expect(visibleNotices(display)).toHaveLength(1);
		for (const [name, value] of [
			['commercialContent', true],
			['yourBrand', target.yourBrand],
			['brandedContent', target.brandedContent],
			['commercialContent', target.commercialContent],
		] as const) {
			display = editorChange(display, name, value);
			expect(visibleNotices(display)).toHaveLength(1);
		}
		const visible = visibleNotices(display);
		expect(BRANDED.test(visible[0].displayName)).toBe(target.commercialContent && target.brandedContent);
	});

	it('commercial on -> branded on -> commercial off (what a person saw): the music notice, Branded Content still true in the display values', () => {
		let display = NodeHelpers.getNodeParameters(properties, {}, true, false, node, description) ?? {};
		display = editorChange(display, 'commercialContent', true);
		display = editorChange(display, 'brandedContent', true);
		expect(visibleNotices(display).map((p) => p.name)).toEqual(['brandedContentNotice']);
		display = editorChange(display, 'commercialContent', false);
		expect(display.brandedContent).toBe(true);
		expect(visibleNotices(display).map((p) => p.name)).toEqual(['musicUsageNotice']);
	});

	it('only non-default values stored (toggles absent) and expressions: still exactly one', () => {
		expect(visibleNotices({})).toHaveLength(1);
		expect(visibleNotices({ brandedContent: true })).toHaveLength(1);
		expect(visibleNotices({ commercialContent: '={{ $json.sponsored }}' })).toHaveLength(1);
		expect(visibleNotices({ commercialContent: true, brandedContent: '={{ $json.paid }}' })).toHaveLength(1);
	});
});

describe('option descriptions fit the dropdown (2 lines)', () => {
	function optionDescriptions(props: INodeProperties[]): Array<[string, string]> {
		const out: Array<[string, string]> = [];
		for (const p of props) {
			for (const option of (p.options ?? []) as Array<{ name?: string; description?: string; options?: unknown; values?: unknown }>) {
				if (p.type === 'options' && option.description) out.push([`${p.name}: ${option.name}`, option.description]);
			}
			if (p.type === 'collection') out.push(...optionDescriptions(p.options as INodeProperties[]));
		}
		return out;
	}
	const all = [
		...optionDescriptions(new TikTokPublishVideo().description.properties),
		...optionDescriptions(new TikTokUploadVideo().description.properties),
	];

	it.each(all)('%s', (_name, text) => {
		expect(text.length).toBeLessThanOrEqual(100);
	});

	it('Download and Upload still says what it does', () => {
		const uploadMethod = properties.find((p) => p.name === 'uploadMethod')!;
		const download = (uploadMethod.options as Array<{ value: string; description: string }>).find((o) => o.value === 'download')!;
		expect(download.description).toMatch(/downloads the video.*any https URL/);
	});
});
