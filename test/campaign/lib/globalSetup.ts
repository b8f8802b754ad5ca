/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: runs in Node.js under jest, not inside n8n, so n8n's rules for node runtime code do not apply (README, Development) */
/** Jest globalSetup: forget the campaign figures of an earlier run, so the report shows this run only. */
import fs from 'node:fs';

import { REPORT_DIR } from './figures';

export default function clearCampaignFigures(): void {
	fs.rmSync(REPORT_DIR, { recursive: true, force: true });
}
