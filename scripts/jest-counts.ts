// How `npm test` counts one engine's jest run (its --json output).

/** The fields of jest's --json output that the count reads. */
export interface JestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  /** Suites that failed outside their tests: did not load, or a beforeAll/afterAll hook threw. */
  numRuntimeErrorTestSuites: number;
  testResults: {
    name: string;
    status: string;
    message: string;
    assertionResults?: { fullName: string; status: string }[];
  }[];
}

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Failed tests, plus one for each suite that failed outside its tests, even when some of its
 * tests failed too (an afterAll hook holds the leaked-container and OpenAPI checks).
 */
export function countRun(run: JestJson): Counts {
  return {
    passed: run.numPassedTests,
    failed: run.numFailedTests + run.numRuntimeErrorTestSuites,
    skipped: run.numPendingTests + run.numTodoTests
  };
}

/** The full names of the tests a run skipped: each names its reason (`… (skipped: why)`). */
export function skippedTests(run: JestJson): string[] {
  return run.testResults.flatMap(suite =>
    (suite.assertionResults ?? [])
      .filter(a => a.status === 'pending' || a.status === 'todo')
      .map(a => a.fullName)
  );
}
