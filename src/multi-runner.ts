import { verdict } from './common/verdict.js';
import { messageOf } from './common/errors.js';
import type { GitHubEvent } from './action/event.js';
import { logIn, type Run } from './parallel.js';
import type { StageResults } from './results.js';

/**
 * `mode: merge`: the platform jobs' results checked against every registry (merge stage), then
 * the index pushed and tagged like a one-job run's image (release safety included), and signed.
 * A refusal stops the run before anything is tagged.
 */
export async function mergeStages(run: Run, event: GitHubEvent): Promise<StageResults> {
  const { inputs, plan, policy, context, timeline } = run;
  const source = { repository: event.repository, commit: event.sha, pushes: policy.push };
  const done: StageResults = { timeline: timeline.steps };
  try {
    await logIn(run);
    const { mergeStage } = await import('./merge/index.js');
    const merged = await timeline.time('merge', () => mergeStage(inputs, plan, source, context.outputDir));
    done.platforms = merged.platforms;
    const { index } = merged;
    const checked = index ? '; each digest checked in every registry' : '';
    const platforms = merged.platforms.map(p => p.platform).join(', ');
    done.gates = {
      passed: true,
      gates: [verdict('platforms', 'passed', `${platforms}: each passed its gates${checked}`)]
    };
    if (!index) return done;
    if (plan.tags.length === 0) throw new Error(plan.warnings.join('; '));
    const { pushStage } = await import('./push/index.js');
    const build = {
      imageId: index.digest,
      digest: index.digest,
      layout: index.layout,
      manifests: index.manifests
    };
    const push = await timeline.time('push', () => pushStage(inputs, plan, build, policy));
    done.push = push;
    if (push.pushed && push.failed.length === 0) {
      const { prepareSigning, signStage } = await import('./supply-chain/index.js');
      const cosign = prepareSigning(inputs).catch(() => undefined);
      done.sign = await timeline.time('sign', () => signStage(inputs, push, undefined, process.env, cosign));
    }
    return done;
  } catch (error) {
    return { ...done, error: messageOf(error) };
  }
}
