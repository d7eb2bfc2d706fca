import * as core from '@actions/core';
import { docker } from '../common/docker.js';
import type { DockerEvent } from './plan.js';

/**
 * Follows the daemon's event stream for one container. `--since` replays what happened
 * before the subscription, and `--until` ends the stream on its own even if this process is
 * killed, so no `docker events` is ever left behind. Returns the function that stops it.
 */
export function watchEvents(
  containerId: string,
  sinceSec: number,
  untilSec: number,
  onEvent: (e: DockerEvent) => void
): () => void {
  const stop = new AbortController();
  const args = ['events', '--since', sinceSec.toFixed(3), '--until', untilSec.toFixed(3)];
  args.push('--filter', `container=${containerId}`);
  for (const event of ['health_status', 'die', 'oom']) args.push('--filter', `event=${event}`);
  args.push('--format', '{{json .}}');
  const onLine = (line: string): void => {
    if (!line.trim()) return;
    try {
      onEvent(JSON.parse(line) as DockerEvent);
    } catch {
      core.debug(`unreadable docker event: ${line}`);
    }
  };
  docker(args, { signal: stop.signal, onLine }).catch((error: Error) =>
    core.debug(`docker events ended: ${error.message}`)
  );
  return () => stop.abort();
}

/** GETs the URL until it answers 2xx/3xx; resolves then, or never once `stop` is aborted. */
export async function probeHttp(url: string, stop: AbortSignal): Promise<void> {
  while (!stop.aborted) {
    try {
      const response = await fetch(url, {
        redirect: 'manual',
        signal: AbortSignal.any([stop, AbortSignal.timeout(2000)])
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 400) return;
    } catch {
      // Not listening yet: try again shortly.
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}
