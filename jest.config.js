/** Unit, integration (against the TikTok sandbox) and campaign tests. End-to-end tests in a real n8n run from `npm run test:e2e`. */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json', isolatedModules: true }] },
	testTimeout: 60000,
	// The reliability campaign's suites write their figures to .cache/campaign/; one report is printed after the run.
	globalSetup: '<rootDir>/test/campaign/lib/globalSetup.ts',
	globalTeardown: '<rootDir>/test/campaign/lib/globalTeardown.ts',
};
