/** Jest globalTeardown: prints the campaign report once, after every suite ran (nothing when none did). */
import { formatCampaignReport, readSuiteFigures } from './figures';

export default function printCampaignReport(): void {
	const figures = readSuiteFigures();
	if (!figures.length) return;
	process.stdout.write(`\n${formatCampaignReport(figures).join('\n')}\n`);
}
