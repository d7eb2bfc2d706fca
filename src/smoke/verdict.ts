import { docker } from '../common/docker.js';
import { verdict } from '../common/verdict.js';
import type { Outcome, SmokeMode } from './plan.js';
import type { SmokeResult } from './contract.js';

/** What a failure looked like: the last health probes, the exit code, the last log lines. */
async function evidenceFor(id: string, outcome: Outcome): Promise<string> {
  const parts: string[] = [];
  const state = await docker(['inspect', '--format', '{{json .State}}', id]);
  if (state.exitCode === 0) {
    const parsed = JSON.parse(state.stdout) as {
      ExitCode?: number;
      OOMKilled?: boolean;
      Health?: { Log?: { ExitCode: number; Output: string; End: string }[] };
    };
    const probes = (parsed.Health?.Log ?? []).slice(-5);
    if (probes.length > 0) {
      parts.push(
        '**Last health probes**',
        probes.map(p => `exit ${p.ExitCode} at ${p.End}\n${p.Output.trim() || '(no output)'}`).join('\n---\n')
      );
    }
    if (outcome.kind === 'died' || outcome.kind === 'oom') {
      parts.push(`**Exit code** ${parsed.ExitCode ?? '?'}${parsed.OOMKilled ? ' (OOM-killed)' : ''}`);
    }
  }
  const logs = await docker(['logs', '--tail', '100', id]);
  const text = `${logs.stdout}${logs.stderr}`.trim();
  parts.push('**Last 100 log lines**', text || '(no output)');
  return parts.join('\n\n');
}

function howProbed(mode: SmokeMode): string {
  switch (mode.kind) {
    case 'healthcheck':
      return 'its HEALTHCHECK';
    case 'health-cmd':
      return `health-cmd ${mode.test}`;
    case 'http':
      return `GET ${mode.path} on port ${mode.port}`;
    case 'stability':
      return 'no health check';
  }
}

const seconds = (ms: number, digits = 1): string => (ms / 1000).toFixed(digits);

/** Turns the outcome into the result; a failure collects its evidence from the container first. */
export async function describe(
  outcome: Outcome,
  mode: SmokeMode,
  id: string,
  elapsedMs: number,
  latencyMs: number | undefined,
  timeoutMs: number
): Promise<SmokeResult> {
  const how = howProbed(mode);
  if (outcome.kind === 'healthy') {
    const message = `healthy in ${seconds(elapsedMs)} s (${how})`;
    return {
      health: 'healthy',
      verdict: verdict('smoke test', 'passed', message),
      mode: mode.kind,
      timeToHealthyMs: elapsedMs,
      decisionLatencyMs: latencyMs,
      message
    };
  }
  if (outcome.kind === 'stable') {
    const message = `the image has no HEALTHCHECK; it was still running after ${seconds(elapsedMs)} s. Add a HEALTHCHECK (or set health-cmd or smoke-port) so the smoke test can tell that it works.`;
    return {
      health: 'no-healthcheck',
      verdict: verdict('smoke test', 'passed', message),
      mode: mode.kind,
      timeToHealthyMs: elapsedMs,
      message
    };
  }
  const message = {
    unhealthy: `the container became unhealthy after ${seconds(elapsedMs)} s (${how})`,
    oom: 'the container was killed for running out of memory (OOM)',
    died: `the container exited with code ${outcome.kind === 'died' ? outcome.exitCode : '?'} after ${seconds(elapsedMs)} s, before it was healthy`,
    deadline: `not healthy within health-timeout ${seconds(timeoutMs, 0)} s (${how})`
  }[outcome.kind];
  return {
    health: 'unhealthy',
    verdict: verdict('smoke test', 'failed', message),
    mode: mode.kind,
    message,
    evidence: await evidenceFor(id, outcome)
  };
}
