import { describe, expect, test } from '@jest/globals';
import { symlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { metadataWarnings, readBuildChecks } from '../../../src/builder/log/warnings.js';
import { parseCheckReport } from '../../../src/lint/buildkit-checks.js';
import { ROOT } from '../../helpers/docker.js';
import { tempDir } from '../../helpers/temp-dirs.js';

// What buildx 0.29.1 on Docker 28.5.2 wrote for built-stages.Dockerfile: the metadata file of a
// build with BUILDX_METADATA_WARNINGS=1, and the report of `--call=check,format=json`.
const FIXTURES = path.join(ROOT, 'test/fixtures/buildkit');
const metadata = readFileSync(path.join(FIXTURES, 'built-stages.metadata.json'), 'utf8');
const checkCall = readFileSync(path.join(FIXTURES, 'built-stages.check.json'), 'utf8');

const encoded = (text: string): string => Buffer.from(text).toString('base64');
const fileWith = (warnings: unknown): string => JSON.stringify({ 'buildx.build.warnings': warnings });
const byLine = <T extends { line: number; ruleName: string }>(list: T[] | undefined) =>
  [...(list ?? [])].sort((a, b) => a.line - b.line || a.ruleName.localeCompare(b.ruleName));

describe("BuildKit's check warnings from the build's metadata file", () => {
  test('a build whose every stage ran reports what a check call reports: rule, line, description, detail', () => {
    const warnings = metadataWarnings(metadata);
    expect(warnings?.map(w => [w.ruleName, w.line])).toEqual([
      ['FromAsCasing', 1],
      ['UndefinedVar', 2],
      ['SecretsUsedInArgOrEnv', 5],
      ['WorkdirRelativePath', 6],
      ['JSONArgsRecommended', 7]
    ]);
    expect(byLine(warnings)).toEqual(byLine(parseCheckReport(checkCall)));
  });

  test('no warnings key (buildx writes none when no check fired) reads as no warnings', () => {
    expect(metadataWarnings(JSON.stringify({ 'buildx.build.ref': 'default/default/x' }))).toEqual([]);
  });

  test('a warning whose message names no rule is left out; a missing range puts it on line 1', () => {
    const warnings = metadataWarnings(
      fileWith([
        { short: encoded('something else happened') },
        { short: encoded('not a rule: something happened') },
        { short: encoded('FromAsCasing: casing (line 12)'), detail: null },
        { short: encoded('UndefinedVar: no line said'), range: [] }
      ])
    );
    expect(warnings).toStrictEqual([
      { ruleName: 'FromAsCasing', line: 1, detail: 'casing' },
      { ruleName: 'UndefinedVar', line: 1, detail: 'no line said' }
    ]);
  });

  test.each([
    ['not JSON', '{"buildx.build.warnings": ['],
    ['JSON nested 40 deep', `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`],
    ['a message that is not base64', fileWith([{ short: '<img src=x>' }])],
    ['a message over 4,096 bytes', fileWith([{ short: encoded('A: '.padEnd(5000, 'x')) }])],
    [
      'a line that is not a number',
      fileWith([{ short: encoded('A: b'), range: [{ start: { line: '2' } }] }])
    ],
    ['warnings that are not a list', fileWith({ short: encoded('A: b') })],
    ['line 0', fileWith([{ short: encoded('A: b'), range: [{ start: { line: 0 } }] }])],
    [
      'a line past 1,000,000',
      fileWith([{ short: encoded('A: b'), range: [{ start: { line: 1_000_001 } }] }])
    ],
    ['over 1,000 warnings', fileWith(Array.from({ length: 1001 }, () => ({ short: encoded('A: b') })))],
    ['over 16 details', fileWith([{ short: encoded('A: b'), detail: Array(17).fill(encoded('d')) }])],
    ['over 64 ranges', fileWith([{ short: encoded('A: b'), range: Array(65).fill({ start: { line: 1 } }) }])]
  ])('refused: %s', (_, text) => {
    expect(metadataWarnings(text)).toBeUndefined();
  });

  test('the file: read when it is one, undefined when missing or a link', async () => {
    const dir = await tempDir('shipshape-metadata-');
    const file = path.join(dir, 'metadata.json');
    await writeFile(file, metadata);
    expect(await readBuildChecks(file)).toHaveLength(5);
    expect(await readBuildChecks(path.join(dir, 'none.json'))).toBeUndefined();
    await symlink(file, path.join(dir, 'link.json'));
    expect(await readBuildChecks(path.join(dir, 'link.json'))).toBeUndefined();
  });
});
