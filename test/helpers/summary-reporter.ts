import type { Reporter, TestCase, TestModule } from 'vitest/node';

/** Ends a run with one plain line, "Tests: N passed, N failed, N skipped", that any CI can read. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedHere++;
        // A test that did not run because a hook of its file or suite threw (a beforeAll) is a failure, not a skip;
        // one left out by a filter (-t) or marked skip stays a skip.
        else if (setupFailed(test)) failedHere++;
        else skipped++;
      }
      // A file that failed to load has no tests but is a failure all the same.
      if (module.state() === 'failed' && failedHere === 0) failedHere = 1;
      failed += failedHere;
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

/** Whether the file or a suite around the test has an error outside any test (a hook that threw, a failed import). */
function setupFailed(test: TestCase): boolean {
  for (let parent: TestCase['parent'] | undefined = test.parent; parent; parent = parent.type === 'suite' ? parent.parent : undefined) {
    if (parent.errors().length > 0) return true;
  }
  return false;
}
