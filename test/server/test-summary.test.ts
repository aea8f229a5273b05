import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { summarize, type VitestJsonReport } from '../../scripts/test-summary.js';

/**
 * `.ci/run`'s closing line, from vitest's JSON report. The reports below have the shape vitest 4's
 * JSON reporter writes (`numFailedTestSuites` counts every describe block and file above a failed
 * test: one failed test in a describe is 3 failed "suites").
 */
type File = NonNullable<VitestJsonReport['testResults']>[number];
const file = (name: string, statuses: string[], status = statuses.includes('failed') ? 'failed' : 'passed', message = ''): File => ({
  name,
  status,
  message,
  assertionResults: statuses.map((s) => ({ status: s })),
});

function report(files: File[], extra: Partial<VitestJsonReport & { numFailedTestSuites: number }> = {}): VitestJsonReport {
  const tests = files.flatMap((f) => f.assertionResults);
  const count = (status: string) => tests.filter((t) => t.status === status).length;
  const failedFiles = files.filter((f) => f.status === 'failed').length;
  return {
    numPassedTests: count('passed'),
    numFailedTests: count('failed'),
    numPendingTests: count('skipped'),
    numTodoTests: count('todo'),
    success: failedFiles === 0,
    testResults: files,
    ...extra,
  };
}

describe('the closing line', () => {
  it('counts tests, not describe blocks: one failed test nested in two describes is "1 failed"', () => {
    const r = report([file('/a.test.ts', ['passed', 'passed', 'failed']), file('/b.test.ts', ['passed'])], { numFailedTestSuites: 3 });
    expect(summarize(r, { vitestExitCode: 1 })).toEqual({ line: '3 passed, 1 failed', failed: true, notes: [] });
  });

  it('all green is "N passed, 0 failed" and not a failure', () => {
    expect(summarize(report([file('/a.test.ts', ['passed', 'passed', 'skipped'])]), { vitestExitCode: 0 })).toEqual({
      line: '2 passed, 0 failed, 1 skipped',
      failed: false,
      notes: [],
    });
  });

  it('is never "0 failed" when vitest exits non-zero, even with every test passed (an unhandled error)', () => {
    const summary = summarize(report([file('/a.test.ts', ['passed'])]), { vitestExitCode: 1 });
    expect(summary.line).toBe('1 passed, 1 failed');
    expect(summary.failed).toBe(true);
    expect(summary.notes).toEqual([expect.stringContaining('vitest exited 1 with no failed test')]);
  });

  it('a report that says success: false counts a failure even without the exit code', () => {
    expect(summarize({ ...report([file('/a.test.ts', ['passed'])]), success: false }).line).toBe('1 passed, 1 failed');
  });

  it('a file that failed to load (no tests) counts one failure, named in the notes', () => {
    const summary = summarize(report([file('/broken.test.ts', [], 'failed', 'Cannot find module x'), file('/a.test.ts', ['passed'])]), { vitestExitCode: 1 });
    expect(summary.line).toBe('1 passed, 1 failed');
    expect(summary.notes).toEqual(['/broken.test.ts failed outside its tests: Cannot find module x']);
  });

  it('failures outside vitest (the load test) add to the count', () => {
    expect(summarize(report([file('/a.test.ts', ['passed', 'failed'])]), { vitestExitCode: 1, extraFailures: 1 }).line).toBe('1 passed, 2 failed');
  });

  it('no test passed is a failure', () => {
    expect(summarize(report([file('/a.test.ts', ['skipped'])]), { vitestExitCode: 0 }).failed).toBe(true);
  });
});

describe('scripts/test-summary.ts as .ci/run calls it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'test-summary-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const root = fileURLToPath(new URL('../..', import.meta.url));

  it('prints the line last and exits 1 when vitest exited non-zero with every test passed', () => {
    const path = join(dir, 'report.json');
    writeFileSync(path, JSON.stringify(report([file('/a.test.ts', ['passed', 'passed'])])));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/test-summary.ts', path], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', VITEST_EXIT_CODE: '1', CI_EXTRA_FAILURES: '0' },
      encoding: 'utf8',
    });
    expect(run.stdout.trim().split('\n').at(-1)).toBe('2 passed, 1 failed');
    expect(run.status).toBe(1);
  });
});
