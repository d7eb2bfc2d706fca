import { Type } from '@sinclair/typebox';

import { PLATFORM_RESULT_VERSION } from './platform-result.js';

/**
 * The schema of a platform result (platform-result.ts): the merge job reads it from an artifact,
 * so it is a closed document with bounds on every field; the merge trusts none of it without
 * asking the registry.
 */

const closed = { additionalProperties: false } as const;
const Name = Type.String({ maxLength: 2048 });
const Digest = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const Count = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });

/** An OCI descriptor of a manifest the job pushed by digest. */
const Pushed = Type.Object(
  {
    mediaType: Type.String({ maxLength: 256 }),
    digest: Digest,
    size: Type.Integer({ minimum: 1, maximum: 4 * 1024 * 1024 }),
    annotations: Type.Optional(Type.Record(Type.String({ maxLength: 256 }), Name, { maxProperties: 32 }))
  },
  closed
);

export const PlatformResult = Type.Object(
  {
    version: Type.Literal(PLATFORM_RESULT_VERSION),
    /** `os/arch[/variant]`, as the job's `platforms` input named it. */
    platform: Type.String({ pattern: '^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$', maxLength: 64 }),
    /** The GitHub repository and commit the job built. */
    repository: Type.String({ maxLength: 256 }),
    commit: Type.String({ maxLength: 64 }),
    /** Every gate passed and the manifest reached every image name. */
    passed: Type.Boolean(),
    /** The image names the manifest was pushed to (by digest, no tag). */
    images: Type.Array(Name, { maxItems: 64 }),
    manifest: Type.Optional(Pushed),
    /** Attestation manifests (provenance) describing it, pushed beside it by digest. */
    attestations: Type.Array(Pushed, { maxItems: 8 }),
    sizeBytes: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 50 })),
    verdicts: Type.Array(
      Type.Object(
        {
          gate: Type.String({ maxLength: 64 }),
          status: Type.Union([
            Type.Literal('passed'),
            Type.Literal('failed'),
            Type.Literal('skipped'),
            Type.Literal('error')
          ]),
          detail: Type.String({ maxLength: 8192 })
        },
        closed
      ),
      { maxItems: 16 }
    ),
    /** Findings by severity, and how many are new against the baseline. */
    findings: Type.Object(
      {
        counts: Type.Record(Type.String({ maxLength: 16 }), Count, { maxProperties: 8 }),
        new: Type.Optional(Count)
      },
      closed
    )
  },
  closed
);
