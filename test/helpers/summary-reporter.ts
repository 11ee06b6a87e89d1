import type { Reporter, TestModule } from 'vitest/node';

/** Ends a run with one plain line, "Tests: N passed, N failed, N skipped", that any CI can read. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      const tests = [...module.children.allTests()];
      const moduleFailed = module.state() === 'failed';
      let failedHere = 0;
      for (const test of tests) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedHere++;
        // A test skipped because its file's setup failed (a beforeAll that threw) did not run: a failure, not a skip.
        else if (moduleFailed) failedHere++;
        else skipped++;
      }
      // A file that failed to load has no tests but is a failure all the same.
      if (moduleFailed && failedHere === 0) failedHere = 1;
      failed += failedHere;
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
