/** Shapes the output item of one photo post (fields documented in docs/nodes.md "TikTok Post Photos", Output). */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { CreatorInfo } from '../account/creatorInfo';
import { noPostIdNote } from '../post/postIdWait';
import { postUrlFor } from '../post/postUrls';
import { TIMED_OUT, type PostIdWait, type WaitResult } from '../post/publishStatus';
import type { PhotoPostRequest } from './photoParameters';
import type { PhotoVerdict } from './photoVerdict';

export interface PhotoPostOutcome {
	publishId: string;
	/** Date.now() when the item started. */
	startedAt: number;
	/** What the node found in each photo's head (the `photoChecks` output field). */
	verdicts: PhotoVerdict[];
	/** Direct Post: creator_info, for the post's web address. */
	creator?: CreatorInfo;
	/** TikTok's final (or last) status; undefined when the node did not wait. */
	result?: WaitResult;
	/** Direct Post, public: what waiting for the post id after PUBLISH_COMPLETE gave. */
	postIdWait?: PostIdWait;
	/** Skip Already Posted: the key recorded for this post. */
	postedKey?: string;
}

export function buildPhotoOutputItem(itemIndex: number, request: PhotoPostRequest, outcome: PhotoPostOutcome): INodeExecutionData {
	const { post } = request;
	const { publishId, result, verdicts } = outcome;
	const photoWarnings = verdicts.flatMap((verdict) => verdict.warnings);
	const json: IDataObject = {
		publishId,
		status: result?.status ?? 'PROCESSING_DOWNLOAD',
		mode: post.mode === 'direct' ? 'direct_post' : 'draft',
		mediaType: 'photo',
		uploadMethod: 'pull_from_url',
		photoCount: post.imageUrls.length,
		coverIndex: post.coverIndex,
		seconds: Math.round((Date.now() - outcome.startedAt) / 100) / 10,
		timedOut: result?.timedOut ?? false,
		waited: request.waitForResult,
		photoChecks: verdicts.map((verdict): IDataObject => ({ ...verdict.check })),
	};
	if (photoWarnings.length) json.photoWarnings = photoWarnings;
	if (outcome.postedKey !== undefined) json.postedKey = outcome.postedKey;
	if (result?.failReason) json.failReason = result.failReason;
	if (result?.postIds.length) {
		json.postIds = result.postIds;
		json.postUrl = postUrlFor(result.postIds[0], 'photo', outcome.creator?.username);
	}
	const note = photoNote(request, outcome);
	if (note) json.note = note;
	return { json, pairedItem: { item: itemIndex } };
}

function photoNote(request: PhotoPostRequest, { publishId, result, postIdWait }: PhotoPostOutcome): string | undefined {
	const { post } = request;
	if (result?.timedOut) {
		return `${TIMED_OUT} TikTok has the photo URLs and goes on; look this publish_id up later with the TikTok node (Post: Get Status). Do not post it again.`;
	}
	if (post.mode === 'inbox' && result?.status === 'SEND_TO_USER_INBOX') {
		return 'The photos are in the TikTok app inbox as a draft: open the notification in TikTok to finish and post them.';
	}
	if (!request.waitForResult) {
		return 'TikTok is pulling the photos. Look this publish_id up later with the TikTok node (Post: Get Status).';
	}
	if (post.direct && result?.status === 'PUBLISH_COMPLETE' && !result.postIds.length) {
		return noPostIdNote({ media: 'photo post', privacyLevel: post.direct.privacyLevel, postIdWaitMs: request.postIdWaitMs, publishId, postIdWait });
	}
	return undefined;
}
