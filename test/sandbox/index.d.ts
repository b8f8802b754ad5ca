/** Types for the TikTok sandbox (index.js). Contract: docs/ARCHITECTURE.md, section "Sandbox". */
/// <reference types="node" />

/** configure() deep-merges, so every level is optional there. */
export type DeepPartial<T> = T extends object ? (T extends Array<unknown> ? T : { [K in keyof T]?: DeepPartial<T[K]> }) : T;

export interface SandboxClient {
	secret: string;
	audited?: boolean;
	/** [] = any redirect_uri accepted */
	redirectUris?: string[];
}

export interface CountedFault {
	/** how many more times the fault fires; omitted = every time */
	times?: number;
}

export interface SandboxOptions {
	port?: number;
	host?: string;
	clients?: Record<string, SandboxClient>;
	accessTokenTtlSec?: number;
	refreshTokenTtlSec?: number;
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
	faults?: Partial<{
		cannotPost: 'spam_risk_too_many_posts' | 'spam_risk_user_banned_from_posting' | 'reached_active_user_cap' | string | null;
		chunkStatus: ({ index: number; status?: number } & CountedFault) | null;
		dropConnection: ({ index: number; afterBytes?: number } & CountedFault) | null;
		dropAfterAccept: ({ index: number } & CountedFault) | null;
		stuckProcessing: boolean;
		failReason: string | null;
		initError: ({ code?: string; status?: number; message?: string } & CountedFault) | null;
		statusError: ({ code?: string; status?: number; message?: string } & CountedFault) | null;
		pullFails: boolean;
		/** G14: every init whose valid plan has more than one chunk answers 400 invalid_params "The chunk size is invalid" */
		rejectMultiChunk: boolean | CountedFault | null;
	}>;
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
	images?: Array<{ url: string; bytes: number; sha256: string }>;
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
	/** `<baseUrl>/media/`: generated MP4s, e.g. `sample.mp4?bytes=N&durationSec=D&seed=S` */
	mediaBaseUrl: string;
	options: Required<SandboxOptions>;
	log: LogEntry[];
	publishes: Map<string, PublishRecord>;
	configure(partial: DeepPartial<SandboxOptions>): Sandbox;
	mintToken(params?: { clientKey?: string; scopes?: string | string[]; openId?: string }): TokenResponse;
	expireAccessTokens(): void;
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
