// Prints jest's totals as the plain closing line CI reads: "N passed, N failed".
const fs = require('node:fs');

const results = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const skipped = results.numPendingTests + results.numTodoTests;
console.log(
	`jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
process.exit(results.numFailedTests === 0 && results.numPassedTests > 0 ? 0 : 1);
