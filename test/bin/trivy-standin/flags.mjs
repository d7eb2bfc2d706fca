// The command line of Trivy 0.74, as its CLI reference lists it (docs/docs/references/
// configuration/cli/trivy_image.md, trivy_convert.md, trivy_version.md and trivy.md): every
// flag of `image`, `convert` and `version` and the global ones, each with its type, parsed the
// way pflag does (`--name value`, `--name=value`, `-x value`, booleans alone or `=true|false`,
// flags anywhere among the arguments). Anything else is refused as Trivy refuses it.

const GLOBAL = {
  bool: ['debug:d', 'generate-default-config', 'insecure', 'quiet:q', 'version:v', 'help:h'],
  string: ['cache-dir', 'config:c'],
  duration: ['timeout']
};

const IMAGE = {
  bool: [
    'dependency-tree',
    'download-db-only',
    'download-java-db-only',
    'ignore-unfixed',
    'include-deprecated-checks',
    'include-non-failures',
    'license-full',
    'list-all-pkgs',
    'no-progress',
    'offline-scan',
    'password-stdin',
    'redis-tls',
    'removed-pkgs',
    'show-suppressed',
    'skip-check-update',
    'skip-db-update',
    'skip-java-db-update',
    'skip-vex-repo-update',
    'tf-exclude-downloaded-modules',
    'trace'
  ],
  string: [
    'cache-backend',
    'checks-bundle-repository',
    'compliance',
    'detection-priority',
    'distro',
    'docker-host',
    'format:f',
    'helm-kube-version',
    'ignore-policy',
    'ignorefile',
    'input',
    'module-dir',
    'output:o',
    'output-plugin-arg',
    'platform',
    'podman-host',
    'redis-ca',
    'redis-cert',
    'redis-key',
    'registry-token',
    'rekor-url',
    'report',
    'secret-config',
    'server',
    'template:t',
    'token',
    'token-header'
  ],
  strings: [
    'check-namespaces',
    'config-check',
    'config-data',
    'config-file-schemas',
    'custom-headers',
    'db-repository',
    'enable-modules',
    'file-patterns',
    'helm-api-versions',
    'helm-set',
    'helm-set-file',
    'helm-set-string',
    'helm-values',
    'ignore-status',
    'ignored-licenses',
    'image-config-scanners',
    'image-src',
    'java-db-repository',
    'misconfig-scanners',
    'password',
    'pkg-relationships',
    'pkg-types',
    'sbom-sources',
    'scanners',
    'severity:s',
    'skip-dirs',
    'skip-files',
    'username',
    'vex'
  ],
  int: ['exit-code', 'exit-on-eol', 'parallel'],
  float: ['license-confidence-level'],
  duration: ['cache-ttl']
};

const CONVERT = {
  bool: ['dependency-tree', 'list-all-pkgs'],
  string: ['compliance', 'format:f', 'ignore-policy', 'ignorefile', 'output:o', 'report', 'template:t'],
  strings: ['severity:s'],
  int: ['exit-code', 'exit-on-eol']
};

const VERSION = { string: ['format:f'] };

/** Trivy's subcommands (and aliases); the stand-in implements image, convert and version. */
export const COMMANDS = {
  image: IMAGE,
  i: IMAGE,
  convert: CONVERT,
  version: VERSION,
  clean: undefined,
  config: undefined,
  filesystem: undefined,
  fs: undefined,
  kubernetes: undefined,
  k8s: undefined,
  module: undefined,
  plugin: undefined,
  registry: undefined,
  repository: undefined,
  repo: undefined,
  rootfs: undefined,
  sbom: undefined,
  server: undefined,
  s: undefined,
  vex: undefined,
  vm: undefined
};

const FORMATS = [
  'table',
  'json',
  'template',
  'sarif',
  'cyclonedx',
  'spdx',
  'spdx-json',
  'github',
  'cosign-vuln'
];
export const SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
export const STATUSES = [
  'unknown',
  'not_affected',
  'affected',
  'fixed',
  'under_investigation',
  'will_not_fix',
  'fix_deferred',
  'end_of_life'
];
const CHOICES = {
  format: FORMATS,
  severity: SEVERITIES,
  'image-src': ['docker', 'containerd', 'podman', 'remote'],
  scanners: ['vuln', 'misconfig', 'secret', 'license'],
  'ignore-status': STATUSES,
  'pkg-types': ['os', 'library'],
  'detection-priority': ['precise', 'comprehensive']
};

export class UsageError extends Error {}

/** A Go duration (`300s`, `5m0s`, `1h30m`, `250ms`) in milliseconds. */
export function parseGoDuration(text) {
  const units = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (text === '0') return 0;
  if (parts.length === 0 || parts.map(p => p[0]).join('') !== text) {
    throw new UsageError(`invalid argument "${text}" for "--timeout" flag: time: invalid duration "${text}"`);
  }
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
}

function table(spec) {
  const byName = new Map();
  const byShort = new Map();
  for (const [type, names] of Object.entries({ ...spec, bool: [...(spec.bool ?? []), ...GLOBAL.bool] })) {
    for (const entry of names) {
      const [name, short] = entry.split(':');
      byName.set(name, type);
      if (short) byShort.set(short, name);
    }
  }
  for (const [type, names] of Object.entries(GLOBAL)) {
    if (type === 'bool') continue;
    for (const entry of names) {
      const [name, short] = entry.split(':');
      byName.set(name, type);
      if (short) byShort.set(short, name);
    }
  }
  return { byName, byShort };
}

function convert(name, type, raw) {
  switch (type) {
    case 'bool':
      if (!['true', 'false'].includes(raw))
        throw new UsageError(
          `invalid argument "${raw}" for "--${name}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`
        );
      return raw === 'true';
    case 'int':
      if (!/^-?\d+$/.test(raw))
        throw new UsageError(
          `invalid argument "${raw}" for "--${name}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`
        );
      return Number(raw);
    case 'float':
      if (!Number.isFinite(Number(raw)))
        throw new UsageError(
          `invalid argument "${raw}" for "--${name}" flag: strconv.ParseFloat: parsing "${raw}": invalid syntax`
        );
      return Number(raw);
    case 'duration':
      return parseGoDuration(raw);
    case 'strings':
      return raw.split(',').filter(Boolean);
    default:
      return raw;
  }
}

/** Checks a value against the words Trivy accepts for it (after parsing, as Trivy's flag layer does). */
function checkChoices(name, value) {
  const allowed = CHOICES[name];
  if (!allowed) return;
  for (const v of Array.isArray(value) ? value : [value]) {
    const ok = name === 'severity' ? allowed.includes(v.toUpperCase()) : allowed.includes(v);
    if (!ok)
      throw new UsageError(
        `flag error: ${name} flag error: "${v}" is not a valid value (${allowed.join(',')})`
      );
  }
}

/**
 * Parses `trivy <command> …`: the command, its flags (repeated `strings` flags accumulate) and
 * its positional arguments. Throws UsageError with Trivy's wording for what Trivy refuses.
 */
export function parseArgs(argv) {
  if (argv.length === 0) return { command: undefined, flags: {}, args: [] };
  const first = argv[0];
  if (first === '--version' || first === '-v') return { command: 'version', flags: {}, args: [] };
  if (!(first in COMMANDS)) {
    throw new UsageError(
      first.startsWith('-')
        ? `unknown flag: ${first.split('=')[0]}`
        : `unknown command "${first}" for "trivy"`
    );
  }
  const spec = COMMANDS[first];
  if (!spec) return { command: first, unimplemented: true, flags: {}, args: argv.slice(1) };
  const { byName, byShort } = table(spec);
  const flags = {};
  const args = [];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      args.push(arg);
      continue;
    }
    let name;
    let inline;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      if (!byName.has(name)) throw new UsageError(`unknown flag: --${name}`);
    } else {
      const short = arg.slice(1, 2);
      name = byShort.get(short);
      if (!name) throw new UsageError(`unknown shorthand flag: '${short}' in ${arg}`);
      const rest = arg.slice(2);
      inline = rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest;
    }
    const type = byName.get(name);
    let raw = inline;
    if (raw === undefined) {
      if (type === 'bool') raw = 'true';
      else if (i + 1 < argv.length) raw = argv[++i];
      else throw new UsageError(`flag needs an argument: --${name}`);
    }
    const value = convert(name, type, raw);
    checkChoices(name, value);
    flags[name] = type === 'strings' && flags[name] ? [...flags[name], ...value] : value;
  }
  return { command: first === 'i' ? 'image' : first, flags, args };
}
