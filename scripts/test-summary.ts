/**
 * Prints vitest's JSON report as the one closing line CI reads: `N passed, M failed[, K skipped]`.
 * Exits non-zero when a test failed, a suite failed to load, or no test ran at all.
 */
import { readFileSync } from 'node:fs';

interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  numTotalTests: number;
}

const file = process.argv[2] ?? '.vitest-results.json';
let report: VitestJsonReport;
try {
  report = JSON.parse(readFileSync(file, 'utf8')) as VitestJsonReport;
} catch (error) {
  process.stdout.write(`0 passed, 1 failed\n`);
  process.stderr.write(`No vitest report at ${file}: ${(error as Error).message}\n`);
  process.exit(1);
}

// A suite that failed to import has no failed tests of its own: count it as a failure.
const failed = report.numFailedTests + report.numFailedTestSuites;
const skipped = report.numPendingTests + report.numTodoTests;
process.stdout.write(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 || report.numPassedTests === 0 ? 1 : 0);
