/**
 * The one builder of this package's TikTok errors, in one format: message `<summary> [<code>]`,
 * description `<hint> (TikTok log_id: <id>)`; the words come from errorCatalogue.ts.
 *
 * Errors are built from a clean object (code, message, log_id, HTTP status) and never from a raw
 * HTTP-library error, whose request config holds the Authorization header.
 */
import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import {
	PHOTO_ERROR_CODES,
	PHOTO_FAIL_REASONS,
	RETRY_LATER,
	TIKTOK_ERROR_CODES,
	TIKTOK_FAIL_REASONS,
	type TikTokExplanation,
} from './errorCatalogue';

export interface TikTokErrorInfo {
	code: string;
	message?: string;
	logId?: string;
	httpStatus?: number;
}

/** What was posted, for the codes whose explanation differs for photo posts. */
export type ExplainedMedia = 'video' | 'photo';

const OWN = Object.prototype.hasOwnProperty;

function lookUp(
	table: Readonly<Record<string, TikTokExplanation>>,
	key: string,
): TikTokExplanation | undefined {
	return OWN.call(table, key) ? table[key] : undefined;
}

/** Plain summary and what to do for a TikTok error code; unknown codes get a generic explanation. */
export function explainTikTokError(code: string, media: ExplainedMedia = 'video'): TikTokExplanation {
	const known = (media === 'photo' ? lookUp(PHOTO_ERROR_CODES, code) : undefined) ?? lookUp(TIKTOK_ERROR_CODES, code);
	return (
		known ?? {
			summary: 'TikTok returned an error',
			hint: `TikTok answered with the error code "${code}", which this node does not know. ${RETRY_LATER} If it persists, check TikTok's developer documentation for this code and report it with the log_id.`,
		}
	);
}

/** Plain summary and what to do for a status `fail_reason`; unknown reasons get a generic explanation. */
export function explainFailReason(reason: string, media: ExplainedMedia = 'video'): TikTokExplanation {
	const known = (media === 'photo' ? lookUp(PHOTO_FAIL_REASONS, reason) : undefined) ?? lookUp(TIKTOK_FAIL_REASONS, reason);
	return (
		known ?? {
			summary: 'TikTok could not complete the post',
			hint: `TikTok reported the reason "${reason}", which this node does not know. Check the video and the account in the TikTok app, then try again.`,
		}
	);
}

/** An explanation as one text, for an output field or note: `<summary>. <hint>`. */
export function explanationText({ summary, hint }: TikTokExplanation): string {
	return `${summary}. ${hint}`;
}

/** An error's headline: `<summary> [<code>]`. */
export function codeHeadline(summary: string, code: string): string {
	return `${summary} [${code}]`;
}

/** How an error description ends: ` (TikTok log_id: <id>)`, `none` when TikTok gave none. */
export function logIdNote(logId: string | undefined): string {
	return ` (TikTok log_id: ${logId ? scrubSecrets(logId) : 'none'})`;
}

const SECRET_PATTERNS: RegExp[] = [
	/\b(?:act|rft|clt)\.[A-Za-z0-9._~+/=!*-]{6,}/g,
	/\bBearer\s+[A-Za-z0-9._~+/=!*-]+/gi,
	/((?:access_token|refresh_token|client_secret)["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi,
];

/** Removes anything that looks like a token or secret from a text taken from a response. */
export function scrubSecrets(text: string): string {
	let out = text;
	for (const pattern of SECRET_PATTERNS) {
		out = out.replace(pattern, (match: string, prefix?: unknown) =>
			typeof prefix === 'string' ? `${prefix}[redacted]` : '[redacted]',
		);
	}
	return out;
}

/** A text from TikTok, shortened for a message. */
export function clip(text: string, max = 500): string {
	return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** TikTok's own words for a sentence of ours: secrets out, at most 300 characters, no final full stop. */
export function tikTokWords(text: string | undefined): string {
	return text ? clip(scrubSecrets(text).trim(), 300).replace(/[.\s]+$/, '') : '';
}

/** Error message for a code: `<summary> [<code>]` (unknown codes use TikTok's own message when given). */
export function tikTokErrorMessage(info: TikTokErrorInfo): string {
	const known = OWN.call(TIKTOK_ERROR_CODES, info.code);
	const tiktokMessage = info.message ? clip(scrubSecrets(info.message).trim(), 300) : '';
	const summary =
		!known && tiktokMessage
			? `TikTok returned an error: ${tiktokMessage.replace(/[.\s]+$/, '')}`
			: explainTikTokError(info.code).summary;
	return codeHeadline(summary, info.code);
}

/** Codes this package sets itself: their message is a detail from n8n or the network, not TikTok's words. */
const PACKAGE_CODES = new Set(['network_error', 'invalid_response', 'credential_not_connected', 'request_cancelled']);

/** Error description for a code: `<hint> (TikTok log_id: <id>)`. */
export function tikTokErrorDescription(info: TikTokErrorInfo): string {
	const { hint } = explainTikTokError(info.code);
	const known = OWN.call(TIKTOK_ERROR_CODES, info.code);
	const tiktokMessage = info.message ? clip(scrubSecrets(info.message).trim(), 300) : '';
	const label = PACKAGE_CODES.has(info.code) ? 'Details' : 'TikTok said';
	const said = known && tiktokMessage ? ` ${label}: "${tiktokMessage.replace(/[.\s]+$/, '')}".` : '';
	return `${hint}${said}${logIdNote(info.logId)}`;
}

/**
 * A NodeApiError that says exactly `message` and `description` (NodeApiError may swap messages that
 * look like network errors), with `context` for callers and tests.
 */
export function explainedApiError(
	node: INode,
	errorResponse: JsonObject,
	words: { message: string; description: string; itemIndex?: number; httpStatus?: number },
	context: IDataObject,
): NodeApiError {
	const { message, description, itemIndex, httpStatus } = words;
	const httpCode = httpStatus !== undefined ? String(httpStatus) : undefined;
	const error = new NodeApiError(node, errorResponse, { message, description, httpCode, itemIndex });
	error.message = message;
	error.description = description;
	error.httpCode = httpCode ?? null;
	Object.assign(error.context, context);
	return error;
}

/**
 * The NodeApiError for a TikTok failure. Built from a clean object only, so no request data
 * (headers, tokens) can leak into it. Fields: message, description, httpCode (HTTP status as string),
 * context.tiktokCode / context.logId / context.httpStatus / context.itemIndex.
 */
export function tikTokApiError(node: INode, info: TikTokErrorInfo, itemIndex?: number): NodeApiError {
	const clean: JsonObject = {
		code: info.code,
		message: info.message ? clip(scrubSecrets(info.message)) : '',
		log_id: info.logId ?? null,
		httpStatus: info.httpStatus ?? null,
	};
	const words = {
		message: tikTokErrorMessage(info),
		description: tikTokErrorDescription(info),
		itemIndex,
		httpStatus: info.httpStatus,
	};
	return explainedApiError(node, clean, words, {
		tiktokCode: info.code,
		logId: info.logId ?? null,
		httpStatus: info.httpStatus ?? null,
	});
}

/** For a photo post, the photo explanation of a TikTok error where there is one (same code and log_id). */
export function explainForPhotos(error: NodeApiError): NodeApiError {
	const code = error.context?.tiktokCode;
	const photo = typeof code === 'string' ? lookUp(PHOTO_ERROR_CODES, code) : undefined;
	if (!photo || typeof code !== 'string') return error;
	error.message = codeHeadline(photo.summary, code);
	error.description = `${photo.hint}${logIdNote(typeof error.context.logId === 'string' ? error.context.logId : undefined)}`;
	return error;
}

/**
 * Error for a final status FAILED with a fail_reason (not an HTTP error). `detail` is a sentence of
 * the caller's after the hint (what the node could not check, say).
 */
export function tikTokFailReasonError(
	node: INode,
	reason: string,
	details: { publishId?: string; itemIndex?: number; media?: ExplainedMedia; detail?: string } = {},
): NodeApiError {
	const { summary, hint } = explainFailReason(reason, details.media);
	const publishId = details.publishId ? ` (publish_id: ${details.publishId})` : '';
	return explainedApiError(
		node,
		{ code: reason, publish_id: details.publishId ?? null },
		{ message: codeHeadline(summary, reason), description: `${hint}${details.detail ?? ''}${publishId}`, itemIndex: details.itemIndex },
		{ tiktokFailReason: reason, publishId: details.publishId ?? null },
	);
}

/** TikTok answered the call with a refusal (HTTP 4xx): whatever was asked, it was not done. */
export function isTikTokRefusal(error: unknown): boolean {
	const status = error instanceof NodeApiError ? Number(error.context?.httpStatus) : NaN;
	return status >= 400 && status < 500;
}

/** True when `error` is a TikTok error built by this module with the given code. */
export function isTikTokErrorCode(error: unknown, code: string): boolean {
	return error instanceof NodeApiError && error.context?.tiktokCode === code;
}
