/**
 * What each campaign suite (faults.test.ts, load.test.ts, badInput.test.ts) ends with: the secret
 * scan over its own runs, and its figures written for the combined report (figures.ts), which jest's
 * globalTeardown prints once after the run.
 */
import { expectNoSecrets, findSecrets } from '../../helpers';
import { collector } from './collector';
import { writeSuiteFigures, type SuiteFigures, type SuiteName } from './figures';
import { closeAllSandboxes } from './setup';

/**
 * The suite's secret scan: a positive control, then every output, error and log line of the
 * suite's runs (and its sandboxes' logs) against every secret the suite saw.
 */
export function describeSecretScan(options: { minTokenRefreshes?: number } = {}): void {
	describe('secrets', () => {
		it('the leak scanner finds a planted secret (positive control)', () => {
			const planted = [...collector.secrets].find((s) => s.startsWith('act.'));
			expect(planted).toBeDefined();
			expect(findSecrets({ logs: [{ message: `Bearer ${planted}` }] }, [planted!]).length).toBeGreaterThanOrEqual(1);
			expect(findSecrets({ logs: [{ message: 'Bearer act.somethingelse' }] }, [planted!])).toEqual([]);
		});

		it('no access token, refresh token, upload token or client secret in any output, error or log line of the campaign', async () => {
			await closeAllSandboxes();
			const leaks = collector.scanSecrets();
			collector.leaks = leaks.length;
			if (options.minTokenRefreshes !== undefined) expect(collector.tokenRefreshes).toBeGreaterThanOrEqual(options.minTokenRefreshes);
			expect(leaks.slice(0, 10)).toEqual([]);
			expectNoSecrets(collector.artifacts, [...collector.secrets]);
		});
	});
}

/** Writes the suite's figures when it ends (also when a test failed: the report shows what it saw). */
export function recordSuiteFigures(suite: SuiteName): void {
	afterAll(() => {
		const figures: SuiteFigures = {
			suite,
			faults: collector.faults,
			badInputs: [...collector.badInputs.entries()],
			load: collector.load,
			duplicatePosts: collector.duplicatePosts,
			leaks: collector.leaks,
			notes: collector.notes,
			secrets: collector.secrets.size,
			tokensIssued: collector.tokensIssued,
			tokenRefreshes: collector.tokenRefreshes,
			artifacts: collector.artifacts.length,
			runs: collector.runs,
		};
		writeSuiteFigures(figures);
	});
}
