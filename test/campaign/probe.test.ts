import { startSandbox, type Sandbox } from '../sandbox';
import { sandboxCredentials } from '../helpers';
import { setPollIntervalsForTests } from '../../nodes/TikTok/core/publishStatus';
import { mp4Item } from '../integration/media';
import { runNode, allInits } from './lib/run';

let sandbox: Sandbox;
beforeAll(async () => { sandbox = await startSandbox({ processingMs: 300 }); setPollIntervalsForTests([30, 60, 100]); });
afterAll(async () => sandbox.close());

it('probe url tiktok env', async () => {
	for (const node of ['publish', 'upload'] as const) {
		const run = await runNode('p', node, { credentials: sandboxCredentials(sandbox, { environment: 'tiktok' }), tripwire: true,
			parameters: { source: 'url', videoUrl: 'https://169.254.169.254/latest/meta-data', uploadMethod: 'download' } });
		console.log(node, run.error?.constructor.name, run.error?.message, run.tripped);
	}
});
it('probe abort during wait', async () => {
	const v = mp4Item(3000, { mode: 'memory' });
	const run = await runNode('a', 'publish', { sandbox, items: [v.item], prepare: (ctx) => {
		const t = setInterval(() => { if ([...sandbox.publishes.values()].some((r) => r.sha256)) { clearInterval(t); ctx.harness.abort(); } }, 5);
	} });
	console.log(run.error?.constructor.name, run.error?.message, run.error?.description, allInits(sandbox));
	await new Promise((r) => setTimeout(r, 500));
	console.log([...sandbox.publishes.values()].map((r) => r.status));
});
