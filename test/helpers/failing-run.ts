import { expect } from '@jest/globals';
import type { ActionRun } from './action.js';
import { BUSYBOX } from './docker.js';

/** A RUN that fails on line 3 after printing `boom-detail`, behind a RUN that succeeded. */
export const FAILING_RUN = [
  `FROM ${BUSYBOX}`,
  'RUN echo preparing',
  'RUN echo step-one && \\',
  '    echo boom-detail && false',
  'CMD ["true"]'
];

/** The step's error names the failing instruction, its line and its own output, nothing earlier. */
export function expectFailingRunReported(run: ActionRun): void {
  expect(run.exitCode).toBe(1);
  const error = run.stdout.split('\n').find(l => l.startsWith('::error::')) ?? '';
  expect(error).toContain(
    'build failed at RUN echo step-one && echo boom-detail && false (Dockerfile line 3)'
  );
  expect(error).toContain('boom-detail');
  expect(error).not.toContain('preparing');
}
