/** Shapes the output item of one posted video (fields documented in docs/nodes.md "Video output"). */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { CreatorInfo } from '../account/creatorInfo';
import { noPostIdNote } from '../post/postIdWait';
import { postUrlFor } from '../post/postUrls';
import { TIMED_OUT, type PostIdWait, type WaitResult } from '../post/publishStatus';
import type { VideoPostRequest } from './videoParameters';
import type { TransferResult } from './videoTransfer';

export interface PostOutcome extends TransferResult {
	/** TikTok's final (or last) status; undefined when the node did not wait. */
	result?: WaitResult;
	/** Direct Post: creator_info, for the post's web address. */
	creator?: CreatorInfo;
	/** Date.now() when the item started. */
	startedAt: number;
	/** Direct Post, public: what waiting for the post id after PUBLISH_COMPLETE gave. */
	postIdWait?: PostIdWait;
	/** Skip Already Posted: the key recorded for this post. */
	postedKey?: string;
}

export function buildOutputItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: VideoPostRequest,
	outcome: PostOutcome,
): INodeExecutionData {
	const { result, method, sent, creator } = outcome;
	const json: IDataObject = {
		publishId: outcome.publishId,
		status: result?.status ?? (method === 'pull_from_url' ? 'PROCESSING_DOWNLOAD' : 'PROCESSING_UPLOAD'),
		mode: request.mode === 'direct' ? 'direct_post' : 'draft',
		uploadMethod: method,
		bytesSent: sent.bytesSent,
		chunksSent: sent.chunksSent,
		seconds: Math.round((Date.now() - outcome.startedAt) / 100) / 10,
		timedOut: result?.timedOut ?? false,
		waited: request.waitForResult,
	};
	if (result?.failReason) json.failReason = result.failReason;
	if (result?.postIds.length) {
		json.postIds = result.postIds;
		json.postUrl = postUrlFor(result.postIds[0], 'video', creator?.username);
	}
	json.videoChecks = { ...outcome.videoChecks };
	if (outcome.postedKey !== undefined) json.postedKey = outcome.postedKey;
	const notes = [...outcome.notes];
	if (result?.timedOut) {
		notes.push(
			`${TIMED_OUT} The video was handed over once; check it in the TikTok app, or look up this publish_id later. Do not post it again.`,
		);
	} else if (request.mode === 'inbox' && result?.status === 'SEND_TO_USER_INBOX') {
		notes.push('The draft is in the TikTok app inbox: open the notification in TikTok to edit the caption and post it.');
	} else if (request.mode === 'direct' && result?.status === 'PUBLISH_COMPLETE' && !result.postIds.length) {
		notes.push(
			noPostIdNote({
				media: 'video',
				privacyLevel: request.post.privacyLevel,
				postIdWaitMs: request.postIdWaitMs,
				publishId: outcome.publishId,
				postIdWait: outcome.postIdWait,
			}),
		);
	}
	if (notes.length) json.note = notes.join(' ');

	const item: INodeExecutionData = { json, pairedItem: { item: itemIndex } };
	if (request.keepVideo && request.source === 'binary') {
		item.binary = ctx.getInputData()[itemIndex].binary;
	}
	return item;
}
