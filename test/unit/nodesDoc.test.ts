/**
 * docs/nodes.md is the node reference: each node's section names every parameter the node shows
 * (options inside collections too), with the default the node really has, and every choice of its
 * lists. A parameter added, renamed or given another default must be documented in the same change.
 */
import type { INodeProperties, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

import { TikTok } from '../../nodes/TikTok/TikTok.node';
import { TikTokPostPhotos } from '../../nodes/TikTokPostPhotos/TikTokPostPhotos.node';
import { TikTokPublishVideo } from '../../nodes/TikTokPublishVideo/TikTokPublishVideo.node';
import { TikTokTrigger } from '../../nodes/TikTokTrigger/TikTokTrigger.node';
import { TikTokUploadVideo } from '../../nodes/TikTokUploadVideo/TikTokUploadVideo.node';
import { readPage, section, tables } from '../helpers/markdown';

const page = readPage('docs/nodes.md');

/** Each node and the heading of its section (the TikTok node's heading says what it is for). */
const NODES: Array<[string, INodeTypeDescription]> = [
	['TikTok Publish Video', new TikTokPublishVideo().description],
	['TikTok Upload Video', new TikTokUploadVideo().description],
	['TikTok Post Photos', new TikTokPostPhotos().description],
	['TikTok: look up, cancel, posting options', new TikTok().description],
	['TikTok Trigger', new TikTokTrigger().description],
];

/** Defaults the table states in words rather than as the stored value. */
const DEFAULT_IN_WORDS: Record<string, string> = {
	// not set means Auto (one request up to 64 MB); 10 is only the value the field starts with when added
	'Chunk Size (MB)': '(Auto)',
	// the privacy list has no default, as TikTok requires
	'Privacy Level': '(none)',
};

interface Shown {
	name: string;
	property: INodeProperties;
}

/** The parameters a user sees, options of collections included, with n8n's " Name or ID" suffix removed. */
function shownParameters(properties: INodeProperties[]): Shown[] {
	return properties
		.filter((property) => property.type !== 'notice' && property.type !== 'hidden')
		.flatMap((property) => {
			const own = { name: property.displayName.replace(/ Name or ID$/, ''), property };
			if (property.type !== 'collection') return [own];
			return [own, ...shownParameters((property.options ?? []) as INodeProperties[])];
		});
}

/** How the Default column states a parameter's default. */
function defaultInTable({ name, property }: Shown): string {
	if (name in DEFAULT_IN_WORDS) return DEFAULT_IN_WORDS[name];
	const value = property.default;
	if (property.type === 'boolean') return value ? 'on' : 'off';
	if (property.type === 'options' || property.type === 'multiOptions') {
		const chosen = (property.options as INodePropertyOptions[]).filter((option) =>
			Array.isArray(value) ? (value as unknown[]).includes(option.value) : option.value === value,
		);
		return chosen.map((option) => option.name).join(', ');
	}
	if (property.type === 'string') return value ? `\`${String(value)}\`` : '';
	return String(value);
}

/** The row of a parameter in a "Parameter | Default | …" table: its first cell names it, alone, after "Options →", or among "A / B". */
function rowOf(sectionText: string, name: string): string[] | undefined {
	const parameterTables = tables(sectionText).filter(([header]) => header[0] === 'Parameter' && header[1] === 'Default');
	return parameterTables.flatMap((rows) => rows.slice(1)).find((cells) =>
		cells[0]
			.split(' / ')
			.map((cell) => cell.replace(/^Options → /, '').trim())
			.includes(name),
	);
}

describe.each(NODES)('docs/nodes.md, section "%s"', (heading, description) => {
	const text = section(page, heading);
	const parameters = shownParameters(description.properties);
	const tabled = parameters.filter(({ name }) => rowOf(text, name));

	it('exists', () => {
		expect(text.length).toBeGreaterThan(200);
	});

	it('names every parameter the node shows', () => {
		const missing = parameters.map(({ name }) => name).filter((name) => !text.includes(name));
		expect(missing).toEqual([]);
	});

	it('gives each parameter in its table the default the node has', () => {
		const wrong = tabled
			.map((shown) => ({ parameter: shown.name, documented: rowOf(text, shown.name)![1], actual: defaultInTable(shown) }))
			.filter(({ documented, actual }) => documented !== actual);
		expect(wrong).toEqual([]);
	});

	it('names every choice of its lists', () => {
		const choices = parameters
			.filter(({ property }) => property.type === 'options' || property.type === 'multiOptions')
			.flatMap(({ property }) => ((property.options ?? []) as INodePropertyOptions[]).map((option) => option.name));
		const missing = choices.filter((choice) => !page.toLowerCase().includes(choice.toLowerCase()));
		expect(missing).toEqual([]);
	});
});

it('every posting node and the trigger have a parameter table', () => {
	for (const [heading, description] of NODES.filter(([, d]) => d.name !== 'tikTok')) {
		const text = section(page, heading);
		const untabled = shownParameters(description.properties)
			.filter(({ property }) => property.type !== 'collection')
			.filter(({ name }) => !rowOf(text, name) && !['Your Brand', 'Branded Content'].includes(name))
			.map(({ name }) => name);
		expect({ heading, untabled }).toEqual({ heading, untabled: [] });
	}
});
