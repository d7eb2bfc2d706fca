import { Type, type Static } from '@sinclair/typebox';
import { parseChecked, readBounded } from '../../common/json-file.js';
import type { CheckWarning } from '../contract.js';

/**
 * BuildKit's build checks as the build itself reported them. With BUILDX_METADATA_WARNINGS set,
 * buildx (0.15 and later) writes them into its metadata file under `buildx.build.warnings`, and
 * writes no such key when none fired; only a build that ran to its end writes the file.
 */

/** Base64 of at most 4,096 bytes. */
const Encoded = Type.String({ maxLength: 5464, pattern: '^[A-Za-z0-9+/]*={0,2}$' });
const Line = Type.Integer({ minimum: 1, maximum: 1_000_000 });
/** The part of the metadata file this reads; anything else in it is ignored. */
const Metadata = Type.Object({
  'buildx.build.warnings': Type.Optional(
    Type.Array(
      Type.Object({
        short: Encoded,
        detail: Type.Optional(Type.Union([Type.Null(), Type.Array(Encoded, { maxItems: 16 })])),
        range: Type.Optional(
          Type.Union([
            Type.Null(),
            Type.Array(Type.Object({ start: Type.Object({ line: Line }) }), { maxItems: 64 })
          ])
        )
      }),
      { maxItems: 1000 }
    )
  )
});

/** A check's one-line message: `FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)`. */
const SHORT = /^([A-Za-z]{1,64}): ([^\n]*?)(?: \(line \d+\))?$/;

const decoded = (text: string): string => Buffer.from(text, 'base64').toString('utf8');

/**
 * The check warnings in a metadata file's text (pure): none when the key is absent, undefined when
 * the text is not such a file. A warning whose message names no rule is not a build check: left out.
 */
export function metadataWarnings(text: string): CheckWarning[] | undefined {
  let parsed: Static<typeof Metadata>;
  try {
    parsed = parseChecked(text, Metadata, why => new Error(why));
  } catch {
    return undefined;
  }
  return (parsed['buildx.build.warnings'] ?? []).flatMap(warning => {
    const short = SHORT.exec(decoded(warning.short));
    if (!short) return [];
    const description = warning.detail?.[0];
    return [
      {
        ruleName: short[1],
        line: warning.range?.[0]?.start.line ?? 1,
        detail: short[2],
        ...(description ? { description: decoded(description) } : {})
      }
    ];
  });
}

/** The check warnings the build wrote into `file`; undefined when it wrote none that reads. */
export async function readBuildChecks(file: string): Promise<CheckWarning[] | undefined> {
  try {
    return metadataWarnings(await readBounded(file, 'the build metadata file', 4 * 1024 * 1024));
  } catch {
    return undefined;
  }
}
