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
}

export function startTimeline(now: () => number = Date.now): Timeline {
  const origin = now();
  const steps: StepTime[] = [];
  return {
    steps,
    async time(step, work) {
      const startMs = now() - origin;
      try {
        return await work();
      } finally {
        steps.push({ step, startMs, endMs: now() - origin });
      }
    }
  };
}
