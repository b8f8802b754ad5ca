/**
 * The waiting options of the nodes that follow a post (Timeout (Minutes), Wait for Post ID (Minutes)),
 * read as milliseconds and refused, with what to do, when they make no sense.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** Timeout (Minutes) when the option is not set. */
export const DEFAULT_TIMEOUT_MINUTES = 10;

/** Wait for Post ID (Minutes) when the option is not set: public posts usually pass moderation within a minute. */
export const DEFAULT_POST_ID_WAIT_MINUTES = 2;

/** Timeout (Minutes) as milliseconds; it must be more than 0. */
export function readTimeoutMs(ctx: IExecuteFunctions, itemIndex: number, minutes: number | undefined): number {
	const value = minutes ?? DEFAULT_TIMEOUT_MINUTES;
	if (!(value > 0)) {
		throw new NodeOperationError(ctx.getNode(), `Timeout (Minutes) must be more than 0; got ${String(value)}.`, { itemIndex });
	}
	return value * 60_000;
}

/** Wait for Post ID (Minutes) as milliseconds; it must be 0 (do not wait) or more. */
export function readPostIdWaitMs(ctx: IExecuteFunctions, itemIndex: number, minutes: unknown): number {
	const value = minutes ?? DEFAULT_POST_ID_WAIT_MINUTES;
	if (typeof value !== 'number' || !(value >= 0)) {
		throw new NodeOperationError(ctx.getNode(), `Wait for Post ID (Minutes) must be 0 or more; got ${String(value)}.`, {
			itemIndex,
			description: 'Set it to 0 to return as soon as TikTok has published the post.',
		});
	}
	return value * 60_000;
}
