import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BUSYBOX, ensureDocker, FIXTURES, STANDIN_BIN } from '../helpers/docker.js';

/** The Trivy stand-in behaves like Trivy 0.74's CLI: what it refuses, filters and writes. */
const TRIVY = path.join(STANDIN_BIN, 'trivy');
let work: string;
let cache: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}
function trivy(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise(resolve =>
    execFile(TRIVY, args, { env: { ...process.env, ...env }, cwd: work }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr })
    )
  );
}
const fixture = (name: string): Record<string, string> => ({
  TRIVY_STANDIN_FIXTURE: path.join(FIXTURES, name)
});
/** A scan of the local busybox image with the DB in place, as Shipshape runs one. */
const scan = (flags: string[], env: Record<string, string> = {}) =>
  trivy(
    [
      'image',
      '--quiet',
      '--image-src',
      'docker',
      '--skip-db-update',
      '--cache-dir',
      cache,
      ...flags,
      BUSYBOX
    ],
    env
  );
type Report = {
  Results?: { Packages?: unknown[]; Vulnerabilities?: { VulnerabilityID: string; Severity: string }[] }[];
};
const ids = (stdout: string): string[] =>
  ((JSON.parse(stdout) as Report).Results ?? []).flatMap(r =>
    (r.Vulnerabilities ?? []).map(v => v.VulnerabilityID)
  );

beforeAll(async () => {
  await ensureDocker();
  work = await mkdtemp(path.join(os.tmpdir(), 'shipshape-standin-'));
  cache = path.join(work, 'cache');
  expect((await trivy(['image', '--download-db-only', '--cache-dir', cache])).code).toBe(0);
}, 300000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the command line', () => {
  test.each([
    [['image', '--severity-level', 'HIGH', 'x'], /unknown flag: --severity-level/],
    [['image', '-Z', 'x'], /unknown shorthand flag: 'Z'/],
    [['scan', 'x'], /unknown command "scan" for "trivy"/],
    [['image', '--format', 'xml', 'x'], /"xml" is not a valid value/],
    [['image', '--severity', 'SEVERE', 'x'], /"SEVERE" is not a valid value/],
    [['image', '--exit-code', 'one', 'x'], /invalid argument "one" for "--exit-code"/],
    [['image', '--timeout', '10', 'x'], /invalid duration "10"/],
    [['image', '--image-src', 'registry', 'x'], /"registry" is not a valid value/],
    [['image', '--output'], /flag needs an argument: --output/],
    [['convert', '--platform', 'linux/amd64', 'r.json'], /unknown flag: --platform/]
  ])('refuses %j as Trivy does, exit 1', async (args, message) => {
    const result = await trivy(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  test('a real Trivy command it does not implement exits 2, saying so', async () => {
    const result = await trivy(['fs', '.']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/`trivy fs` is a Trivy command this stand-in does not implement/);
  });

  test('--version and version print the version', async () => {
    expect((await trivy(['--version'])).stdout).toBe('Version: 0.74.0\n');
    expect((await trivy(['version'], { TRIVY_STANDIN_VERSION: '0.70.1' })).stdout).toBe('Version: 0.70.1\n');
  });

  test('--version waits TRIVY_STANDIN_INSTALL_DELAY_MS first (the bench models an install)', async () => {
    const started = performance.now();
    expect((await trivy(['--version'], { TRIVY_STANDIN_INSTALL_DELAY_MS: '600' })).stdout).toBe(
      'Version: 0.74.0\n'
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
  });

  test('flags take `--name=value`, short forms and repeated lists', async () => {
    const result = await scan(['-f=json', '-s', 'CRITICAL', '--severity=HIGH'], fixture('python-app.json'));
    expect(result.code).toBe(0);
    expect(new Set(ids(result.stdout))).toEqual(
      new Set(['CVE-2023-45853', 'CVE-2023-5363', 'CVE-2023-30861', 'CVE-2023-25577'])
    );
  });
});

describe('the DB', () => {
  test('--skip-db-update without a DB in --cache-dir is refused, as on a first run', async () => {
    const result = await trivy([
      'image',
      '--skip-db-update',
      '--cache-dir',
      path.join(work, 'empty'),
      BUSYBOX
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--skip-db-update cannot be specified on the first run/);
  });

  test('a scan without --skip-db-update downloads the DB into its --cache-dir', async () => {
    const dir = path.join(work, 'fresh');
    expect((await trivy(['image', '-q', '-f', 'json', '--cache-dir', dir, BUSYBOX])).code).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, 'db', 'metadata.json'), 'utf8'))).toMatchObject({
      Version: 2
    });
  });

  test('an image with Java archives needs the Java DB: refused with --skip-java-db-update on a first run', async () => {
    const result = await scan(['--skip-java-db-update'], fixture('java-app.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--skip-java-db-update cannot be specified on the first run/);
  });
});

describe('what it scans', () => {
  test('--image-src docker: an image the daemon does not have is a fatal error', async () => {
    const result = await trivy([
      'image',
      '--image-src',
      'docker',
      '--skip-db-update',
      '--cache-dir',
      cache,
      'shipshape.local/not-built:1'
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unable to find the specified image "shipshape.local\/not-built:1"/);
  });

  test('--input: a missing file and a file that is not an image archive are fatal errors', async () => {
    const text = path.join(work, 'not-an-image.txt');
    await writeFile(text, 'hello');
    for (const input of [path.join(work, 'missing.tar'), text]) {
      const result = await trivy(['image', '--skip-db-update', '--cache-dir', cache, '--input', input]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/image scan error/);
    }
  });

  test('--platform picks that platform’s report; a platform the image lacks is an error', async () => {
    const both = {
      TRIVY_STANDIN_FIXTURE: ['alpine-3.9.json', 'alpine-3.9-arm64.json']
        .map(f => path.join(FIXTURES, f))
        .join(',')
    };
    const arm = await scan(['-f', 'json', '--platform', 'linux/arm64'], both);
    expect(JSON.parse(arm.stdout)).toMatchObject({ Metadata: { ImageConfig: { architecture: 'arm64' } } });
    const amd = await scan(['-f', 'json'], both);
    expect(JSON.parse(amd.stdout)).toMatchObject({ Metadata: { ImageConfig: { architecture: 'amd64' } } });
    const s390 = await scan(['-f', 'json', '--platform', 'linux/s390x'], both);
    expect(s390.code).toBe(1);
    expect(s390.stderr).toMatch(/no image for the platform linux\/s390x/);
  });
});

describe('filters and exit codes', () => {
  test('--severity keeps only those severities', async () => {
    const result = await scan(['-f', 'json', '--severity', 'LOW'], fixture('python-app.json'));
    const severities = ((JSON.parse(result.stdout) as Report).Results ?? []).flatMap(r =>
      (r.Vulnerabilities ?? []).map(v => v.Severity)
    );
    expect(severities).toEqual(['LOW', 'LOW', 'LOW', 'LOW', 'LOW']);
  });

  test('--ignore-unfixed drops every status but fixed (affected and will_not_fix)', async () => {
    const all = ids((await scan(['-f', 'json'], fixture('python-app.json'))).stdout);
    const fixedOnly = ids(
      (await scan(['-f', 'json', '--ignore-unfixed'], fixture('python-app.json'))).stdout
    );
    expect(all).toContain('CVE-2023-45853');
    expect(all).toContain('CVE-2011-3374');
    expect(fixedOnly).not.toContain('CVE-2023-45853');
    expect(fixedOnly).not.toContain('CVE-2011-3374');
    expect(fixedOnly).toHaveLength(8);
  });

  test('--ignorefile: a .trivyignore.yaml by id and by PURL, expired entries ignored no more', async () => {
    const file = path.join(work, 'ignore.trivyignore.yaml');
    await writeFile(
      file,
      [
        'vulnerabilities:',
        '  - id: CVE-2023-5363',
        '    purls: ["pkg:deb/debian/openssl"]',
        '  - id: CVE-2023-30861',
        '    statement: accepted until the upgrade',
        '  - id: CVE-2023-25577',
        '    expired_at: 2020-01-01',
        ''
      ].join('\n')
    );
    const kept = ids((await scan(['-f', 'json', '--ignorefile', file], fixture('python-app.json'))).stdout);
    expect(kept.filter(id => id === 'CVE-2023-5363')).toHaveLength(1);
    expect(kept).not.toContain('CVE-2023-30861');
    expect(kept).toContain('CVE-2023-25577');
  });

  test('a .trivyignore in the working directory applies by default', async () => {
    await writeFile(path.join(work, '.trivyignore'), 'CVE-2019-1549\n');
    try {
      expect(ids((await scan(['-f', 'json'])).stdout)).not.toContain('CVE-2019-1549');
    } finally {
      await rm(path.join(work, '.trivyignore'));
    }
  });

  test('--exit-code N when findings remain after the filters, 0 otherwise', async () => {
    expect((await scan(['-f', 'json', '--exit-code', '3'])).code).toBe(3);
    expect((await scan(['-f', 'json', '--exit-code', '3', '--severity', 'CRITICAL'])).code).toBe(0);
  });

  test('--exit-on-eol N for an end-of-life OS, whatever the findings', async () => {
    expect((await scan(['-f', 'json', '--exit-on-eol', '4', '--severity', 'CRITICAL'])).code).toBe(4);
    expect((await scan(['-f', 'json', '--exit-on-eol', '4'], fixture('clean.json'))).code).toBe(0);
  });

  test('Packages only with --list-all-pkgs, and then every package, vulnerable or not', async () => {
    const without = JSON.parse((await scan(['-f', 'json'], fixture('python-app.json'))).stdout) as Report;
    expect(without.Results?.some(r => r.Packages)).toBe(false);
    const listed = JSON.parse(
      (await scan(['-f', 'json', '--list-all-pkgs'], fixture('python-app.json'))).stdout
    ) as Report;
    expect(listed.Results?.flatMap(r => r.Packages ?? [])).toHaveLength(19);
  });
});

describe('formats', () => {
  test('the default format is a table, not JSON', async () => {
    const { stdout } = await scan([]);
    expect(() => JSON.parse(stdout) as unknown).toThrow();
    expect(stdout).toMatch(/Total: 4 \(UNKNOWN: 0, LOW: 0, MEDIUM: 4, HIGH: 0, CRITICAL: 0\)/);
  });

  test('sarif, cyclonedx and spdx-json are those formats', async () => {
    const sarif = JSON.parse((await scan(['-f', 'sarif'])).stdout) as {
      version: string;
      runs: { results: unknown[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(4);
    const cdx = JSON.parse((await scan(['-f', 'cyclonedx'], fixture('python-app.json'))).stdout) as {
      bomFormat: string;
      components: unknown[];
      vulnerabilities?: unknown[];
    };
    expect(cdx.bomFormat).toBe('CycloneDX');
    // An SBOM lists every package, and vulnerabilities only when the scanners are asked for.
    expect(cdx.components).toHaveLength(1 + 19);
    expect(cdx.vulnerabilities).toBeUndefined();
    const spdx = JSON.parse((await scan(['-f', 'spdx-json'])).stdout) as { spdxVersion: string };
    expect(spdx.spdxVersion).toBe('SPDX-2.3');
  });

  test('--output writes the file and nothing to stdout', async () => {
    const out = path.join(work, 'out.json');
    const result = await scan(['-f', 'json', '--output', out]);
    expect(result.stdout).toBe('');
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({
      SchemaVersion: 2,
      ArtifactName: BUSYBOX
    });
  });

  test('convert converts the report it is given, with its filters', async () => {
    await mkdir(path.join(work, 'reports'), { recursive: true });
    const report = path.join(work, 'reports', 'debian.json');
    await writeFile(report, (await scan(['-f', 'json'], fixture('debian-10.json'))).stdout);
    const sarif = JSON.parse((await trivy(['convert', '--format', 'sarif', report])).stdout) as {
      runs: { results: { ruleId: string }[] }[];
    };
    expect(sarif.runs[0].results.map(r => r.ruleId).sort()).toEqual(['CVE-2019-18224', 'CVE-2019-18276']);
    const critical = JSON.parse(
      (await trivy(['convert', '-f', 'json', '-s', 'CRITICAL', report])).stdout
    ) as Report;
    expect(ids(JSON.stringify(critical))).toEqual(['CVE-2019-18224']);
    const notReport = await trivy(['convert', '--format', 'sarif', path.join(FIXTURES, 'README.md')]);
    expect(notReport.code).toBe(1);
  });
});
