import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadFixture } from '../../helpers/fixtures.js';
import { FIXTURES, SHARED_TRIVY_FIXTURES, STANDIN_BIN } from '../../helpers/docker.js';
import { readmeCounts } from '../../helpers/fixtures.js';

/**
 * Checks against what the Trivy project itself recorded (its integration test data, in
 * ../shared/fixtures/trivy when the repository sits in the workspace that provides it): the
 * parser reads every recorded report, this project's fixtures have the shape real reports have,
 * and the stand-in's filters and SARIF give what Trivy gave.
 */
const SHARED = SHARED_TRIVY_FIXTURES;
const present = existsSync(path.join(SHARED, 'README.md'));

// Without them, one skipped test says why; none of the checks below is registered.
if (!present) {
  test.skip(`Trivy's recorded reports (skipped: ${SHARED} is not beside the repository)`, () => undefined);
}

type Json = Record<string, unknown>;
const read = (dir: string, file: string): Json =>
  JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Json;

/** Every key path of a JSON value with the type found there (`Results[].Class: string`). */
function shape(value: unknown, at = '', out = new Map<string, Set<string>>()): Map<string, Set<string>> {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  out.set(at, (out.get(at) ?? new Set()).add(kind));
  if (Array.isArray(value)) for (const v of value) shape(v, `${at}[]`, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) shape(v, at ? `${at}.${k}` : k, out);
  return out;
}

const run = promisify(execFile);

if (present)
  describe("Trivy's recorded reports", () => {
    const table = readmeCounts(path.join(SHARED, 'README.md'), 'vulns by severity');
    let work: string;
    beforeAll(async () => {
      work = await mkdtemp(path.join(os.tmpdir(), 'shipshape-recorded-'));
      // An image archive for `--input`: the stand-in checks it is a tar before it reads the report.
      await run('tar', ['-cf', path.join(work, 'image.tar'), '-C', SHARED, 'README.md']);
      await run(path.join(STANDIN_BIN, 'trivy'), [
        'image',
        '--download-db-only',
        '--cache-dir',
        path.join(work, 'cache')
      ]);
    });
    afterAll(async () => {
      await rm(work, { recursive: true, force: true });
    });

    test.each([...table.keys()].filter(f => f.endsWith('.json.golden') && !f.includes('.cdx.')))(
      'the parser reads %s with the counts its README gives',
      file => {
        expect(loadFixture(file, SHARED).counts).toEqual(table.get(file));
      }
    );

    test("every field of this project's fixtures has the name and type Trivy writes", () => {
      const real = new Map<string, Set<string>>();
      for (const file of readdirSync(SHARED).filter(f => f.endsWith('.json.golden') && !f.includes('.cdx.')))
        shape(read(SHARED, file), '', real);
      const ours = new Map<string, Set<string>>();
      for (const file of readdirSync(FIXTURES).filter(f => f.endsWith('.json')))
        shape(read(FIXTURES, file), '', ours);
      // Packages are listed only with --list-all-pkgs, which no recording used: their fields follow pkg/fanal/types.
      const unknown = [...ours.entries()].filter(
        ([at, kinds]) => !at.startsWith('Results[].Packages') && ![...kinds].every(k => real.get(at)?.has(k))
      );
      expect(unknown.map(([at, kinds]) => `${at}: ${[...kinds].join('|')}`)).toEqual([]);
    });

    /** The stand-in's filters on Trivy's unfiltered recording give Trivy's filtered one. */
    async function filtered(recording: string, flags: string[]): Promise<Json> {
      const { stdout } = await run(
        path.join(STANDIN_BIN, 'trivy'),
        [
          'image',
          '--quiet',
          '--format',
          'json',
          '--skip-db-update',
          '--cache-dir',
          path.join(work, 'cache')
        ].concat(flags, ['--input', path.join(work, 'image.tar')]),
        { env: { ...process.env, TRIVY_STANDIN_FIXTURE: path.join(SHARED, recording) }, cwd: work }
      );
      return JSON.parse(stdout) as Json;
    }

    test.each([
      [
        'alpine-39.json.golden',
        ['--severity', 'HIGH,CRITICAL', '--ignore-unfixed'],
        'alpine-39-high-critical.json.golden'
      ],
      ['debian-buster.json.golden', ['--ignore-unfixed'], 'debian-buster-ignore-unfixed.json.golden']
    ])('the stand-in on %s with %j writes the Results Trivy wrote', async (recording, flags, expected) => {
      expect((await filtered(recording, flags)).Results).toEqual(read(SHARED, expected).Results);
    });

    test('the stand-in with a .trivyignore naming two CVEs writes the Results Trivy wrote', async () => {
      const ignore = path.join(work, '.trivyignore');
      await writeFile(ignore, '# accepted\nCVE-2019-1549\nCVE-2019-14697 exp:2999-01-01\n');
      const got = await filtered('alpine-39.json.golden', ['--ignorefile', ignore]);
      expect(got.Results).toEqual(read(SHARED, 'alpine-39-ignore-cveids.json.golden').Results);
    });

    test("the stand-in's `convert --format sarif` writes the SARIF Trivy wrote for the same report", async () => {
      const { stdout } = await run(path.join(STANDIN_BIN, 'trivy'), [
        'convert',
        '--format',
        'sarif',
        path.join(SHARED, 'alpine-310.json.golden')
      ]);
      const sarif = JSON.parse(stdout) as { runs: { tool: { driver: { version: string } } }[] };
      sarif.runs[0].tool.driver.version = 'dev';
      expect(sarif).toEqual(read(SHARED, 'alpine-310.sarif.golden'));
    });
  });
