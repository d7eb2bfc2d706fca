// `trivy image`, `trivy convert` and `trivy version` as Trivy 0.74 runs them, on recorded
// reports. Besides the variables of db.mjs and artifact.mjs:
//   TRIVY_STANDIN_LOG       file that receives one JSON argv array per call
//   TRIVY_STANDIN_MODE      ok | crash | malformed | hang (a deadlocked Trivy: ignores its --timeout)
//   TRIVY_STANDIN_DELAY_MS  how long a scan takes (benchmarks)
//   TRIVY_STANDIN_INSTALL_DELAY_MS  how long installing Trivy takes on a hosted runner (the bench):
//                           paid by `trivy --version`, the check every installer runs first
//   TRIVY_STANDIN_VERSION   the version it reports (default 0.74.0)
//   TRIVY_STANDIN_PLANT     untrusted text Trivy passes on: added to every title and description
//                           and to the messages it logs, so tests can see where it ends up
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { locate, recordedReport } from './artifact.mjs';
import {
  cacheDirOf,
  DEFAULT_DB_REPOSITORIES,
  DEFAULT_JAVA_DB_REPOSITORIES,
  ensureDb,
  FatalError
} from './db.mjs';
import { applyFilters } from './filter.mjs';
import { parseArgs, UsageError } from './flags.mjs';
import { render } from './formats.mjs';

const env = process.env;
const VERSION = env.TRIVY_STANDIN_VERSION || '0.74.0';
const plant = env.TRIVY_STANDIN_PLANT || '';

class Exit extends Error {
  constructor(code) {
    super(`exit ${code}`);
    this.code = code;
  }
}

function log(flags, level, message) {
  if (flags.quiet && level !== 'FATAL') return;
  process.stderr.write(`${new Date().toISOString()}\t${level}\t${message}\n`);
}

const fatal = (flags, message) => {
  log(flags, 'FATAL', `Fatal error\t${message}${plant ? ` ${plant}` : ''}`);
  return new Exit(1);
};

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

function write(flags, text) {
  if (flags.output) writeFileSync(flags.output, text);
  else process.stdout.write(text);
}

/** Writes the report in the asked format and exits as `--exit-on-eol` and `--exit-code` say. */
function output(flags, report) {
  const format = flags.format ?? 'table';
  // An SBOM lists every package whatever --list-all-pkgs says.
  const sbom = ['cyclonedx', 'spdx', 'spdx-json'].includes(format);
  const { report: kept, found } = applyFilters(report, sbom ? { ...flags, 'list-all-pkgs': true } : flags);
  const text = render(kept, format, { version: VERSION, scannersGiven: flags.scanners !== undefined });
  if (text === undefined) {
    process.stderr.write(
      `trivy stand-in: --format ${format} is a Trivy format this stand-in does not write\n`
    );
    throw new Exit(2);
  }
  write(flags, text);
  if (flags['exit-on-eol'] && kept.Metadata?.OS?.EOSL) {
    log(flags, 'WARN', 'This OS version is no longer supported by the distribution');
    throw new Exit(flags['exit-on-eol']);
  }
  if (flags['exit-code'] && found > 0) throw new Exit(flags['exit-code']);
}

const planted = report => {
  if (!plant) return report;
  for (const result of report.Results ?? [])
    for (const v of result.Vulnerabilities ?? []) {
      v.Title = `${v.Title ?? ''} ${plant}`;
      v.Description = `${v.Description ?? ''} ${plant}`;
    }
  return report;
};

async function image(flags, args) {
  const cacheDir = cacheDirOf(flags);
  const dbRepositories = flags['db-repository'] ?? DEFAULT_DB_REPOSITORIES;
  const javaRepositories = flags['java-db-repository'] ?? DEFAULT_JAVA_DB_REPOSITORIES;
  if (flags['download-db-only'] || flags['download-java-db-only']) {
    const kind = flags['download-db-only'] ? 'db' : 'java-db';
    log(
      flags,
      'INFO',
      `Downloading ${kind === 'db' ? 'vulnerability' : 'Java'} DB...${plant ? ` ${plant}` : ''}`
    );
    await ensureDb(cacheDir, kind, {
      skip: false,
      repositories: kind === 'db' ? dbRepositories : javaRepositories
    });
    return;
  }
  if (env.TRIVY_STANDIN_MODE === 'crash') {
    throw new FatalError(
      'image scan error: scan error: unable to initialize a scan service: panic: runtime error'
    );
  }
  const located = await locate(flags, args);
  await ensureDb(cacheDir, 'db', { skip: flags['skip-db-update'], repositories: dbRepositories });
  const report = recordedReport(located, flags);
  if ((report.Results ?? []).some(r => r.Type === 'jar')) {
    await ensureDb(cacheDir, 'java-db', {
      skip: flags['skip-java-db-update'],
      repositories: javaRepositories
    });
  }
  if (env.TRIVY_STANDIN_MODE === 'hang') {
    await sleep(600_000);
    return;
  }
  await sleep(Number(env.TRIVY_STANDIN_DELAY_MS || 0));
  if (env.TRIVY_STANDIN_MODE === 'malformed') {
    write(flags, '{"SchemaVersion": 2, "Results": [');
    return;
  }
  log(flags, 'INFO', `Detected OS\tfamily="${report.Metadata?.OS?.Family ?? ''}"${plant ? ` ${plant}` : ''}`);
  Object.assign(report, {
    Trivy: { Version: VERSION },
    ReportID: crypto.randomUUID(),
    CreatedAt: new Date().toISOString(),
    ArtifactName: located.name
  });
  output(flags, planted(report));
}

function convert(flags, args) {
  if (args.length !== 1)
    throw new FatalError(`"trivy convert" requires exactly 1 argument (got ${args.length})`);
  let report;
  try {
    report = JSON.parse(readFileSync(args[0], 'utf8'));
  } catch (error) {
    throw new FatalError(`unable to read the report ${args[0]}: ${error.message}`);
  }
  if (report?.SchemaVersion !== 2)
    throw new FatalError(`${args[0]} is not a Trivy JSON report (SchemaVersion ${report?.SchemaVersion})`);
  output(flags, report);
}

export async function main(argv) {
  if (env.TRIVY_STANDIN_LOG) appendFileSync(env.TRIVY_STANDIN_LOG, `${JSON.stringify(argv)}\n`);
  let parsed = { flags: {} };
  try {
    parsed = parseArgs(argv);
    const { command, flags, args, unimplemented } = parsed;
    if (unimplemented) {
      process.stderr.write(
        `trivy stand-in: \`trivy ${command}\` is a Trivy command this stand-in does not implement\n`
      );
      throw new Exit(2);
    }
    if (command === 'version') {
      await sleep(Number(env.TRIVY_STANDIN_INSTALL_DELAY_MS || 0));
      process.stdout.write(`Version: ${VERSION}\n`);
    } else if (command === 'image') await image(flags, args);
    else if (command === 'convert') convert(flags, args);
    else throw new UsageError('a command is required: trivy [global flags] command [flags] target');
  } catch (error) {
    if (error instanceof Exit) process.exit(error.code);
    if (error instanceof UsageError || error instanceof FatalError)
      process.exit(fatal(parsed.flags, error.message).code);
    throw error;
  }
}
