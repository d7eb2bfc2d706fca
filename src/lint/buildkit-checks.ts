import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { docker } from '../common/docker.js';
import { messageOf } from '../common/errors.js';
import type { LintIssue } from './rules/checks.js';
import type { Builder } from '../builder/contract.js';

/**
 * BuildKit's own build checks (`docker buildx build --call=check`, buildx ≥ 0.15): what users
 * see in Docker's tooling, folded into the lint stage as findings beside Shipshape's rules.
 */

const Line = Type.Integer({ minimum: 1, maximum: 1_000_000 });
const Text = Type.String({ maxLength: 4096 });
/** The part of `--call=check,format=json` this reads; anything else in it is ignored. */
const CheckReport = Type.Object({
  // buildx writes `"warnings": null` when there are none.
  warnings: Type.Optional(
    Type.Union([
      Type.Null(),
      Type.Array(
        Type.Object({
          ruleName: Type.String({ pattern: '^[A-Za-z]{1,64}$' }),
          description: Type.Optional(Text),
          detail: Type.Optional(Text),
          location: Type.Optional(
            Type.Object({
              ranges: Type.Optional(
                Type.Array(Type.Object({ start: Type.Object({ line: Line }) }), { maxItems: 64 })
              )
            })
          )
        }),
        { maxItems: 1000 }
      )
    ])
  )
});
type CheckReport = Static<typeof CheckReport>;

/** Shipshape's rule that says the same as a BuildKit check: one finding is shown, Shipshape's. */
const SAME_AS: Record<string, string> = {
  JSONArgsRecommended: 'SS015',
  SecretsUsedInArgOrEnv: 'SS013',
  WorkdirRelativePath: 'SS018',
  MultipleInstructionsDisallowed: 'SS016'
};

/** `FromAsCasing` → `from-as-casing`, the slug of Docker's page for the check. */
const slug = (rule: string): string => rule.replace(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase();

/** The check report buildx printed, or undefined when stdout holds none (pure). */
export function parseCheckReport(stdout: string): CheckReport | undefined {
  const start = stdout.indexOf('{');
  if (start < 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.slice(start));
  } catch {
    return undefined;
  }
  return Value.Check(CheckReport, parsed) ? parsed : undefined;
}

/**
 * BuildKit's warnings as lint issues (pure): its rule name for id, the line it names, Docker's
 * page for the rule built from the name (never a link the output supplied); a warning that a
 * Shipshape finding already gives on the same line is left out.
 */
export function checkIssues(report: CheckReport, own: LintIssue[]): LintIssue[] {
  return (report.warnings ?? []).flatMap(warning => {
    const line = warning.location?.ranges?.[0]?.start.line ?? 1;
    const same = SAME_AS[warning.ruleName];
    if (same && own.some(f => f.rule === same && f.line === line)) return [];
    const page = `https://docs.docker.com/go/dockerfile/rule/${slug(warning.ruleName)}/`;
    return [
      {
        rule: warning.ruleName,
        name: slug(warning.ruleName),
        severity: 'warning' as const,
        line,
        message: warning.detail ?? warning.description ?? warning.ruleName,
        fix: `${warning.description ?? 'See the rule'}: ${page}`
      }
    ];
  });
}

/** What the build will be asked (named as in Inputs). */
export interface CheckSettings {
  file: string;
  context: string;
  target: string;
  buildArgs: Record<string, string>;
  /** The buildx builder the build will use, by name, or empty for the current one. */
  builder: string;
}

/**
 * The BuildKit checks' report for this Dockerfile, or why there is none (never fails, never
 * rejects). `builder` is the build's own detection: whether this runner has buildx.
 */
export async function runBuildkitChecks(
  settings: CheckSettings,
  builder: Promise<Pick<Builder, 'kind'>>
): Promise<{ report: CheckReport } | { skipped: string }> {
  const args = ['buildx', 'build', '--call=check,format=json', '--file', settings.file];
  if (settings.builder) args.push('--builder', settings.builder);
  for (const [key, value] of Object.entries(settings.buildArgs)) args.push('--build-arg', `${key}=${value}`);
  if (settings.target) args.push('--target', settings.target);
  try {
    if ((await builder).kind !== 'buildx') {
      return {
        skipped: "not run: this runner's Docker CLI has no buildx (build checks need buildx 0.15 or later)"
      };
    }
    const result = await docker([...args, settings.context]);
    const report = parseCheckReport(result.stdout);
    if (report) return { report };
    const last = result.stderr.trim().split('\n').pop() ?? '';
    return { skipped: `could not run: ${last.slice(0, 300) || `exit code ${result.exitCode}`}` };
  } catch (error) {
    return { skipped: `could not run: ${messageOf(error)}` };
  }
}
