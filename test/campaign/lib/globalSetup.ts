/** Jest globalSetup: forget the campaign figures of an earlier run, so the report shows this run only. */
import fs from 'node:fs';

import { REPORT_DIR } from './figures';

export default function clearCampaignFigures(): void {
	fs.rmSync(REPORT_DIR, { recursive: true, force: true });
}
