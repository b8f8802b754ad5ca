/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/** Jest globalTeardown: prints the campaign report once, after every suite ran (nothing when none did). */
import { formatCampaignReport, readSuiteFigures } from './figures';

export default function printCampaignReport(): void {
	const figures = readSuiteFigures();
	if (!figures.length) return;
	process.stdout.write(`\n${formatCampaignReport(figures).join('\n')}\n`);
}
