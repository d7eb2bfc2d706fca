import { Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { PlatformResult } from '../../common/platform-result-schema.js';

/**
 * The JSON report (`shipshape-report.json`) as a versioned document: every field, its type, the
 * words it may hold and its bounds. `mode: report` reads one a fork's run wrote, so every byte
 * of it is the fork's: what does not fit is refused before anything is rendered or posted.
 */

export const REPORT_VERSION = 1;

const closed = { additionalProperties: false } as const;
const Obj = <T extends Parameters<typeof Type.Object>[0]>(properties: T) => Type.Object(properties, closed);
const Opt = <T extends TSchema>(schema: T) => Type.Optional(schema);

/** Bounds: a name (image, tag, package, digest, path), a sentence, a log. */
const Name = Type.String({ maxLength: 2048 });
const Sentence = Type.String({ maxLength: 8192 });
const Log = Type.String({ maxLength: 1024 * 1024 });
const Names = (maxItems: number) => Type.Array(Name, { maxItems });
const Count = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });
const Bytes = Type.Integer({ minimum: 0, maximum: 2 ** 50 });
const Ms = Type.Number({ minimum: 0, maximum: 100 * 24 * 3_600_000 });
const Line = Type.Integer({ minimum: 1, maximum: 1_000_000 });
const Words = <const W extends string[]>(...words: W) =>
  Type.Union(words.map(w => Type.Literal(w))) as TUnion<TLiteral<W[number]>[]>;
const Dict = <T extends TSchema>(value: T, maxProperties: number) =>
  Type.Record(Type.String({ maxLength: 2048 }), value, { maxProperties });

const Severity = Words('UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL');
const Verdict = Obj({ gate: Name, status: Words('passed', 'failed', 'skipped', 'error'), detail: Sentence });
const TagKind = Words(
  'schedule',
  'semver',
  'pep440',
  'match',
  'edge',
  'branch',
  'tag',
  'pr',
  'raw',
  'sha',
  'latest'
);

const Plan = Obj({
  version: Name,
  images: Names(64),
  tagNames: Names(1024),
  tags: Names(4096),
  labels: Type.Array(Sentence, { maxItems: 1024 }),
  annotations: Type.Array(Sentence, { maxItems: 1024 }),
  warnings: Type.Array(Sentence, { maxItems: 256 }),
  kinds: Dict(TagKind, 1024),
  baseline: Opt(Name),
  semver: Dict(
    Obj({ version: Name, scope: Words('full', 'minor', 'major'), prefix: Name, suffix: Name }),
    1024
  ),
  cache: Obj({ export: Opt(Name), import: Names(64) })
});

const Build = Obj({
  imageId: Name,
  digest: Opt(Name),
  platforms: Names(64),
  manifests: Opt(Names(64)),
  layout: Opt(Name),
  runnable: Type.Boolean(),
  provenance: Opt(Words('min', 'max')),
  notes: Type.Array(Sentence, { maxItems: 64 }),
  cache: Opt(
    Obj({
      steps: Count,
      cached: Count,
      imported: Names(64),
      missing: Type.Array(Obj({ ref: Name, reason: Sentence }), { maxItems: 64 }),
      sources: Type.Array(Obj({ step: Name, from: Words('built', 'runner', 'imported') }), {
        maxItems: 1024
      }),
      exports: Names(64),
      uploads: Type.Array(Obj({ dir: Opt(Name), ref: Name }), { maxItems: 64 })
    })
  ),
  sizeBytes: Opt(Bytes),
  base: Opt(Obj({ reference: Name, digest: Opt(Name), pinned: Type.Boolean(), line: Line })),
  builder: Obj({
    kind: Words('buildx', 'buildkit', 'classic'),
    name: Opt(Name),
    client: Opt(Name),
    server: Name,
    driver: Opt(Name),
    buildx: Opt(Name),
    store: Words('classic', 'containerd'),
    native: Name
  }),
  durationMs: Ms
});

const Lint = Obj({
  findings: Type.Array(
    Obj({
      rule: Name,
      name: Name,
      severity: Words('error', 'warning', 'info'),
      line: Line,
      message: Sentence,
      fix: Sentence,
      blocking: Type.Boolean()
    }),
    { maxItems: 5000 }
  ),
  verdict: Verdict,
  buildkitChecks: Opt(Sentence)
});

const LayerSource = Obj({ line: Line, instruction: Sentence, base: Type.Boolean() });
const findingFields = {
  id: Name,
  pkg: Name,
  installed: Name,
  fixed: Name,
  status: Name,
  severity: Severity,
  title: Sentence,
  url: Name,
  targets: Names(256),
  layer: Name,
  source: Opt(LayerSource),
  platforms: Opt(Names(64)),
  change: Opt(Words('new', 'unchanged'))
};
const Finding = Obj({ ...findingFields, blocking: Type.Boolean() });
const UnjudgedFinding = Obj(findingFields);
const Findings = <T extends TSchema>(finding: T) => Type.Array(finding, { maxItems: 100_000 });
const Layers = Type.Array(Obj({ diffId: Name, size: Bytes }), { maxItems: 1024 });
const ScannedSize = Obj({ platform: Name, uncompressed: Bytes, layers: Layers });
const ImageSizes = Obj({
  platform: Name,
  digest: Name,
  compressed: Bytes,
  layers: Type.Array(Obj({ diffId: Opt(Name), size: Bytes }), { maxItems: 1024 })
});
const Db = Obj({ source: Words('downloaded', 'cache', 'stale-cache'), updatedAt: Opt(Name), ageMs: Opt(Ms) });
const Package = Obj({ name: Name, version: Name, type: Name, purl: Opt(Name), licenses: Names(64) });
const Packages = Type.Array(Package, { maxItems: 200_000 });

const Scan = Obj({
  report: Obj({
    findings: Findings(Finding),
    counts: Obj({ UNKNOWN: Count, LOW: Count, MEDIUM: Count, HIGH: Count, CRITICAL: Count }),
    fixable: Count,
    diffIds: Names(1024),
    history: Type.Array(Obj({ created_by: Opt(Log), empty_layer: Opt(Type.Boolean()) }), { maxItems: 1024 }),
    os: Name,
    eosl: Type.Boolean(),
    uncompressed: Opt(Bytes),
    layerSizes: Opt(Layers),
    layerSources: Opt(Dict(LayerSource, 1024))
  }),
  verdict: Verdict,
  error: Opt(Log),
  hidden: Opt(Findings(UnjudgedFinding)),
  jsonPath: Name,
  sarifPath: Name,
  packages: Opt(Packages),
  sizes: Opt(Type.Array(ScannedSize, { maxItems: 64 })),
  baseline: Opt(
    Obj({
      reference: Name,
      findings: Opt(Findings(UnjudgedFinding)),
      size: Opt(ScannedSize),
      error: Opt(Sentence)
    })
  ),
  scanner: Opt(
    Obj({
      name: Name,
      title: Name,
      vendor: Opt(Name),
      path: Name,
      version: Name,
      origin: Words('trivy-path', 'tool-cache', 'download'),
      verified: Type.Array(Sentence, { maxItems: 16 })
    })
  ),
  db: Opt(Db),
  javaDb: Opt(Db),
  durationMs: Ms
});

const Insight = Obj({
  baseline: Opt(
    Obj({
      reference: Name,
      unavailable: Opt(Sentence),
      digest: Opt(Name),
      sizes: Opt(Type.Array(ImageSizes, { maxItems: 64 })),
      scanned: Opt(ScannedSize),
      fixed: Opt(Findings(UnjudgedFinding)),
      newCount: Opt(Count),
      unchanged: Opt(Count),
      baseChanged: Opt(Type.Boolean())
    })
  ),
  findings: Findings(Finding),
  verdicts: Type.Array(Verdict, { maxItems: 16 }),
  base: Obj({ os: Name, eosl: Type.Boolean(), inherited: Count, fixable: Count })
});

const Smoke = Obj({
  health: Words('healthy', 'unhealthy', 'no-healthcheck', 'skipped'),
  verdict: Verdict,
  mode: Words('healthcheck', 'health-cmd', 'http', 'stability', 'skipped'),
  timeToHealthyMs: Opt(Ms),
  decisionLatencyMs: Opt(Ms),
  message: Sentence,
  evidence: Opt(Log)
});

const Tag = Obj({ tag: Name, reason: Sentence });
const PushedManifest = Obj({
  mediaType: Name,
  digest: Name,
  size: Bytes,
  annotations: Opt(Dict(Name, 32))
});
const Push = Obj({
  pushed: Type.Boolean(),
  digests: Dict(Name, 64),
  tags: Names(4096),
  unchanged: Names(4096),
  withheld: Type.Array(Tag, { maxItems: 4096 }),
  failed: Type.Array(Tag, { maxItems: 4096 }),
  cacheSaved: Opt(Names(64)),
  sizes: Opt(Type.Array(ImageSizes, { maxItems: 64 })),
  byDigest: Opt(
    Obj({
      platform: Name,
      manifest: PushedManifest,
      attestations: Type.Array(PushedManifest, { maxItems: 8 })
    })
  ),
  durationMs: Ms
});

export const SavedReport = Obj({
  reportVersion: Type.Literal(REPORT_VERSION),
  outcome: Words('pushed', 'partial', 'built', 'failed', 'planned'),
  plan: Plan,
  dryRun: Type.Boolean(),
  build: Opt(Build),
  lint: Opt(Lint),
  timeline: Opt(Type.Array(Obj({ step: Name, startMs: Ms, endMs: Ms }), { maxItems: 64 })),
  smoke: Opt(Smoke),
  scan: Opt(Scan),
  insight: Opt(Insight),
  sbom: Opt(
    Obj({
      packages: Packages,
      counts: Dict(Count, 256),
      files: Obj({ cyclonedx: Opt(Name), spdx: Opt(Name) })
    })
  ),
  gates: Opt(Obj({ passed: Type.Boolean(), gates: Type.Array(Verdict, { maxItems: 16 }) })),
  pushPolicy: Opt(
    Obj({ push: Type.Boolean(), reason: Sentence, kinds: Opt(Type.Array(TagKind, { maxItems: 16 })) })
  ),
  push: Opt(Push),
  sign: Opt(
    Obj({
      mode: Opt(Words('keyless', 'key')),
      note: Opt(Sentence),
      cosignVersion: Opt(Name),
      signed: Type.Array(Obj({ reference: Name, signature: Name, attestation: Opt(Name) }), { maxItems: 64 }),
      verify: Opt(Obj({ signature: Sentence, attestation: Opt(Sentence) }))
    })
  ),
  dockerfile: Name,
  runUrl: Name,
  error: Opt(Log),
  platformResult: Opt(PlatformResult),
  platforms: Opt(Type.Array(PlatformResult, { maxItems: 64 }))
});

export type SavedReport = Static<typeof SavedReport>;
