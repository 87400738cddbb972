// npm run check:sensitivity inside npm test: the spec suite passes on the reference connect(), every
// broken one in fixtures/broken/ is caught, and every required subtest catches at least one of them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSensitivity, formatSensitivity } from './sensitivity.ts';

// The suite once on the reference and once per broken implementation (45 runs), two files at a time:
// about 2.5 minutes on two idle cores, measured up to 5.5 on two cores shared with other work. Every
// file already has its own time limit, so the bound only catches a hang of the check itself.
const TIMEOUT_MS = 8 * 60_000;

test('every broken implementation is caught and every required subtest catches one', { timeout: TIMEOUT_MS }, async () => {
  const report = await checkSensitivity();
  // The table is the evidence, so CI output shows it whether or not the check passes.
  console.log(formatSensitivity(report));
  assert.deepEqual(report.problems, [], `${report.problems.length} problem(s), listed in the table above`);
});
