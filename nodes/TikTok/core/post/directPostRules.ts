/**
 * What every Direct Post must satisfy, video or photo, before anything is sent: the privacy level is
 * one the creator offers now, the post allows no interaction the creator turned off, and commercial
 * content says whom it promotes. Each check returns the problem as text for the user (or nothing), so
 * the caller decides how to throw. Also TikTok's policy pages the nodes link to.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { PRIVACY_LEVEL_NAMES, type CreatorOptions } from '../account/creatorInfo';

export const MUSIC_USAGE_CONFIRMATION_URL =
	'https://www.tiktok.com/legal/page/global/music-usage-confirmation/en';
export const BRANDED_CONTENT_POLICY_URL = 'https://www.tiktok.com/legal/page/global/bc-policy/en';

/** The choices of a Direct Post that videos and photos share. */
export interface DirectPostChoices {
	privacyLevel: string;
	allowComments: boolean;
	commercialContent: boolean;
	yourBrand: boolean;
	brandedContent: boolean;
	isAiGenerated: boolean;
}

/** The shared choices from the node's parameters (same names in both posting nodes). */
export function readDirectPostChoices(ctx: IExecuteFunctions, itemIndex: number): DirectPostChoices {
	const commercialContent = ctx.getNodeParameter('commercialContent', itemIndex, false) as boolean;
	return {
		privacyLevel: String(ctx.getNodeParameter('privacyLevel', itemIndex, '')).trim(),
		allowComments: ctx.getNodeParameter('allowComments', itemIndex, false) as boolean,
		commercialContent,
		// Values kept from before the disclosure was turned off do not count.
		yourBrand: commercialContent && (ctx.getNodeParameter('yourBrand', itemIndex, false) as boolean),
		brandedContent: commercialContent && (ctx.getNodeParameter('brandedContent', itemIndex, false) as boolean),
		isAiGenerated: ctx.getNodeParameter('isAiGenerated', itemIndex, false) as boolean,
	};
}

/** Commercial content must say whom it promotes (TikTok's disclosure rule). */
export function disclosureProblem(choices: Pick<DirectPostChoices, 'commercialContent' | 'yourBrand' | 'brandedContent'>): string | undefined {
	if (!choices.commercialContent || choices.yourBrand || choices.brandedContent) return undefined;
	return 'You need to indicate if your content promotes yourself, a third party, or both: turn on Your Brand and/or Branded Content, or turn off Disclose Commercial Content.';
}

/** Checks against the creator's own options from creator_info (photo posts have no Duet or Stitch). */
export function creatorProblems(
	choices: Pick<DirectPostChoices, 'privacyLevel' | 'allowComments' | 'commercialContent' | 'brandedContent'> & {
		allowDuet?: boolean;
		allowStitch?: boolean;
	},
	creator: CreatorOptions,
): string[] {
	const problems: string[] = [];
	const privacy = privacyProblem(choices.privacyLevel, creator.privacyLevelOptions);
	if (privacy) problems.push(privacy);
	if (choices.allowComments && creator.commentDisabled) {
		problems.push(
			'Comments are turned off in this TikTok account\'s settings, so the post cannot allow them: turn off Allow Comments, or allow comments in the TikTok app first.',
		);
	}
	if (choices.allowDuet && creator.duetDisabled) {
		problems.push(
			'Duet is turned off for this TikTok account (always the case for private accounts): turn off Allow Duet, or allow Duet in the TikTok app first.',
		);
	}
	if (choices.allowStitch && creator.stitchDisabled) {
		problems.push(
			'Stitch is turned off for this TikTok account (always the case for private accounts): turn off Allow Stitch, or allow Stitch in the TikTok app first.',
		);
	}
	if (choices.commercialContent && choices.brandedContent && choices.privacyLevel === 'SELF_ONLY') {
		problems.push(
			'Branded content visibility cannot be set to private: choose another privacy level, or turn off Branded Content.',
		);
	}
	return problems;
}

/** No privacy level, or one the account does not offer now. */
function privacyProblem(privacyLevel: string, options: string[]): string | undefined {
	const offered = options.map((option) => `${PRIVACY_LEVEL_NAMES[option] ?? option} (${option})`).join(', ');
	if (!privacyLevel) return `Choose a Privacy Level. This account offers: ${offered}.`;
	if (options.includes(privacyLevel)) return undefined;
	const unauditedHint =
		options.length === 1 && options[0] === 'SELF_ONLY'
			? ' Only "Only Me" is offered, which is what TikTok does for apps it has not audited yet: post as SELF_ONLY, with the TikTok account itself set to private, or get the app audited.'
			: '';
	return `Privacy level "${privacyLevel}" is not one of this account's options: ${offered}.${unauditedHint}`;
}
