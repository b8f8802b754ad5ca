/**
 * How this package's errors reach n8n: with the item index, and with our sentence as the headline.
 * n8n-workflow replaces any message that mentions a network or file error code (ENOTFOUND, ECONNRESET,
 * ETIMEDOUT, EACCES, …, anywhere in the text) with a generic sentence ("The connection cannot be
 * established, this usually occurs due to an incorrect host (domain) value") and moves ours under the
 * error's details. Our sentences already say what happened and what to do, so they stay the headline;
 * the code stays in them.
 */
import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';

import { NOTHING_SENT } from './wording';

/** Puts `message` back as the headline when n8n-workflow swapped it for its generic sentence. */
function keepHeadline(error: NodeOperationError, message: string): NodeOperationError {
	if (error.message !== message) {
		error.message = message;
		error.messages = error.messages.filter((m) => m !== message);
	}
	return error;
}

/** A NodeOperationError whose message stays the sentence given. */
export function operationError(
	node: INode,
	message: string,
	options: { itemIndex?: number; description?: string } = {},
): NodeOperationError {
	return keepHeadline(new NodeOperationError(node, message, options), message);
}

/**
 * An item refused before its post reached TikTok: the first problem is the headline; the other
 * problems, then what reached TikTok (`outcome`: by default that nothing was sent), the description.
 */
export function refusedItemError(
	node: INode,
	problems: string[],
	options: { itemIndex?: number; outcome?: string } = {},
): NodeOperationError {
	const { itemIndex, outcome = NOTHING_SENT } = options;
	return operationError(node, problems[0], { itemIndex, description: [...problems.slice(1), outcome].join(' ') });
}

/**
 * An error as n8n expects nodes to throw it: errors already explained (ours, or the transport's)
 * pass unchanged; anything else is wrapped with the item index, its own message kept as the headline.
 */
export function asNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const wrapped = new NodeOperationError(node, error as Error, { itemIndex });
	const own = (error as Error | undefined)?.message;
	return typeof own === 'string' && own ? keepHeadline(wrapped, own) : wrapped;
}
