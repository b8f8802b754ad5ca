'use strict';
/*
 * ONE package upload, in its own process (spawned by scripts/bench.js), so its peak RSS is its own.
 *
 * Runs the BUILT node (TikTokUploadVideo or TikTokPublishVideo .node.js, compiled from nodes/) with a
 * minimal IExecuteFunctions whose parts that matter for the upload are n8n's own:
 * - helpers.httpRequest            = Container.get(OutboundHttp).requests().request (n8n-core 2.x)
 * - helpers.httpRequestWithAuthentication = n8n-core's request-helper factory (OAuth2 signing)
 * - helpers.getBinaryStream / getBinaryMetadata = n8n-core's binary helper functions over the REAL
 *   BinaryDataService in filesystem mode (FsByteStore: fileHandle.createReadStream({highWaterMark}))
 * - helpers.assertBinaryData       = n8n-core's own
 *
 * Measures: idle RSS (everything loaded, one GC, before execute), peak RSS (process.memoryUsage().rss
 * sampled every 20 ms + process.resourceUsage().maxRSS), the largest Buffer allocated (Buffer.alloc,
 * allocUnsafe, allocUnsafeSlow are wrapped before anything else is loaded), the source's own stats,
 * the time from the first chunk PUT to the 201, and the node's output. Sends one result via IPC.
 *
 * Input: a JSON spec in process.argv[2] (see scripts/bench.js `runPackage`, scripts/bench-volume.js). Optional:
 * - `items`: [{ parameters?, binary? }] several input items, each with its own parameter overrides (default: one
 *   item holding `binary`);
 * - `readOnly`: instead of running the node, read every item's binary to the end through the same n8n helper
 *   and read size (the memory a run costs that only reads the file).
 */

// ---- Buffer allocation instrumentation: installed before any other module is loaded ----
const allocStats = { phase: 'load', largest: { load: 0, upload: 0 }, bigAllocs: { load: 0, upload: 0 }, bigBytes: { load: 0, upload: 0 }, sizes: new Map() };
const BIG = 256 * 1024;
function note(size) {
	const p = allocStats.phase;
	if (size > allocStats.largest[p]) allocStats.largest[p] = size;
	if (size >= BIG) {
		allocStats.bigAllocs[p]++;
		allocStats.bigBytes[p] += size;
		if (p === 'upload') allocStats.sizes.set(size, (allocStats.sizes.get(size) || 0) + 1);
	}
}
for (const name of ['alloc', 'allocUnsafe', 'allocUnsafeSlow']) {
	const original = Buffer[name];
	Buffer[name] = function instrumented(size, ...rest) {
		note(size);
		return original.call(this, size, ...rest);
	};
}

const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const spec = JSON.parse(process.argv[2]);
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const fromRepo = (m) => require(require.resolve(m, { paths: [REPO_ROOT] }));
// n8n-core ships its own copies of @n8n/di and @n8n/backend-network (node_modules/n8n-core/node_modules):
// resolve them from n8n-core so the Container is the one n8n-core's helpers read.
const N8N_CORE_DIR = path.dirname(require.resolve('n8n-core/package.json', { paths: [REPO_ROOT] }));
const fromCore = (m) => require(require.resolve(m, { paths: [N8N_CORE_DIR] }));

fromCore('reflect-metadata');
const { Container } = fromCore('@n8n/di');
const { OutboundHttp } = fromCore('@n8n/backend-network');
const { BinaryDataService } = fromRepo('n8n-core/dist/binary-data/binary-data.service');
const binaryHelpers = fromRepo('n8n-core/dist/execution-engine/node-execution-context/utils/binary-helper-functions');
const { getRequestHelperFunctions } = fromRepo('n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/factory');
const { returnJsonArray } = fromRepo('n8n-core/dist/execution-engine/node-execution-context/utils/return-json-array');
const { constructExecutionMetaData } = fromRepo('n8n-core/dist/execution-engine/node-execution-context/utils/construct-execution-metadata');
const { Workflow, ApplicationError } = fromRepo('n8n-workflow');

const nodeFile =
	spec.node === 'publish'
		? path.join(spec.buildDir, 'nodes/TikTokPublishVideo/TikTokPublishVideo.node.js')
		: path.join(spec.buildDir, 'nodes/TikTokUploadVideo/TikTokUploadVideo.node.js');
const NodeClass = spec.node === 'publish' ? require(nodeFile).TikTokPublishVideo : require(nodeFile).TikTokUploadVideo;
const { TikTokOAuth2Api } = require(path.join(spec.buildDir, 'credentials/TikTokOAuth2Api.credentials.js'));
const { setPacingWindowForTests } = require(path.join(spec.buildDir, 'nodes/TikTok/core/tiktok/pacing.js'));

// The sandbox is the only server; its rate windows are configured wide by bench.js. Pacing is
// per process anyway (fresh here), so it never delays these single runs.
void setPacingWindowForTests;

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };
silentLogger.scoped = () => silentLogger;

/** The credential data n8n hands to n8n-core: hidden fields forced, `={{…}}` resolved with $self. */
function resolveCredential(stored) {
	const mockNode = { id: 'cred', name: 'Temp-Node', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [0, 0], parameters: {} };
	const nodeTypes = {
		getByName: () => ({ description: { properties: [] } }),
		getByNameAndVersion: () => ({ description: { properties: [] } }),
		getKnownTypes: () => ({}),
	};
	const wf = new Workflow({ nodes: [mockNode], connections: {}, active: false, nodeTypes });
	const data = {};
	for (const p of new TikTokOAuth2Api().properties) {
		data[p.name] = p.type === 'hidden' || stored[p.name] === undefined ? p.default : stored[p.name];
	}
	const resolved = wf.expression.getComplexParameterValue(mockNode, data, 'internal', {}, undefined, undefined, data);
	resolved.oauthTokenData = { ...stored.oauthTokenData };
	return resolved;
}

function getPath(source, dotted) {
	let cur = source;
	for (const part of dotted.split('.')) {
		if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
		cur = cur[part];
	}
	return cur;
}

async function main() {
	// Real binary data service, filesystem mode, over the storage folder bench.js wrote with it.
	const binaryDataService = new BinaryDataService(
		{ mode: 'filesystem', localStoragePath: spec.storagePath, signingSecret: 'bench' },
		{ error() {}, warn() {}, info() {} },
		silentLogger,
	);
	await binaryDataService.init();
	Container.set(BinaryDataService, binaryDataService);

	const credentialStore = {
		clientId: 'sandbox-client-key',
		clientSecret: 'sandbox-client-secret',
		environment: 'custom',
		apiBaseUrl: `${spec.baseUrl}/v2`,
		customAuthUrl: `${spec.baseUrl}/v2/auth/authorize/`,
		customTokenUrl: `${spec.baseUrl}/v2/oauth/token/`,
		allowPrivateNetworks: true,
		oauthTokenData: spec.token,
	};
	const node = {
		id: 'node-1',
		name: spec.node === 'publish' ? 'TikTok Publish Video' : 'TikTok Upload Video',
		type: `n8n-nodes-tiktok-content-posting.${spec.node === 'publish' ? 'tikTokPublishVideo' : 'tikTokUploadVideo'}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { tikTokOAuth2Api: { id: 'cred-1', name: 'TikTok' } },
	};
	const additionalData = {
		credentialsHelper: {
			getParentTypes: (type) => (type === 'tikTokOAuth2Api' ? ['oAuth2Api'] : []),
			runPreAuthentication: async () => undefined,
			getDecrypted: async () => resolveCredential(credentialStore),
			updateCredentialsOauthTokenData: async (_c, _t, data) => {
				credentialStore.oauthTokenData = data.oauthTokenData;
			},
			updateCredentials: async () => undefined,
		},
		executionId: 'bench-exec',
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		webhookBaseUrl: 'http://localhost:5678/webhook/',
	};
	const workflowStub = { id: 'bench-wf', name: 'bench', active: false, settings: { binaryMode: 'separate' }, expression: {} };
	const requestHelpers = getRequestHelperFunctions(workflowStub, node, additionalData);
	// n8n-core's binary helpers, as its ExecuteContext spreads them into `helpers` (getBinaryStream,
	// getBinaryMetadata = Container.get(BinaryDataService).getAsStream / getMetadata).
	const binaryHelperFunctions = binaryHelpers.getBinaryHelperFunctions(additionalData, workflowStub.id);
	const outbound = Container.get(OutboundHttp).requests();

	const itemSpecs = spec.items ?? [{ binary: spec.binary }];
	const allItems = itemSpecs.map((item) => ({ json: {}, ...(item.binary ? { binary: { data: item.binary } } : {}) }));
	const items = allItems;
	const inputData = { main: [items] };
	const parameterOf = (itemIndex) => ({ ...spec.parameters, ...(itemSpecs[itemIndex]?.parameters ?? {}) });
	const abort = new AbortController();

	// Timing of the transfer: first chunk PUT sent -> the 201 answer received.
	const timing = { firstPutAt: undefined, lastAnswerAt: undefined, puts: 0, statuses: {} };
	const httpRequest = async (options) => {
		const isPut = options.method === 'PUT';
		if (isPut) {
			if (spec.gcPerChunk && global.gc) global.gc(); // experiment knob only (--gc-per-chunk)
			timing.puts++;
			if (timing.firstPutAt === undefined) timing.firstPutAt = performance.now();
		}
		const response = await outbound.request(options);
		if (isPut) {
			const status = response && response.statusCode;
			timing.statuses[status] = (timing.statuses[status] || 0) + 1;
			if (status === 201) timing.lastAnswerAt = performance.now();
		}
		return response;
	};

	const ctx = {
		logger: silentLogger,
		getNode: () => node,
		getNodeParameter(name, itemIndex = 0, ...rest) {
			const parameters = parameterOf(itemIndex);
			const value = Object.prototype.hasOwnProperty.call(parameters, name) ? parameters[name] : getPath(parameters, name);
			if (value === undefined) {
				if (rest.length > 0 && rest[0] !== undefined) return rest[0];
				throw new ApplicationError('Could not get parameter', { extra: { parameterName: name } });
			}
			return JSON.parse(JSON.stringify(value));
		},
		getInputData: () => items,
		getCredentials: async () => resolveCredential(credentialStore),
		continueOnFail: () => false,
		getMode: () => 'manual',
		getExecutionCancelSignal: () => abort.signal,
		onExecutionCancellation: () => undefined,
		getExecutionId: () => 'bench-exec',
		getWorkflow: () => ({ id: 'bench-wf', name: 'bench', active: false }),
		getTimezone: () => 'UTC',
		getInstanceBaseUrl: () => 'http://localhost:5678/',
		getWorkflowStaticData: () => ({}),
		getContext: () => ({}),
		getRunIndex: () => 0,
		getExecuteData: () => ({ node, data: inputData, source: null }),
		sendMessageToUI: () => undefined,
		addExecutionHints: () => undefined,
		isToolExecution: () => false,
		helpers: {
			...binaryHelperFunctions,
			...requestHelpers,
			httpRequest,
			returnJsonArray,
			constructExecutionMetaData,
			assertBinaryData: (itemIndex, propertyName) => binaryHelpers.assertBinaryData(inputData, node, itemIndex, propertyName, 0),
			getBinaryDataBuffer: async () => {
				throw new Error('bench: getBinaryDataBuffer must not be used for a filesystem-mode binary');
			},
		},
	};

	// Spy on the source: the node's own VideoSource stats (largest allocation) if it exposes them.
	// (Builds from before the source split kept openBinarySource in videoSource.js.)
	const binarySourcePath = path.join(spec.buildDir, 'nodes/TikTok/core/media/binarySource.js');
	const videoSourceModule = require(fs.existsSync(binarySourcePath) ? binarySourcePath : path.join(spec.buildDir, 'nodes/TikTok/core/media/videoSource.js'));
	// Experiment knob (bench.js --read-hint N): the read size the node asks n8n's binary stream for.
	if (spec.readHint) videoSourceModule.BINARY_READ_HINT = spec.readHint;
	let sourceStats;
	const openBinarySource = videoSourceModule.openBinarySource;
	videoSourceModule.openBinarySource = async (...args) => {
		const source = await openBinarySource(...args);
		sourceStats = source.stats;
		return source;
	};

	const instance = new NodeClass();

	// Idle baseline: everything loaded and wired, one full GC, before the upload starts.
	if (global.gc) global.gc();
	await new Promise((r) => setTimeout(r, 200));
	const idleRss = process.memoryUsage().rss;
	const maxRssBeforeKb = process.resourceUsage().maxRSS;

	const idleMem = process.memoryUsage();
	let peakRss = idleRss;
	let peakArrayBuffers = idleMem.arrayBuffers;
	let peakHeapUsed = idleMem.heapUsed;
	let samples = 0;
	const sampler = setInterval(() => {
		const m = process.memoryUsage();
		samples++;
		if (m.rss > peakRss) peakRss = m.rss;
		if (m.arrayBuffers > peakArrayBuffers) peakArrayBuffers = m.arrayBuffers;
		if (m.heapUsed > peakHeapUsed) peakHeapUsed = m.heapUsed;
	}, 20);

	allocStats.phase = 'upload';
	// Lets bench.js read the sandbox's CPU counter when the upload starts (not during our start-up).
	await new Promise((resolve) => process.send({ event: 'start' }, resolve));
	const cpuBefore = process.cpuUsage();
	const t0 = performance.now();
	let output;
	let error;
	const executions = [];
	try {
		if (spec.readOnly) {
			output = [await readEveryBinary(ctx, allItems, videoSourceModule.BINARY_READ_HINT ?? 1_048_576)];
		} else {
			output = await instance.execute.call(ctx);
			executions.push({ items: items.length, ms: performance.now() - t0 });
		}
	} catch (e) {
		error = { message: e.message, description: e.description };
	}
	const t1 = performance.now();
	const returnedAtEpochMs = Date.now();
	const cpu = process.cpuUsage(cpuBefore);
	clearInterval(sampler);
	const rssEnd = process.memoryUsage().rss;
	if (rssEnd > peakRss) peakRss = rssEnd;
	const maxRssKb = process.resourceUsage().maxRSS;

	const result = {
		ok: !error,
		error,
		json: output ? output[0][0]?.json : undefined,
		outputs: output ? output[0].map((item) => item.json) : undefined,
		executions,
		idleRss,
		peakRssSampled: peakRss,
		maxRss: maxRssKb * 1024,
		idleArrayBuffers: idleMem.arrayBuffers,
		peakArrayBuffers,
		idleHeapUsed: idleMem.heapUsed,
		peakHeapUsed,
		maxRssBeforeUpload: maxRssBeforeKb * 1024,
		samples,
		executeMs: t1 - t0,
		transferMs: timing.firstPutAt !== undefined && timing.lastAnswerAt !== undefined ? timing.lastAnswerAt - timing.firstPutAt : undefined,
		puts: timing.puts,
		statuses: timing.statuses,
		returnedAtEpochMs,
		cpuUserMs: cpu.user / 1000,
		cpuSystemMs: cpu.system / 1000,
		largestAllocUpload: allocStats.largest.upload,
		largestAllocLoad: allocStats.largest.load,
		bigAllocsUpload: allocStats.bigAllocs.upload,
		bigAllocBytesUpload: allocStats.bigBytes.upload,
		bigAllocSizesUpload: [...allocStats.sizes.entries()].sort((a, b) => b[0] - a[0]).slice(0, 8),
		sourceStats: sourceStats ? { ...sourceStats } : undefined,
	};
	process.send(result, () => process.exit(0));
}

/** Reads each item's binary to its end with n8n's stream helper, keeping nothing: the read-only reference. */
async function readEveryBinary(ctx, itemsToRead, readHint) {
	const out = [];
	for (const item of itemsToRead) {
		let bytes = 0;
		const stream = await ctx.helpers.getBinaryStream(item.binary.data.id, readHint);
		for await (const piece of stream) bytes += piece.length;
		out.push({ json: { bytesRead: bytes } });
	}
	return out;
}

main().catch((err) => {
	process.send({ ok: false, error: { message: String(err && err.stack) } }, () => process.exit(1));
});
