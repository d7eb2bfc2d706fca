import { Type, type Static } from '@sinclair/typebox';
import * as semver from 'semver';
import { parseChecked } from '../common/json-file.js';
import { docker } from '../common/docker.js';
import { messageOf } from '../common/errors.js';
import type { ParsedDockerfile } from '../dockerfile/parse.js';
import { stagesBuilt } from '../dockerfile/stages.js';
import type { LintIssue } from './rules/checks.js';
import type { Builder, CheckWarning } from '../builder/contract.js';

/**
 * BuildKit's own build checks, what users see in Docker's tooling, folded into the lint stage as
 * findings beside Shipshape's rules: as the build itself reports them, or where it may not report
 * them all, from a check call of their own beside it (`docker buildx build --call=check`).
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

/** Shipshape's rule that says the same as a BuildKit check: one finding is shown, Shipshape's. */
const SAME_AS: Record<string, string> = {
  JSONArgsRecommended: 'SS015',
  SecretsUsedInArgOrEnv: 'SS013',
  WorkdirRelativePath: 'SS018',
  MultipleInstructionsDisallowed: 'SS016'
};

/** `FromAsCasing` → `from-as-casing`, the slug of Docker's page for the check. */
const slug = (rule: string): string => rule.replace(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase();

/** The warnings of the check report buildx printed, or undefined when stdout holds none (pure). */
export function parseCheckReport(stdout: string): CheckWarning[] | undefined {
  const start = stdout.indexOf('{');
  if (start < 0) return undefined;
  let parsed: Static<typeof CheckReport>;
  try {
    parsed = parseChecked(stdout.slice(start), CheckReport, why => new Error(why));
  } catch {
    return undefined;
  }
  return (parsed.warnings ?? []).map(({ ruleName, description, detail, location }) => ({
    ruleName,
    line: location?.ranges?.[0]?.start.line ?? 1,
    ...(description === undefined ? {} : { description }),
    ...(detail === undefined ? {} : { detail })
  }));
}

/**
 * BuildKit's warnings as lint issues (pure): its rule name for id, the line it names, Docker's
 * page for the rule built from the name (never a link the output supplied); a warning that a
 * Shipshape finding already gives on the same line is left out.
 */
export function checkIssues(warnings: CheckWarning[], own: LintIssue[]): LintIssue[] {
  return warnings.flatMap(warning => {
    const { line } = warning;
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

/** The outcome of BuildKit's checks: their warnings and who reported them, or why there are none. */
export type CheckOutcome = { warnings: CheckWarning[]; by: 'build' | 'check call' } | { skipped: string };

/**
 * Whether the build reports every warning a check call would (pure). buildx 0.15 and later writes
 * them into its metadata; Docker 27 and later runs them in its built-in Dockerfile frontend
 * (another driver's BuildKit, or a frontend image named by `# syntax=` or BUILDKIT_SYNTAX, may not
 * have them: only `docker/dockerfile:1`, or 1.8 and later, surely does); and a build checks the
 * instructions only of the stages it runs, so it must run every stage.
 */
export function buildReportsChecks(
  builder: Pick<Builder, 'driver' | 'server' | 'buildx'>,
  doc: ParsedDockerfile,
  settings: Pick<CheckSettings, 'buildArgs' | 'target'>
): boolean {
  // Detection names a buildx version only where the CLI has buildx.
  const buildx = semver.coerce(builder.buildx);
  const server = semver.coerce(builder.server);
  return (
    builder.driver === 'docker' &&
    buildx !== null &&
    semver.gte(buildx, '0.15.0') &&
    (server?.major ?? 0) >= 27 &&
    frontendChecks(settings.buildArgs.BUILDKIT_SYNTAX ?? doc.syntax) &&
    stagesBuilt(doc, settings.buildArgs, settings.target || undefined)?.size === doc.stages.length
  );
}

/** Docker's Dockerfile frontend by tag: `1` (its latest 1.x), or `1.N[.P]` with N in group 1. */
const CHECKING_FRONTEND = /^(?:docker\.io\/)?docker\/dockerfile:1(?:\.(\d+)(?:\.\d+)?)?$/;

/** Whether the frontend a Dockerfile names, if any, has the checks: the built-in one, Docker's `1` or `1.8` on. */
function frontendChecks(frontend: string | undefined): boolean {
  if (frontend === undefined) return true;
  const tagged = CHECKING_FRONTEND.exec(frontend);
  return tagged !== null && (tagged[1] === undefined || Number(tagged[1]) >= 8);
}

/**
 * BuildKit's checks for this Dockerfile (never fails, never rejects): from `reported`, what the
 * build reports once it ends, where that is all of them; else, and after a build that reported
 * nothing (it failed), from a check call. `builder` is the build's own detection.
 */
export async function buildkitChecks(
  settings: CheckSettings,
  builder: Promise<Builder>,
  doc: ParsedDockerfile,
  reported?: Promise<CheckWarning[] | undefined>
): Promise<CheckOutcome> {
  const detected = await builder.catch(() => undefined);
  const warnings = reported && detected && buildReportsChecks(detected, doc, settings) && (await reported);
  return warnings ? { warnings, by: 'build' } : runBuildkitChecks(settings, builder);
}

/** BuildKit's checks from a check call of their own, or why there are none. */
async function runBuildkitChecks(
  settings: CheckSettings,
  builder: Promise<Pick<Builder, 'kind'>>
): Promise<CheckOutcome> {
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
    const warnings = parseCheckReport(result.stdout);
    if (warnings) return { warnings, by: 'check call' };
    const last = result.stderr.trim().split('\n').pop() ?? '';
    return { skipped: `could not run: ${last.slice(0, 300) || `exit code ${result.exitCode}`}` };
  } catch (error) {
    return { skipped: `could not run: ${messageOf(error)}` };
  }
}
