import type { IExecuteFunctions } from 'n8n-workflow';

import { readDirectPostChoices } from '../post/directPostRules';
import { readPostIdWaitMs, readTimeoutMs } from '../post/waitOptions';
import { refusedItemError } from '../tiktok/nodeError';
import { photoPostProblems, photoUrlsFrom, type PhotoPost, type PhotoPostMode } from './photoRules';

/** Everything one photo item asks for, read from the node's parameters and checked without any call. */
export interface PhotoPostRequest {
	post: PhotoPost;
	expectedAccount: string;
	waitForResult: boolean;
	timeoutMs: number;
	/** Direct Post: how long to wait for a public post's id after PUBLISH_COMPLETE. */
	postIdWaitMs: number;
	/** Skip Already Posted; `postedKey` = the Posted Key option, '' = the default key (the photo URLs) */
	skipAlreadyPosted: boolean;
	postedKey: string;
}

export function readPhotoPostRequest(ctx: IExecuteFunctions, itemIndex: number): PhotoPostRequest {
	const mode = ctx.getNodeParameter('postMode', itemIndex) as PhotoPostMode;
	let imageUrls: string[];
	try {
		imageUrls = photoUrlsFrom(ctx.getNodeParameter('photoUrls', itemIndex, ''));
	} catch (error) {
		throw refusedItemError(ctx.getNode(), [(error as Error).message], { itemIndex });
	}
	const options = ctx.getNodeParameter('options', itemIndex, {}) as {
		timeoutMinutes?: number;
		postIdWaitMinutes?: number;
		skipAlreadyPosted?: boolean;
		postedKey?: string;
	};
	const timeoutMs = readTimeoutMs(ctx, itemIndex, options.timeoutMinutes);
	const postIdWaitMs = readPostIdWaitMs(ctx, itemIndex, options.postIdWaitMinutes);

	const post: PhotoPost = {
		mode,
		imageUrls,
		coverIndex: Number(ctx.getNodeParameter('coverIndex', itemIndex, 0)),
		title: String(ctx.getNodeParameter('title', itemIndex, '') ?? ''),
		description: String(ctx.getNodeParameter('description', itemIndex, '') ?? ''),
	};
	if (mode === 'direct') {
		post.direct = {
			...readDirectPostChoices(ctx, itemIndex),
			autoAddMusic: ctx.getNodeParameter('autoAddMusic', itemIndex, false) as boolean,
		};
	}
	const problems = photoPostProblems(post);
	if (problems.length) throw refusedItemError(ctx.getNode(), problems, { itemIndex });

	return {
		post,
		expectedAccount: String(ctx.getNodeParameter('expectedAccount', itemIndex, '')),
		waitForResult: ctx.getNodeParameter('waitForResult', itemIndex, true) as boolean,
		timeoutMs,
		postIdWaitMs,
		skipAlreadyPosted: options.skipAlreadyPosted === true,
		postedKey: String(options.postedKey ?? '').trim(),
	};
}
