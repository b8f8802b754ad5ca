#!/usr/bin/env node
/*
 * npm run dev — a ready-to-click n8n 2.41.1 with this package and the TikTok sandbox.
 *
 *   1. installs n8n once (scripts/n8n-install.js, cached in .cache/n8n)
 *   2. npm run build, npm pack, installs the tarball into .cache/n8n-dev-user/.n8n/nodes (as n8n does)
 *   3. starts the TikTok sandbox (http://127.0.0.1:5680, or DEV_SANDBOX_PORT)
 *   4. imports a sandbox credential (fresh token minted by the sandbox), every example pointed at
 *      the sandbox (sample products pinned on the shop triggers) and the every-node workflow of the
 *      demo video (scripts/demo-workflow.js), and writes a test video for the "upload draft" example
 *   5. starts `n8n start` on http://localhost:5678 (DEV_N8N_PORT), sets up the owner on first run,
 *      activates the "product added" webhook example and the TikTok Trigger example (with its data
 *      table), points the sandbox's webhook deliveries at the trigger, prints the login and what to click
 *   Ctrl-C stops n8n and the sandbox.
 *
 * The user folder persists between runs (.cache/n8n-dev-user); `npm run dev -- --fresh` starts clean.
 * The steps live in scripts/dev-environment.js (the browser test starts the same thing on free ports).
 */
'use strict';

const path = require('node:path');

const { startDevEnvironment, devEnvironmentHandle } = require('./dev-environment');
const { REPO_ROOT, secs } = require('../test/e2e/lib/util');

const N8N_PORT = Number(process.env.DEV_N8N_PORT || 5678);
const SANDBOX_PORT = Number(process.env.DEV_SANDBOX_PORT || 5680);
const USER_FOLDER = path.join(REPO_ROOT, '.cache', 'n8n-dev-user');

const say = (msg) => process.stdout.write(`[dev] ${msg}\n`);

async function main() {
	const t0 = Date.now();
	const dev = devEnvironmentHandle();
	const stopAll = async (code = 0) => {
		if (dev.stopping) return;
		say('stopping n8n and the sandbox…');
		await dev.stop();
		process.exit(code);
	};
	process.on('SIGINT', () => stopAll(0));
	process.on('SIGTERM', () => stopAll(0));

	await startDevEnvironment({
		n8nPort: N8N_PORT,
		sandboxPort: SANDBOX_PORT,
		userFolder: USER_FOLDER,
		fresh: process.argv.includes('--fresh'),
		log: say,
		n8nLogLevel: process.env.DEV_N8N_LOG_LEVEL || 'warn',
		onN8nLine: (l) => process.stdout.write(`[n8n] ${l}\n`),
	}, dev);
	const { server, sandbox, login, credential, webhookPath } = dev;
	for (const [what, child] of [['the sandbox', sandbox.child], ['n8n', server.child]]) {
		child.on('exit', (code) => {
			if (!dev.stopping) {
				say(`${what} exited (${code}); stopping`);
				stopAll(1);
			}
		});
	}

	const curl = `curl -s -X POST ${server.url}/webhook/${webhookPath} -H 'Content-Type: application/json' -d '{"name":"Linen shirt","description":"Breathable linen.","price":"39.00","currency":"EUR","videoUrl":"${sandbox.baseUrl}/media/linen-shirt.mp4?bytes=3000000"}'`;
	process.stdout.write(`
────────────────────────────────────────────────────────────────────────────
 n8n 2.41.1 with n8n-nodes-tiktok-content-posting is ready (${secs(Date.now() - t0)})

   Editor:   ${server.url}
   Login:    ${login.email}  /  ${login.password}
   Sandbox:  ${sandbox.baseUrl}   (log: ${sandbox.baseUrl}/__sandbox/log, posts: ${sandbox.baseUrl}/__sandbox/publishes)

 What to click
   1. Open "TikTok: upload a video file as a draft (sandbox)" and click "Execute workflow":
      a 12 MB test video is read from disk and sent to the sandbox inbox in chunks.
   2. Open "TikTok: publish Cloudinary videos on a schedule (sandbox)", click "Execute workflow"
      (the "Run now" trigger): two videos are published by URL (Upload Method Auto). Click it
      again: the node's Skip Already Posted option skips both, nothing is posted twice.
   3. Open "TikTok: publish a video when a WooCommerce product is created (sandbox)" (or the
      Shopify one) and click "Execute workflow": the trigger holds a pinned sample product, whose
      video URL and caption are built from its SKU (handle), name, price and tags.
   4. "TikTok: publish a video when a product is added (sandbox)" is active. Try:
      ${curl}
   5. Credentials > "${credential.name}" > Reconnect: the Connect button runs the OAuth flow
      through n8n's callback against the sandbox (it approves at once).
   6. Expire the tokens to watch n8n refresh them on the next run:
      curl -X POST ${sandbox.baseUrl}/__sandbox/expire-tokens
   7. "TikTok: every node, one run (sandbox)": "Execute workflow" posts a video from a URL (public)
      and one from binary data, a photo carousel, and looks the first post up with Get Status; the
      public video's post id then starts the workflow of step 8 (npm run demo:video records this).
   8. "TikTok: store the post URL when a post goes public (sandbox)" is active: the sandbox sends
      TikTok's webhook events to it. Step 4 with "privacyLevel" set to Everyone in the workflow, or:
      curl -s -X POST ${sandbox.baseUrl}/__sandbox/webhook/send -H 'Content-Type: application/json' -d '{"event":"post.publish.publicly_available","content":{"publish_id":"v_pub_url~v2-1.demo","post_id":"","publish_type":"DIRECT_PUBLISH"},"rawNumbers":{"post_id":"7308523530180699593"}}'
      then see Executions, and the row in Overview > Data tables > tiktok_posts.

 Ctrl-C stops n8n and the sandbox. Data stays in ${path.relative(REPO_ROOT, USER_FOLDER)} (--fresh to reset).
────────────────────────────────────────────────────────────────────────────
`);
}

main().catch((e) => {
	process.stderr.write(`[dev] failed: ${e.stack || e.message}\n`);
	process.exit(1);
});
