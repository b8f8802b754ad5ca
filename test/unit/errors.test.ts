import type { INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { explainFailReason, explainTikTokError, scrubSecrets, tikTokApiError, tikTokFailReasonError } from '../../nodes/TikTok/core/tiktok/errors';
import { TIKTOK_ERROR_CODES, TIKTOK_FAIL_REASONS } from '../../nodes/TikTok/core/tiktok/errorCatalogue';

const node: INode = { id: 'n', name: 'TikTok', type: 't', typeVersion: 1, position: [0, 0], parameters: {} };

/** Every code of docs/tiktok-api.md §2, §3.1, §5, §7, §1.7 */
const DOC_CODES: Array<[string, number]> = [
	['access_token_invalid', 401],
	['scope_not_authorized', 401],
	['scope_permission_missed', 400],
	['invalid_params', 400],
	['invalid_file_upload', 400],
	['rate_limit_exceeded', 429],
	['internal_error', 500],
	['spam_risk_too_many_posts', 200],
	['spam_risk_user_banned_from_posting', 200],
	['reached_active_user_cap', 200],
	['invalid_param', 400],
	['app_version_check_failed', 400],
	['spam_risk_too_many_pending_share', 403],
	['unaudited_client_can_only_post_to_private_accounts', 403],
	['url_ownership_unverified', 403],
	['privacy_level_option_mismatch', 403],
	['invalid_publish_id', 400],
	['token_not_authorized_for_specified_publish_id', 400],
	['publish_not_cancellable', 400],
	['access_denied', 200],
	['invalid_client', 200],
	['invalid_grant', 200],
	['invalid_request', 200],
	['invalid_scope', 200],
	['unauthorized_client', 200],
	['unsupported_grant_type', 200],
	['unsupported_response_type', 200],
];

const DOC_FAIL_REASONS = [
	'file_format_check_failed',
	'duration_check_failed',
	'frame_rate_check_failed',
	'picture_size_check_failed',
	'internal',
	'video_pull_failed',
	'photo_pull_failed',
	'publish_cancelled',
	'auth_removed',
	'spam_risk_too_many_posts',
	'spam_risk_user_banned_from_posting',
	'spam_risk_text',
	'spam_risk',
];

describe('explainTikTokError: one entry per documented code', () => {
	it.each(DOC_CODES)('%s -> NodeApiError with summary, hint, code, HTTP status and log_id', (code, status) => {
		expect(Object.prototype.hasOwnProperty.call(TIKTOK_ERROR_CODES, code)).toBe(true);
		const { summary, hint } = explainTikTokError(code);
		expect(summary.length).toBeGreaterThan(10);
		expect(hint.length).toBeGreaterThan(20);
		const error = tikTokApiError(node, { code, message: 'm', logId: `LOG${code.length}`, httpStatus: status }, 3);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(`${summary} [${code}]`);
		expect(error.description).toContain(hint);
		expect(error.description).toMatch(new RegExp(`\\(TikTok log_id: LOG${code.length}\\)$`));
		expect(error.httpCode).toBe(String(status));
		expect(error.context.tiktokCode).toBe(code);
		expect(error.context.logId).toBe(`LOG${code.length}`);
		expect(error.context.itemIndex).toBe(3);
	});

	it('has the required guidance for the tricky codes', () => {
		expect(explainTikTokError('unaudited_client_can_only_post_to_private_accounts').hint).toMatch(
			/TikTok account itself to private in the TikTok app.*AND post with privacy "Only me" \(SELF_ONLY\), or get the app audited/,
		);
		expect(explainTikTokError('url_ownership_unverified').hint).toMatch(/Verify the domain or URL prefix.*developer portal.*Download and Upload/);
		expect(explainTikTokError('spam_risk_too_many_pending_share').hint).toMatch(/at most 5 pending drafts within 24 hours.*finish \(post\) or delete/);
		expect(explainTikTokError('privacy_level_option_mismatch').hint).toMatch(/privacy level the account offers/);
		expect(explainTikTokError('access_token_invalid').hint).toMatch(/reconnect/);
	});

	it('unknown codes still carry the code, TikTok\'s message and log_id', () => {
		const error = tikTokApiError(node, { code: 'brand_new_code', message: 'Something new.', logId: 'L-9', httpStatus: 418 });
		expect(error.message).toBe('TikTok returned an error: Something new [brand_new_code]');
		expect(error.description).toContain('"brand_new_code"');
		expect(error.description).toMatch(/\(TikTok log_id: L-9\)$/);
		expect(error.httpCode).toBe('418');
		const bare = tikTokApiError(node, { code: 'x_y' });
		expect(bare.message).toBe('TikTok returned an error [x_y]');
		expect(bare.description).toMatch(/\(TikTok log_id: none\)$/);
		expect(bare.httpCode).toBeNull();
	});

	it('keeps messages that contain network-error words intact', () => {
		const error = tikTokApiError(node, { code: 'network_error', message: 'connect ECONNREFUSED 127.0.0.1:9' });
		expect(error.message).toBe('Could not reach TikTok [network_error]');
	});

	it('scrubs token-looking text out of TikTok messages', () => {
		const error = tikTokApiError(node, { code: 'invalid_params', message: 'bad token act.abcdefghijkl and Bearer xyz123456' });
		expect(JSON.stringify(error)).not.toMatch(/act\.abcdefghijkl|xyz123456/);
		expect(error.description).not.toMatch(/act\.abcdefghijkl|xyz123456/);
		expect(scrubSecrets('refresh_token=rft.12345678&x=1')).toBe('refresh_token=[redacted]&x=1');
		expect(scrubSecrets('{"client_secret":"abc"}')).toBe('{"client_secret":"[redacted]"}');
	});
});

describe('explainFailReason: one entry per documented fail_reason', () => {
	it.each(DOC_FAIL_REASONS)('%s', (reason) => {
		expect(Object.prototype.hasOwnProperty.call(TIKTOK_FAIL_REASONS, reason)).toBe(true);
		const { summary, hint } = explainFailReason(reason);
		expect(summary.length).toBeGreaterThan(10);
		expect(hint.length).toBeGreaterThan(20);
		const error = tikTokFailReasonError(node, reason, { publishId: 'v_pub_file~1', itemIndex: 1 });
		expect(error.message).toBe(`${summary} [${reason}]`);
		expect(error.description).toContain(hint);
		expect(error.description).toContain('v_pub_file~1');
		expect(error.context.itemIndex).toBe(1);
	});

	it('retryable vs not', () => {
		expect(explainFailReason('internal').hint).toMatch(/can be retried/);
		expect(explainFailReason('auth_removed').hint).toMatch(/Do not retry/);
		expect(explainFailReason('frame_rate_check_failed').hint).toMatch(/23 to 60/);
	});

	it('unknown reason is explained generically with the reason', () => {
		expect(explainFailReason('weird').hint).toContain('"weird"');
	});
});
