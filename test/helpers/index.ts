/**
 * Test harness for node tests: one fake-but-faithful n8n execution context per test.
 *
 * WHAT IS REAL
 * - `ctx.helpers.httpRequest` is n8n-core's real outbound request
 *   (`Container.get(OutboundHttp).requests().request`, axios underneath).
 * - `ctx.helpers.httpRequestWithAuthentication` is n8n-core's real one (from its request-helper
 *   factory): OAuth2 Bearer signing, and on HTTP 401 a refresh at the credential's `accessTokenUrl`
 *   (POST refresh_token, grant_type, client_id, client_secret; `?client_key=` comes from the URL),
 *   the rotated token saved into `ctx.harness.credentialStore.oauthTokenData`
 *   (`ctx.harness.tokenSaves` counts saves), then ONE retry. The credential's own `preAuthentication`
 *   runs before each signed request and after each refresh, as n8n's CredentialsHelper does. Call it like nodes do:
 *   `this.helpers.httpRequestWithAuthentication.call(this, 'tikTokOAuth2Api', opts)`.
 * - The credential data handed to n8n-core is resolved from credentials/TikTokOAuth2Api.credentials.ts
 *   exactly like n8n: hidden fields forced to their defaults and `={{…}}` expressions evaluated with
 *   `$self` by n8n-workflow (authUrl, accessTokenUrl WITH ?client_key=, authQueryParameters,
 *   additionalBodyProperties, authentication 'body', grantType, scope). See `ctx.harness.resolvedCredentials()`.
 * - `assertBinaryData`, `returnJsonArray`, `constructExecutionMetaData`, `normalizeItems`,
 *   `copyInputItems` are n8n-core's own functions.
 *
 * WHAT IS SIMULATED
 * - Binary data: memory-mode items (base64 in `binary.data.data`) and stream-mode items
 *   (`binary.data.id`; `helpers.getBinaryMetadata(id)` -> {fileName, mimeType, fileSize};
 *   `helpers.getBinaryStream(id, chunkSize)` -> Readable over a generator, pieces <= chunkSize).
 *   `binaryStats.largestBufferBytes` records the largest Buffer handed out (stream piece or a whole
 *   buffer from `getBinaryDataBuffer`); `fullBuffersMaterialised` counts whole-file reads of
 *   stream-mode items. `prepareBinaryData` returns a memory-mode IBinaryData.
 * - `getNodeParameter(name, itemIndex, fallback?, {extractValue?})` over `parameters` with dotted
 *   paths ('options.chunkSizeMb'); missing without fallback throws like n8n.
 * - `getExecutionCancelSignal()` -> `ctx.harness.abortController.signal` (or `options.abortSignal`);
 *   `ctx.harness.abort()` cancels.
 * - `logger` captures lines into `ctx.harness.logs` ({level, message, meta}).
 * - `getNode().credentials = { tikTokOAuth2Api: { id: 'cred-1', name: 'TikTok' } }`.
 *
 * EXAMPLE
 * ```ts
 * import { startSandbox } from '../sandbox';
 * import { createTestContext, sandboxCredentials, secretsOf, expectNoSecrets, binaryItemFromGenerator } from '../helpers';
 *
 * const sandbox = await startSandbox();
 * const ctx = createTestContext({
 *   credentials: sandboxCredentials(sandbox),                 // mints a token in the sandbox
 *   parameters: { privacyLevel: 'SELF_ONLY', options: { chunkSizeMb: 10 } },
 *   items: [binaryItemFromGenerator(25_000_000, undefined, { fileName: 'a.mp4' })],
 * });
 * const out = await new TikTokPublishVideo().execute.call(ctx);
 * expectNoSecrets({ out, logs: ctx.harness.logs }, secretsOf(ctx));
 * ```
 *
 * Tests that scale TikTok's rate windows: `setPacingWindowForTests(1000)` from
 * nodes/TikTok/core/tiktok/pacing.ts (and `resetPacing()` between tests).
 */
export * from './binary';
export * from './context';
export * from './credentials';
export * from './nodeParameters';
export * from './secrets';
export * from './sandboxCredentials';
export * from './webhookContext';
export * from './oauthConnect';
export * from './deduplication';
