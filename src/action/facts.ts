import path from 'node:path';
import type { Plan, PushPolicy } from '../plan/contract.js';
import type { PlatformSource } from '../results.js';
import { runUrl, type GitHubEvent } from './event.js';
import type { Inputs } from './inputs/inputs.js';

/** What the report says of the run beside the stages' results (pure). */
export function runFacts(run: { inputs: Inputs; plan: Plan; policy: PushPolicy }, event: GitHubEvent) {
  const { inputs, plan, policy } = run;
  const platform: PlatformSource = {
    platform: inputs.platforms[0],
    repository: event.repository,
    commit: event.sha
  };
  return {
    plan,
    pushPolicy: policy,
    dryRun: inputs.dryRun,
    dockerfile: path.relative(inputs.workspace, inputs.file),
    runUrl: runUrl(event),
    platform: inputs.mode === 'platform' ? platform : undefined
  };
}
