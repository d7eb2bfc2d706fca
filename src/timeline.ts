/** When each step of the run started and ended, in ms since the run started: what overlapped. */
export interface StepTime {
  step: string;
  startMs: number;
  endMs: number;
}

export interface Timeline {
  steps: StepTime[];
  /** Runs `work`, recording when it started and when it settled (failed or not). */
  time<T>(step: string, work: () => Promise<T>): Promise<T>;
  /**
   * Starts `work` that the run's report waits for but its gates and push do not (files for later
   * readers, a cache to save); timed like `time`. `work` says its own failures: it must not throw.
   */
  later: (step: string, work: () => Promise<void>) => void;
  /** Everything started with `later`, done. */
  settled(): Promise<void>;
}

export function startTimeline(now: () => number = Date.now): Timeline {
  const origin = now();
  const steps: StepTime[] = [];
  const pending: Promise<void>[] = [];
  const time = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const startMs = now() - origin;
    try {
      return await work();
    } finally {
      steps.push({ step, startMs, endMs: now() - origin });
    }
  };
  return {
    steps,
    time,
    later: (step, work) => void pending.push(time(step, work)),
    settled: async () => void (await Promise.allSettled(pending))
  };
}
