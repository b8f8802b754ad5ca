/* eslint-disable @typescript-eslint/no-explicit-any -- untyped JSON answers of the TikTok sandbox */
/** Types for the TikTok sandbox (index.js). Contract: docs/ARCHITECTURE.md, section "Sandbox". */
/// <reference types="node" />

/** configure() deep-merges, so every level is optional there. */
export type DeepPartial<T> = T extends object ? (T extends Array<unknown> ? T : { [K in keyof T]?: DeepPartial<T[K]> }) : T;

export interface SandboxClient {
	secret: string;
	audited?: boolean;
	/** [] = any redirect_uri accepted */
	redirectUris?: string[];
	/** scopes the app may request (its products); omitted = every known scope. Others: authorize answers invalid_scope */
	scopes?: string[];
}

export interface CountedFault {
	/** how many more times the fault fires; omitted = every time */
	times?: number;
}

export interface SandboxOptions {
	port?: number;
	host?: string;
	/** the host name in the sandbox's own URLs (baseUrl, upload_url, mediaBaseUrl); default 127.0.0.1 */
	publicHost?: string | null;
	clients?: Record<string, SandboxClient>;
	/** where the token endpoint reads client_key: body or query string (default), or 'body' only (TikTok's documented reading) */
	tokenClientKeyFrom?: 'body-or-query' | 'body';
	/** a refused refresh grant: HTTP 200 with the error body (default, TikTok's way) or '4xx' (RFC 6749: 400, 401 for invalid_client) */
	refreshErrorStatus?: 200 | '4xx';
	accessTokenTtlSec?: number;
	refreshTokenTtlSec?: number;
	/** The token endpoint answers refresh_token grants after this delay in ms (default 0). */
	refreshDelayMs?: number;
	account?: Partial<{
		openId: string;
		unionId: string;
		displayName: string;
		username: string;
		avatarUrl: string;
		bioDescription: string;
		isVerified: boolean;
		private: boolean;
	}>;
	creator?: Partial<{ commentDisabled: boolean; duetDisabled: boolean; stitchDisabled: boolean; maxVideoPostDurationSec: number }>;
	verifiedUrlPrefixes?: string[];
	/** also treat `<baseUrl>/media/` as a verified prefix (the CLI turns this on) */
	verifyOwnMedia?: boolean;
	rateLimits?: Partial<{ windowMs: number; init: number; creatorInfo: number; status: number }>;
	uploadUrlTtlMs?: number;
	processingMs?: number;
	/** moderation: a PUBLIC_TO_EVERYONE post's id appears this long after PUBLISH_COMPLETE (default 5000); never for other privacy levels */
	postIdDelayMs?: number;
	/** keep assembled uploads/pulls on disk (publishes[...].filePath) */
	keepFiles?: boolean;
	/** TikTok webhook deliveries (webhooks.js); nothing is sent while `url` is null */
	webhook?: Partial<{
		url: string | null;
		/** signing key; null = the secret of the client that published */
		clientSecret: string | null;
		/** first try included */
		maxAttempts: number;
		/** delay before retry n: retryBaseMs * 2^(n-1) */
		retryBaseMs: number;
		timeoutMs: number;
	}>;
	faults?: Partial<{
		cannotPost: 'spam_risk_too_many_posts' | 'spam_risk_user_banned_from_posting' | 'reached_active_user_cap' | string | null;
		chunkStatus: ({ index: number; status?: number } & CountedFault) | null;
		dropConnection: ({ index: number; afterBytes?: number } & CountedFault) | null;
		dropAfterAccept: ({ index: number } & CountedFault) | null;
		holdChunk: ({ index: number; ms?: number } & CountedFault) | null;
		stuckProcessing: boolean;
		failReason: string | null;
		initError: ({ code?: string; status?: number; message?: string } & CountedFault) | null;
		statusError: ({ code?: string; status?: number; message?: string } & CountedFault) | null;
		pullFails: boolean;
		/** docs/tiktok-api.md G14: every init whose valid plan has more than one chunk answers 400 invalid_params "The chunk size is invalid" */
		rejectMultiChunk: boolean | CountedFault | null;
		/** a copy signed with the wrong key goes out before the real delivery */
		webhookBadSignature: boolean | CountedFault | null;
		/** a correctly signed copy with t = now - ageSec (default 600) goes out before the real delivery */
		webhookStaleTimestamp: boolean | ({ ageSec?: number } & CountedFault) | null;
		/** the event is delivered a second time after the first delivery got 200 */
		webhookDuplicate: boolean | CountedFault | null;
		/** content/init MEDIA_UPLOAD answers 400 app_version_check_failed (the user's TikTok app is older than 31.8) */
		appVersionTooOld: boolean;
		/** inbox inits beyond `limit` pending drafts (24 h, per user) answer 403 spam_risk_too_many_pending_share */
		pendingShares: { limit: number } | null;
	}>;
}

export type WebhookDeliveryKind = 'genuine' | 'duplicate' | 'bad_signature' | 'stale_timestamp' | 'replay';

/** One HTTP request to the webhook URL. */
export interface WebhookDelivery {
	id: string;
	eventId: string;
	event: string;
	publishId: string | null;
	kind: WebhookDeliveryKind;
	attempt: number;
	/** the signed timestamp */
	t: number;
	url: string;
	at: string;
	/** `t=<unix>,s=<hex>` as sent */
	signatureHeader: string;
	/** the raw body as sent */
	body: string;
	/** HTTP status of the answer, null on a network error */
	status: number | null;
	answer: string | null;
	error: string | null;
	ms: number | null;
	replayOf?: string;
}

/** One event (its genuine attempts, duplicates and forged copies share `eventId`). */
export interface WebhookEvent {
	eventId: string;
	event: string;
	publishId: string | null;
	clientKey: string;
	createTime: number;
	body: string;
	status: 'pending' | 'delivered' | 'gave_up' | 'forged_only';
	attempts: number;
	at: string;
}

export interface WebhookSendInput {
	event?: string;
	/** object (serialised) or a JSON string sent as is */
	content?: Record<string, unknown> | string;
	/** content keys written as raw JSON numbers, e.g. { post_id: '7308523530180699593' } */
	rawNumbers?: Record<string, string>;
	publishId?: string;
	clientKey?: string;
	openId?: string;
	createTime?: number;
	fault?: 'bad_signature' | 'stale_timestamp' | 'duplicate' | null;
	/** stale_timestamp: how old t is (default 600) */
	ageSec?: number;
	/** with bad_signature or stale_timestamp: send only the forged copy, no real delivery */
	forgedOnly?: boolean;
}

export interface SandboxWebhooks {
	deliveries: WebhookDelivery[];
	events: WebhookEvent[];
	readonly pending: number;
	/** deliver a custom event now; resolves when all its requests are finished */
	send(input?: WebhookSendInput): Promise<WebhookEvent>;
	/** re-send a delivery byte for byte (same body and signature header) */
	replay(deliveryId: string): Promise<WebhookDelivery>;
	/** deliver an earlier event again, signed anew (kind 'duplicate'): TikTok's retry */
	redeliver(eventId: string): Promise<WebhookDelivery | null>;
	/** resolves when no event is being delivered */
	idle(): Promise<void>;
	snapshot(): { pending: number; events: WebhookEvent[]; deliveries: WebhookDelivery[] };
}

export interface TokenResponse {
	access_token: string;
	expires_in: number;
	open_id: string;
	refresh_token: string;
	refresh_expires_in: number;
	scope: string;
	token_type: 'Bearer';
}

export interface LogEntry {
	at: string;
	method: string;
	path: string;
	query: Record<string, string>;
	status: number | null;
	errorCode: string | null;
	body?: Record<string, unknown>;
	/** the connection was destroyed before a complete answer */
	dropped?: boolean;
	chunkIndex?: number;
	/** /media/ requests: the Range and Accept-Encoding headers the client sent */
	range?: string | null;
	acceptEncoding?: string | null;
	contentRange?: string | null;
	contentLength?: number | null;
	contentType?: string | null;
	hadAuthorization?: boolean;
}

export interface PublishRecord {
	publishId: string;
	mode: 'direct' | 'inbox';
	source: 'FILE_UPLOAD' | 'PULL_FROM_URL';
	mediaType: 'VIDEO' | 'PHOTO';
	initBody: any;
	status: 'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'SEND_TO_USER_INBOX' | 'PUBLISH_COMPLETE' | 'FAILED';
	failReason: string | null;
	bytesReceived: number;
	videoSize: number | null;
	sha256: string | null;
	chunks: Array<{ index: number; start: number; end: number; length: number; at: string }>;
	postIds: string[];
	/** what TikTok's checks read from the received video's moov box (start or end of the file); null when unreadable */
	videoInfo?: VideoInfo | null;
	/** photos: what was pulled, and what TikTok's checks read (format, pixels) */
	images?: Array<{ url: string; bytes: number; sha256: string; format?: string | null; width?: number | null; height?: number | null }>;
	filePath?: string;
	openId: string;
	clientKey: string;
	createdAt: string;
	completedAt: string | null;
}

export interface Sandbox {
	port: number;
	baseUrl: string;
	apiBaseUrl: string;
	authorizeUrl: string;
	tokenUrl: string;
	revokeUrl: string;
	/**
	 * `<baseUrl>/media/`: generated MP4s, e.g. `sample.mp4?bytes=N&durationSec=D&seed=S`, and images,
	 * e.g. `p.jpg?w=1080&h=1350&bytes=N` (see ImageSpec and test/sandbox/README.md)
	 */
	mediaBaseUrl: string;
	options: Required<SandboxOptions>;
	log: LogEntry[];
	publishes: Map<string, PublishRecord>;
	webhooks: SandboxWebhooks;
	configure(partial: DeepPartial<SandboxOptions>): Sandbox;
	mintToken(params?: { clientKey?: string; scopes?: string | string[]; openId?: string }): TokenResponse;
	expireAccessTokens(): void;
	/** every upload URL issued so far now answers 403 upload_url_expired ("the hour is over now") */
	expireUploadUrls(): void;
	/** moderation passes now for a published (PUBLISH_COMPLETE) public direct post: it gets its post id (returned), whatever postIdDelayMs says; throws for any other */
	passModeration(publishId: string): string;
	countCalls(pathSuffix: string): number;
	reset(): Sandbox;
	close(): Promise<void>;
}

export function startSandbox(options?: SandboxOptions): Promise<Sandbox>;
export function defaultOptions(): Required<SandboxOptions>;

export interface Mp4Options {
	/** mvhd/tkhd duration in seconds, default 10 */
	durationSec?: number;
	/** picture size in tkhd, the avc1 sample entry and the H.264 SPS; default 1080 x 1920 (even sizes) */
	width?: number;
	height?: number;
	/** frame rate (mdhd timescale fps x 1000, stts frames of 1000 ticks, and the SPS timing), default 30 */
	fps?: number;
	/** 'mov' writes a QuickTime file (ftyp 'qt  ' + wide); default 'mp4' */
	container?: 'mp4' | 'mov';
	/** moov after mdat (what most cameras write) instead of first ("fast start") */
	moovAtEnd?: boolean;
	/** add a sound track before the video track */
	audio?: boolean;
	/** payload seed: same (bytes, options, seed) = same bytes */
	seed?: number | string;
}
export interface VideoInfo {
	durationSec: number | null;
	width: number | null;
	height: number | null;
	frameRate: number | null;
}
/** The sandbox's own reading of a buffer that holds a moov box (null when there is none). */
export function readVideoInfo(buffer: Buffer): VideoInfo | null;
/** The same from a file on disk, wherever its moov box is. */
export function readVideoInfoFromFile(path: string): VideoInfo | null;
export function makeMp4(bytes: number, opts?: Mp4Options): Buffer;
/** Streams the file; resolves with its sha256 (hex). */
export function writeMp4File(path: string, bytes: number, opts?: Mp4Options): Promise<string>;
export function mp4Chunks(bytes: number, opts?: Mp4Options): Generator<Buffer>;
/** Bytes [start, end] (inclusive) of the same file, without generating what comes before `start`. */
export function mp4Range(bytes: number, opts: Mp4Options | undefined, start: number, end: number): Generator<Buffer>;

export interface ImageSpec {
	format: 'jpeg' | 'webp' | 'png' | 'gif';
	width: number;
	height: number;
	/** file size in bytes (at least the headers) */
	bytes?: number;
	seed?: number | string;
	/** JPEG frame type: 0 baseline, 1 extended, 2 progressive */
	sof?: 0 | 1 | 2;
	/** WebP bitstream header */
	webp?: 'vp8' | 'vp8l' | 'vp8x';
	/** JPEG: APP1 bytes before the frame header */
	exifBytes?: number;
}
/** A generated image (head structures + filler), as the /media/ route serves it. */
export function makeImage(spec: ImageSpec): Buffer;
/** The sandbox's own reading of an image head: format by content and size in pixels (null when not in the head). */
export function inspectImage(head: Buffer): { format: 'jpeg' | 'webp' | 'png' | 'gif' | null; width: number | null; height: number | null };
