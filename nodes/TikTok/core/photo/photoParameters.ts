import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { refusedItemError } from '../tiktok/nodeError';

import { POST_ID_WAIT_HINT, postIdWaitMsFrom } from '../post/postIdWait';
import { photoPostProblems, photoUrlsFrom, type PhotoPost, type PhotoPostMode } from './photoRules';

/** Everything one photo item asks for, read from the node's parameters and checked without any call. */
export interface PhotoPostRequest {
	post: PhotoPost;
	expectedAccount: string;
	waitForResult: boolean;
	timeoutMs: number;
	/** Direct Post: how long to wait for a public post's id after PUBLISH_COMPLETE. */
	postIdWaitMs: number;
}

export function readPhotoPostRequest(ctx: IExecuteFunctions, itemIndex: number): PhotoPostRequest {
	const fail = (message: string, description?: string) =>
		new NodeOperationError(ctx.getNode(), message, { itemIndex, description });

	const mode = ctx.getNodeParameter('postMode', itemIndex) as PhotoPostMode;
	let imageUrls: string[];
	try {
		imageUrls = photoUrlsFrom(ctx.getNodeParameter('photoUrls', itemIndex, ''));
	} catch (error) {
		throw refusedItemError(ctx.getNode(), [(error as Error).message], { itemIndex });
	}
	const options = ctx.getNodeParameter('options', itemIndex, {}) as { timeoutMinutes?: number; postIdWaitMinutes?: number };
	const timeoutMinutes = options.timeoutMinutes ?? 10;
	if (!(timeoutMinutes > 0)) throw fail(`Timeout (Minutes) must be more than 0; got ${String(timeoutMinutes)}.`);
	let postIdWaitMs: number;
	try {
		postIdWaitMs = postIdWaitMsFrom(options.postIdWaitMinutes);
	} catch (error) {
		throw fail((error as Error).message, POST_ID_WAIT_HINT);
	}

	const post: PhotoPost = {
		mode,
		imageUrls,
		coverIndex: Number(ctx.getNodeParameter('coverIndex', itemIndex, 0)),
		title: String(ctx.getNodeParameter('title', itemIndex, '') ?? ''),
		description: String(ctx.getNodeParameter('description', itemIndex, '') ?? ''),
	};
	if (mode === 'direct') {
		const commercialContent = ctx.getNodeParameter('commercialContent', itemIndex, false) as boolean;
		post.direct = {
			privacyLevel: String(ctx.getNodeParameter('privacyLevel', itemIndex, '')).trim(),
			allowComments: ctx.getNodeParameter('allowComments', itemIndex, false) as boolean,
			autoAddMusic: ctx.getNodeParameter('autoAddMusic', itemIndex, false) as boolean,
			commercialContent,
			// Values kept from before the disclosure was turned off do not count.
			yourBrand: commercialContent && (ctx.getNodeParameter('yourBrand', itemIndex, false) as boolean),
			brandedContent: commercialContent && (ctx.getNodeParameter('brandedContent', itemIndex, false) as boolean),
			isAiGenerated: ctx.getNodeParameter('isAiGenerated', itemIndex, false) as boolean,
		};
	}
	const problems = photoPostProblems(post);
	if (problems.length) throw refusedItemError(ctx.getNode(), problems, { itemIndex });

	return {
		post,
		expectedAccount: String(ctx.getNodeParameter('expectedAccount', itemIndex, '')),
		waitForResult: ctx.getNodeParameter('waitForResult', itemIndex, true) as boolean,
		timeoutMs: timeoutMinutes * 60_000,
		postIdWaitMs,
	};
}
