import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';

/**
 * An error as n8n expects nodes to throw it: errors already explained (ours, or the transport's)
 * pass unchanged; anything else is wrapped with the item index.
 */
export function asNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}
