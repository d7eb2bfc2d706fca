// bench/README.md from one run's results.
import type { Comparison, Stats } from './measure.js';

export interface Results {
  machine: { cpus: number; node: string; docker: string };
  scanDelayMs: number;
  reps: number;
  pipeline: Comparison;
  overhead: Comparison;
  overheadUncached: Comparison;
  coldStart: { toFirstDockerCallMs: Stats; target: number; distBytes: number; distTarget: number };
  health: {
    shipshapeTimeToHealthyMs: Stats;
    decisionAfterEventMs: Stats;
    ownIntervalWaitMs: number;
    targets: { timeToHealthyMs: number; decisionAfterEventMs: number };
  };
  reports: {
    findings: number;
    ms: Stats;
    rssMB: number;
    commentChars: number;
    targets: { ms: number; rssMB: number };
  };
  push: { tags: number; layers: number; blobUploads: number; crossRepoMounts: number; note: string };
  lint: { lines: number; ms: Stats; target: number };
}

const ok = (pass: boolean): string => (pass ? '✅' : '❌');
const ms = (s: Stats): string => `${s.median} ms (±${s.spread})`;
const ratioRow = (n: string, what: string, c: Comparison, target: string): string =>
  `| ${n} | ${what} | ${ms(c.shipshape)} | ${ms(c.other)} | ${c.ratio}× | ${target} | ${ok(c.ratio <= c.target)} |`;

export function renderReadme(r: Results): string {
  const rows = [
    ratioRow(
      '1',
      `pipeline on examples/flask: build, scan (${r.scanDelayMs} ms), smoke test, push 6 tags`,
      r.pipeline,
      '≤ 0.5×'
    ),
    ratioRow(
      '2',
      'overhead: scan and smoke test off vs `docker build && docker push` ×6',
      r.overhead,
      '≤ 1.10×'
    ),
    ratioRow(
      '2',
      'the same without build cache (`no-cache`: every step runs)',
      r.overheadUncached,
      '≤ 1.10×'
    ),
    `| 3 | cold start: \`node dist/index.js\` to its first docker call | ${ms(r.coldStart.toFirstDockerCallMs)} | | | ≤ 150 ms | ${ok(r.coldStart.toFirstDockerCallMs.median <= r.coldStart.target)} |`,
    `| 3 | bundle size of \`dist/\` | ${(r.coldStart.distBytes / 1048576).toFixed(2)} MB | | | ≤ 2 MB | ${ok(r.coldStart.distBytes <= r.coldStart.distTarget)} |`,
    `| 4 | examples/flask healthy (its HEALTHCHECK says \`--interval=30s\`) | ${ms(r.health.shipshapeTimeToHealthyMs)} | ${r.health.ownIntervalWaitMs} ms waiting on its own interval | | ≤ 5 s | ${ok(r.health.shipshapeTimeToHealthyMs.median <= r.health.targets.timeToHealthyMs)} |`,
    `| 4 | decision after the daemon's \`health_status\` event | ${ms(r.health.decisionAfterEventMs)} | | | ≤ 100 ms | ${ok(r.health.decisionAfterEventMs.median <= r.health.targets.decisionAfterEventMs)} |`,
    `| 5 | 10,000 findings parsed, gated and rendered | ${r.reports.ms.median} ms, RSS ${r.reports.rssMB} MB | | | ≤ 1 s, ≤ 300 MB | ${ok(r.reports.ms.median <= r.reports.targets.ms && r.reports.rssMB <= r.reports.targets.rssMB)} |`,
    `| 6 | push of 6 tags: blob uploads | ${r.push.blobUploads} uploads (+${r.push.crossRepoMounts} mounts) for ${r.push.layers} layers + 1 config | 6 × that if re-uploaded | | = layers | ${ok(r.push.blobUploads + r.push.crossRepoMounts <= r.push.layers + 1)} |`,
    `| — | lint of a 2,000-line Dockerfile | ${ms(r.lint.ms)} | | | < 50 ms | ${ok(r.lint.ms.median < r.lint.target)} |`
  ];
  return `# Benchmarks

\`npm run bench\` measures Shipshape against the steps a tutorial reader runs by hand, side by
side in one run on one machine (${r.machine.cpus} cores, Node ${r.machine.node}, Docker ${r.machine.docker}),
talking only to 127.0.0.1: a local Distribution registry, and the Trivy stand-in answering after
a fixed ${r.scanDelayMs} ms (Trivy itself cannot run here). Warm caches: the build cache and the
registry already hold examples/flask before the timed runs (a warm-up run does that), as on a
runner with a cached builder. Each timing is the median of ${r.reps} runs (spread = max − min).
Regenerate with \`npm run bench\` (\`BENCH_REPS=5\` for more runs). Raw figures: [results.json](results.json).

| # | what | Shipshape | by hand | ratio | target | |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Where a target is missed, what bounds it:

- **Row 2 (fully cached build)**: the by-hand baseline is only ${r.overhead.other.median} ms (a no-op
  build and six pushes of layers the registry already has). Shipshape's fixed cost on top — Node
  starting (≈ 90 ms here for an empty script), the builder probe (\`docker version\`, \`docker buildx
  version\`), the image size, the Dockerfile lint, the registry's tag list for release safety and
  a \`HEAD\` of every pushed tag to confirm its digest — is a few hundred milliseconds and does not
  shrink with the build. With a build that does work (the uncached row) it is within the target.

Why Shipshape is faster on row 1: the scan and the smoke test run side by side, and the smoke
test probes the image's HEALTHCHECK every second instead of waiting on its 30 s interval. Row 6
counts \`PUT …/blobs/uploads/…?digest=\` lines in the registry's access log; the extra tags
upload nothing.
`;
}
