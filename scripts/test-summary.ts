/**
 * Prints vitest's JSON report as the one closing line CI reads: `N passed, M failed[, K skipped]`.
 * Usage: `VITEST_EXIT_CODE=$? CI_EXTRA_FAILURES=0 tsx scripts/test-summary.ts .vitest-results.json`.
 * Exits non-zero when a test failed, a file failed outside its tests, vitest itself exited non-zero,
 * or no test ran at all; CI_EXTRA_FAILURES counts failures of checks that run outside vitest (the
 * load test).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The parts of vitest's JSON reporter output (vitest 4, `reporters/json`) this summary reads. */
export interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  success?: boolean;
  testResults?: { name: string; status: string; message?: string; assertionResults: { status: string }[] }[];
}

export interface SummaryInputs {
  /** vitest's own exit status; undefined when unknown. */
  vitestExitCode?: number | undefined;
  /** Failures of checks that run outside vitest. */
  extraFailures?: number;
}

export interface Summary {
  line: string;
  failed: boolean;
  /** Why failures were counted that are not failed tests (for stderr). */
  notes: string[];
}

/**
 * Counts tests, never suites: vitest's `numFailedTestSuites` counts every describe block and file
 * above a failed test, so adding it would turn one failed test into three. A file that failed with
 * no failed test of its own (an import error, a failing `beforeAll`) counts one; so does a vitest
 * run that exited non-zero (unhandled errors, a crashed worker) while every test passed.
 */
export function summarize(report: VitestJsonReport, { vitestExitCode, extraFailures = 0 }: SummaryInputs = {}): Summary {
  const notes: string[] = [];
  let failed = report.numFailedTests + extraFailures;
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed')) {
      failed += 1;
      notes.push(`${file.name} failed outside its tests${file.message ? `: ${file.message}` : ''}`);
    }
  }
  if (failed === 0 && ((vitestExitCode !== undefined && vitestExitCode !== 0) || report.success === false)) {
    failed = 1;
    notes.push(`vitest exited ${vitestExitCode ?? '(unknown)'} with no failed test (unhandled errors?): see its output above`);
  }
  const skipped = report.numPendingTests + report.numTodoTests;
  if (report.numPassedTests === 0) notes.push('no test passed');
  return {
    line: `${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`,
    failed: failed > 0 || report.numPassedTests === 0,
    notes,
  };
}

function main(): void {
  const file = process.argv[2] ?? '.vitest-results.json';
  const exitCode = process.env.VITEST_EXIT_CODE;
  const inputs: SummaryInputs = {
    vitestExitCode: exitCode === undefined || exitCode === '' ? undefined : Number(exitCode),
    extraFailures: Number(process.env.CI_EXTRA_FAILURES ?? 0) || 0,
  };
  let report: VitestJsonReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as VitestJsonReport;
  } catch (error) {
    process.stdout.write(`0 passed, 1 failed\n`);
    process.stderr.write(`No vitest report at ${file}: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const summary = summarize(report, inputs);
  for (const note of summary.notes) process.stderr.write(`${note}\n`);
  process.stdout.write(`${summary.line}\n`);
  process.exit(summary.failed ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
