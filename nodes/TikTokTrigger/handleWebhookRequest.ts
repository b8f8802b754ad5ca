/**
 * One TikTok webhook delivery, in the order TikTok's rules ask for:
 * 1. the signature over the raw body, with the credential's Client Secret, and the timestamp
 *    tolerance: a failing request gets 401 and starts nothing;
 * 2. the body parsed (64-bit ids exact), the events filter and the accounts filter applied;
 * 3. de-duplication (production only): an event already received gets 200 and starts nothing;
 * 4. one output item; n8n answers 200 at once (response mode "onReceived").
 * The Client Secret, the signature header and the body never reach a log line.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { TIKTOK_CREDENTIAL_NAME } from '../TikTok/core/tiktok/constants';
import { checkAndRemember, eventKey } from '../TikTok/core/webhook/webhookDeduplication';
import { parseWebhookBody, shapeWebhookEvent } from '../TikTok/core/webhook/webhookEvent';
import {
	DEFAULT_TIMESTAMP_TOLERANCE_SEC,
	SIGNATURE_FAILURE_TEXT,
	SIGNATURE_HEADER,
	verifyTikTokSignature,
	type SignatureFailure,
} from '../TikTok/core/webhook/webhookSignature';

/** The events filter value that lets every event through, including ones TikTok adds later. */
export const ALL_EVENTS = '*';

/** Accounts: only the events of the account the credential is connected to (the default). */
export const ACCOUNTS_OWN = 'credentialAccount';
/** Accounts: the events of every account connected to the app. */
export const ACCOUNTS_ALL = 'allAccounts';

/** Unreadable bodies are output for inspection, clipped to this many characters. */
const MAX_RAW_BODY_CHARS = 10_000;

interface TriggerOptions {
	timestampToleranceSec?: number;
	skipDuplicates?: boolean;
	username?: string;
}

/** What n8n's request object offers a webhook node (n8n 2.41: `rawBody` is set before webhook() runs). */
interface WebhookRequest {
	headers: Record<string, string | string[] | undefined>;
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
	readableEnded?: boolean;
	contentType?: string;
}

async function rawBodyOf(req: WebhookRequest): Promise<Buffer | undefined> {
	// n8n reads the body (and keeps its bytes) for webhook nodes of typeVersion 1; if a future
	// version stops doing so, read it here, unless something else already consumed the stream.
	if (!req.rawBody && typeof req.readRawBody === 'function' && !req.readableEnded && !req.contentType?.startsWith('multipart/')) {
		await req.readRawBody();
	}
	return Buffer.isBuffer(req.rawBody) ? req.rawBody : undefined;
}

/** What the trigger needs from its credential: the Client Secret and the connected account's open_id. */
async function credentialOf(ctx: IWebhookFunctions): Promise<{ secret?: string; openId?: string }> {
	const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
	try {
		const credentials = await ctx.getCredentials(TIKTOK_CREDENTIAL_NAME);
		const token = credentials.oauthTokenData as { open_id?: unknown } | undefined;
		return { secret: text(credentials.clientSecret), openId: text(token?.open_id) };
	} catch {
		return {};
	}
}

function logContext(ctx: IWebhookFunctions): IDataObject {
	return { workflowId: ctx.getWorkflow().id ?? null, node: ctx.getNode().name };
}

/** 401 and no run. The log says why, without the header, the body or the secret. */
function refuse(ctx: IWebhookFunctions, reason: SignatureFailure): IWebhookResponseData {
	const message = `TikTok Trigger refused a request: ${SIGNATURE_FAILURE_TEXT[reason]} [${reason}]`;
	if (reason === 'missing_secret') ctx.logger.error(message, logContext(ctx));
	else ctx.logger.warn(message, logContext(ctx));
	ctx.getResponseObject().status(401).json({ error: 'Unauthorized' });
	return { noWebhookResponse: true };
}

function selected(events: string[], event: string): boolean {
	return events.length === 0 || events.includes(ALL_EVENTS) || events.includes(event);
}

/** The event is for the credential's own account; says in the log why not, without the ids. */
function isOwnAccount(ctx: IWebhookFunctions, ownOpenId: string | undefined, eventOpenId: unknown, event: string): boolean {
	if (!ownOpenId) {
		ctx.logger.warn(
			`TikTok Trigger ignored event "${event}": its credential is not connected to a TikTok account, so it cannot tell whose events are its own. Connect the credential, or set Accounts to "Every Account of the App"`,
			logContext(ctx),
		);
		return false;
	}
	if (typeof eventOpenId === 'string' && eventOpenId === ownOpenId) return true;
	ctx.logger.debug(`TikTok Trigger: event "${event}" is for another account of the app, no run`, logContext(ctx));
	return false;
}

export async function handleTikTokDelivery(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject() as unknown as WebhookRequest;
	const options = this.getNodeParameter('options', {}) as TriggerOptions;
	const toleranceSec = options.timestampToleranceSec ?? DEFAULT_TIMESTAMP_TOLERANCE_SEC;

	const rawBody = await rawBodyOf(req);
	const credential = await credentialOf(this);
	const check = verifyTikTokSignature({
		header: req.headers[SIGNATURE_HEADER],
		rawBody,
		secret: credential.secret,
		nowSec: Math.floor(Date.now() / 1000),
		toleranceSec,
	});
	if (!check.valid) return refuse(this, check.reason);

	// Signed by TikTok from here on: always 200, so TikTok does not retry for 72 hours.
	const events = this.getNodeParameter('events', [ALL_EVENTS]) as string[];
	const ownAccountOnly = this.getNodeParameter('accounts', ACCOUNTS_OWN) !== ACCOUNTS_ALL;
	const parsed = parseWebhookBody(rawBody as Buffer);
	if (!parsed.ok) {
		if (!selected(events, '')) return { webhookResponse: { received: true } };
		if (ownAccountOnly) {
			this.logger.warn(`TikTok Trigger received a signed body it cannot read, so not whose account it is: ignored (${parsed.error})`, logContext(this));
			return { webhookResponse: { received: true } };
		}
		this.logger.warn(`TikTok Trigger received a signed body it cannot read: ${parsed.error}`, logContext(this));
		const text = (rawBody as Buffer).toString('utf8');
		return {
			workflowData: [
				[{ json: { event: '', eventType: 'Unreadable event', error: parsed.error, rawBody: text.slice(0, MAX_RAW_BODY_CHARS) } }],
			],
		};
	}

	const { body } = parsed;
	const event = typeof body.event === 'string' ? body.event : '';
	if (!selected(events, event)) {
		this.logger.debug(`TikTok Trigger: event "${event}" is not selected, no run`, logContext(this));
		return { webhookResponse: { received: true } };
	}
	if (ownAccountOnly && !isOwnAccount(this, credential.openId, body.user_openid, event)) {
		return { webhookResponse: { received: true } };
	}

	// Test URL: every valid event is shown (n8n keeps no static data for test runs anyway).
	if (this.getMode() !== 'manual' && options.skipDuplicates !== false) {
		const scope = `${this.getWorkflow().id ?? ''}/${this.getNode().id}`;
		const seen = checkAndRemember(this.getWorkflowStaticData('node'), scope, eventKey(body), Math.floor(Date.now() / 1000));
		if (seen === 'duplicate') {
			this.logger.info(`TikTok Trigger: event "${event}" was already received, no second run`, logContext(this));
			return { webhookResponse: { received: true, duplicate: true } };
		}
	}

	return { workflowData: [[{ json: shapeWebhookEvent(body, { username: options.username }) }]] };
}
