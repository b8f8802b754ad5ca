import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';

/**
 * A NodeOperationError whose message stays the sentence given. n8n-workflow replaces any message that
 * mentions a network or file error code (ENOTFOUND, ECONNRESET, ETIMEDOUT, EACCES, …, anywhere in the
 * text) with a generic sentence ("The connection cannot be established, this usually occurs due to an
 * incorrect host (domain) value") and moves ours under the error's details. Our sentences already say
 * what happened and what to do, so they stay the headline; the code stays in them.
 */
export function operationError(
	node: INode,
	message: string,
	options: { itemIndex?: number; description?: string } = {},
): NodeOperationError {
	const error = new NodeOperationError(node, message, options);
	if (error.message !== message) {
		error.message = message;
		error.messages = error.messages.filter((m) => m !== message);
	}
	return error;
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
	if (typeof own === 'string' && own && wrapped.message !== own) {
		wrapped.message = own;
		wrapped.messages = wrapped.messages.filter((m) => m !== own);
	}
	return wrapped;
}
