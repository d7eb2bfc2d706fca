import { describe, expect, test } from '@jest/globals';
import { marked } from 'marked';
import { decideGates } from '../../../src/gate.js';
import { code, codeBlock, paragraph, serialize, table } from '../../../src/report/markdown/writer.js';
import { elements, references, renderGfm } from '../../helpers/gfm.js';
import { COMMENT_LIMIT, renderMarkdown, renderWithin } from '../../../src/report/markdown/render.js';
import { verdict } from '../../../src/common/verdict.js';
import { everySectionReport, fixtureReport, withInsight } from '../../helpers/report.js';
import type { Finding } from '../../../src/scan/contract.js';

const FULL = { findings: 200, lint: 200, evidenceChars: 16000 };

describe('the report rendered from a real Trivy report', () => {
  test('snapshot (alpine-39: 2 CRITICAL, 4 MEDIUM; gate failed)', () => {
    const markdown = renderMarkdown(fixtureReport(), FULL);
    expect(markdown).toMatchSnapshot();
  });

  test('readable as HTML: headline, gates, severity table, findings linked, lines named', async () => {
    const html = await marked.parse(renderMarkdown(fixtureReport(), FULL));
    expect(html).toContain(
      '<h2>❌ Shipshape: <code>ghcr.io/codertocat/hello-world</code> failed a gate, nothing pushed</h2>'
    );
    expect(html).toMatch(/<td>❌ failed<\/td>\s*<td>2 finding\(s\) at or above CRITICAL<\/td>/);
    expect(html).toContain('<a href="https://avd.aquasec.com/nvd/cve-2019-14697">CVE-2019-14697</a>');
    expect(html).toContain('line 1 (base image)');
    expect(html).toContain('Not pushed: a gate failed.');
  });

  test('fixable findings first, with the fixed version', () => {
    const markdown = renderMarkdown(fixtureReport('debian-10.json'), FULL);
    const critical = markdown.indexOf('| CRITICAL |');
    const low = markdown.indexOf('| LOW |');
    expect(critical).toBeGreaterThan(0);
    expect(low).toBeGreaterThan(critical);
    expect(markdown).toContain('_no fix_');
  });
});

describe('size limits', () => {
  test('10,000 findings: the comment stays under 65,536 characters, with a note and a link to the run', () => {
    const report = fixtureReport();
    const base = report.scan!.report.findings[0];
    const many: Finding[] = Array.from({ length: 10000 }, (_, i) => ({
      ...base,
      id: `CVE-2026-${10000 + i}`,
      pkg: `pkg-${i}`
    }));
    report.scan!.report.findings = many;
    const comment = renderWithin(report, COMMENT_LIMIT, '<!-- marker -->\n');
    expect(comment.length).toBeLessThanOrEqual(65536);
    expect(comment).toMatch(/…and \d{4} more; the full list is in the SARIF file/);
    expect(comment).toContain('https://github.com/Codertocat/Hello-World/actions/runs/4242');
    expect(comment.startsWith('<!-- marker -->\n')).toBe(true);
  });
});

describe('untrusted text is inert', () => {
  const HOSTILE =
    '<img src=x onerror=alert(1)> @everyone `tick` | pipe ``` fence [link](javascript:alert(1))';

  const cellsOf = (html: string): number => (html.match(/<td>/g) ?? []).length;

  test('in text: no HTML, no mention, no link, no table break', () => {
    const html = renderGfm(serialize([table(['a'], [[[HOSTILE]]])]));
    expect(
      elements(html).filter(
        e => !['table', 'thead', 'tr', 'th', 'tbody', 'td', 'code'].includes(e.replace('/', ''))
      )
    ).toEqual([]);
    expect(references(html)).toEqual([]);
    expect(cellsOf(html)).toBe(1);
  });

  test('in code spans and blocks: closed only where we close them', () => {
    const span = renderGfm(serialize([table(['a'], [[[code(HOSTILE)]]])]));
    expect(cellsOf(span)).toBe(1);
    expect(elements(span)).not.toContain('img');
    const block = renderGfm(serialize([codeBlock(HOSTILE + '\n```\n# heading?'), paragraph('after')]));
    expect(elements(block)).not.toContain('h1');
    expect(block).toContain('<p>after</p>');
  });

  test('in a whole report: package names, titles, logs and branch names', () => {
    const report = fixtureReport();
    const finding = report.scan!.report.findings[0];
    finding.title = HOSTILE;
    finding.pkg = HOSTILE;
    finding.url = 'javascript:alert(1)';
    report.smoke = {
      health: 'unhealthy',
      verdict: verdict('smoke test', 'failed', HOSTILE),
      mode: 'healthcheck',
      message: HOSTILE,
      evidence: `${HOSTILE}\n\`\`\`\n<script>x</script>`
    };
    report.plan.warnings.push(`branch ${HOSTILE}`);
    const html = renderGfm(renderMarkdown(report, FULL));
    expect(elements(html)).not.toContain('img');
    expect(elements(html)).not.toContain('script');
    expect(html).not.toContain('href="javascript');
    // Mentions never fire inside code; everywhere else the @ is broken with a zero-width space.
    expect(references(html)).toEqual([]);
    expect(html).toContain('@\u200beveryone');
  });

  test('a report too large even at 200 findings is shortened, with a note and a link to the run', () => {
    const report = fixtureReport();
    const base = report.scan!.report.findings[0];
    report.scan!.report.findings = Array.from({ length: 10000 }, (_, i) => ({
      ...base,
      id: `CVE-2026-${i}`,
      title: 'x'.repeat(400)
    }));
    const comment = renderWithin(report, COMMENT_LIMIT);
    expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(comment).toContain('This report was shortened to fit');
    expect(comment).toContain('(https://github.com/Codertocat/Hello-World/actions/runs/4242)');
  });
});

describe('SBOM and signature', () => {
  test('package counts by type, and the commands that check the signed digest', () => {
    const report = fixtureReport();
    report.sbom = {
      packages: [
        { name: 'musl', version: '1.1.20-r4', type: 'alpine', licenses: [] },
        { name: 'musl-utils', version: '1.1.20-r4', type: 'alpine', licenses: [] },
        { name: 'flask', version: '3.0.0', type: 'python-pkg', licenses: [] }
      ],
      counts: { alpine: 2, 'python-pkg': 1 },
      files: { cyclonedx: '/out/sbom.cdx.json', spdx: '/out/sbom.spdx.json' }
    };
    report.sign = {
      mode: 'key',
      signed: [],
      verify: {
        signature: 'cosign verify --key cosign.pub ghcr.io/acme/app@sha256:abc',
        attestation: 'cosign verify-attestation --key cosign.pub --type cyclonedx ghcr.io/acme/app@sha256:abc'
      }
    };
    const markdown = renderMarkdown(report, FULL);
    expect(markdown).toContain('3 packages from the scan (SBOM: `cyclonedx`, `spdx`).');
    expect(markdown).toContain('| `alpine` | 2 |');
    expect(markdown).toContain('| `python-pkg` | 1 |');
    expect(markdown).toContain(
      '```sh\ncosign verify --key cosign.pub ghcr.io/acme/app@sha256:abc\ncosign verify-attestation --key cosign.pub --type cyclonedx ghcr.io/acme/app@sha256:abc\n```'
    );
  });

  test('not signed: the summary says why', () => {
    const report = { ...fixtureReport(), sign: { note: 'not signed: sign is false', signed: [] } };
    expect(renderMarkdown(report, FULL)).toContain('### SBOM and signature\n\nnot signed: sign is false.');
  });
});

describe('what this change does, against the baseline', () => {
  test('new and fixed lead, unchanged and all findings folded, sizes and the layers that grew', () => {
    const report = fixtureReport();
    const scan = report.scan;
    if (!scan) throw new Error('fixture has a scan');
    const [added, ...kept] = scan.report.findings;
    scan.report.findings = [
      { ...added, change: 'new' },
      ...kept.map(f => ({ ...f, change: 'unchanged' as const }))
    ];
    scan.report.layerSources = { 'sha256:own': { line: 7, instruction: 'RUN apk add curl', base: false } };
    const layer = (diffId: string, size: number) => ({ diffId, size });
    withInsight(report).baseline = {
      reference: 'ghcr.io/acme/app:main',
      newCount: 1,
      unchanged: kept.length,
      fixed: [{ ...kept[0], id: 'CVE-2000-0001', pkg: 'zlib' }],
      baseChanged: false,
      scanned: {
        platform: 'linux/amd64',
        uncompressed: 8_000_000,
        layers: [layer('sha256:base', 8_000_000)]
      },
      sizes: [
        {
          platform: 'linux/amd64',
          digest: 'sha256:b',
          compressed: 3_000_000,
          layers: [layer('sha256:base', 2_900_000)]
        }
      ]
    };
    scan.sizes = [
      {
        platform: 'linux/amd64',
        uncompressed: 9_000_000,
        layers: [layer('sha256:base', 5_000_000), layer('sha256:own', 4_000_000)]
      }
    ];
    report.push = {
      pushed: true,
      digests: {},
      tags: [],
      unchanged: [],
      withheld: [],
      failed: [],
      durationMs: 1,
      sizes: [
        {
          platform: 'linux/amd64',
          digest: 'sha256:c',
          compressed: 4_500_000,
          layers: [layer('sha256:base', 2_900_000), layer('sha256:own', 1_500_000)]
        }
      ]
    };
    const markdown = renderMarkdown(report, FULL);
    const compare = markdown.indexOf('### What this change does (against `ghcr.io/acme/app:main`)');
    expect(compare).toBeGreaterThan(0);
    expect(compare).toBeLessThan(markdown.indexOf('### Vulnerabilities'));
    expect(markdown).toContain(`**1 new** and **1 fixed** vulnerabilities; ${kept.length} unchanged.`);
    expect(markdown).toContain(`<details><summary>Unchanged (${kept.length})</summary>`);
    expect(markdown).toContain(
      '| `linux/amd64` | 9.0 MB | 8.0 MB | +1.0 MB (+12.5%) | 4.5 MB | 3.0 MB | +1.5 MB (+50.0%) |'
    );
    expect(markdown).toContain('| 4.0 MB | line 7: RUN apk add curl |');
    expect(markdown).not.toContain('known once the image is pushed');
    expect(markdown).toContain('Base image: the same layers as the baseline.');
    expect(markdown).toContain(`<details><summary>All findings (${kept.length + 1})</summary>`);
  });
});

describe('sizes before the push, and the base image', () => {
  const layer = (diffId: string, size: number) => ({ diffId, size });
  const compared = () => {
    const report = fixtureReport();
    const scan = report.scan!;
    scan.report.layerSources = { 'sha256:own': { line: 7, instruction: 'RUN apk add curl', base: false } };
    withInsight(report).baseline = {
      reference: 'ghcr.io/acme/app:main',
      newCount: 0,
      unchanged: 0,
      fixed: [],
      scanned: {
        platform: 'linux/amd64',
        uncompressed: 8_000_000,
        layers: [layer('sha256:base', 8_000_000)]
      },
      sizes: [{ platform: 'linux/amd64', digest: 'sha256:b', compressed: 3_000_000, layers: [] }]
    };
    scan.sizes = [
      { platform: 'linux/amd64', uncompressed: 7_000_000, layers: [layer('sha256:own', 2_000_000)] }
    ];
    return report;
  };

  test('not pushed: uncompressed from the scans, compressed left to the push, and said so', () => {
    const markdown = renderMarkdown(compared(), FULL);
    expect(markdown).toContain('| `linux/amd64` | 7.0 MB | 8.0 MB | −1.0 MB (−12.5%) | — | 3.0 MB | |');
    expect(markdown).toContain(
      '_Compressed sizes are the registry’s manifests: known once the image is pushed._'
    );
    // The image shrank: no "grew most" table.
    expect(markdown).not.toContain('Largest layers new since the baseline');
  });

  test('the size gate is a row of the gates table with its verdict', () => {
    const report = compared();
    const size = verdict(
      'size',
      'failed',
      'linux/amd64: +2.0 MB (+25.0%) uncompressed, over max-size-increase 1MB'
    );
    report.gates = decideGates([...(report.gates?.gates ?? []), size]);
    const markdown = renderMarkdown(report, FULL);
    expect(markdown).toContain(
      '| size | ❌ failed | linux/amd64: +2.0 MB (+25.0%) uncompressed, over max-size-increase 1MB |'
    );
    expect(report.gates.passed).toBe(false);
  });

  test('the base image and its digest in the overview; its fixable findings counted', () => {
    const report = fixtureReport();
    const digest = `sha256:${'b'.repeat(64)}`;
    report.build!.base = { reference: 'python:3.12-slim', digest, pinned: false, line: 3 };
    const scan = report.scan!;
    scan.report.eosl = false;
    const [first, second, third] = scan.report.findings;
    const base = { line: 3, instruction: 'FROM python:3.12-slim', base: true };
    scan.report.findings = [
      { ...first, fixed: '1.2.4', source: base },
      { ...second, fixed: '', source: base },
      { ...third, source: { line: 7, instruction: 'RUN pip install', base: false } }
    ];
    withInsight(report);
    let markdown = renderMarkdown(report, FULL);
    expect(markdown).toContain(`| Base image | \`python:3.12-slim\`<br>\`${digest}\` (line 3) |`);
    expect(markdown).toContain(
      'ℹ️ 1 of the 2 findings from `python:3.12-slim` have a fixed version released; they arrive when the base is rebuilt on them'
    );
    report.build!.base = { reference: `python:3.12@${digest}`, digest, pinned: true, line: 3 };
    markdown = renderMarkdown(report, FULL);
    expect(markdown).toContain('the Dockerfile pins it by digest, so they arrive only with a new pin.');
    scan.report.eosl = true;
    withInsight(report);
    markdown = renderMarkdown(report, FULL);
    expect(markdown).toMatch(
      /⚠️ The base OS \(.+\) is end-of-life: it gets no more security fixes\. Move `python:3\.12@sha256:b+` to a supported release\./
    );
    expect(markdown).not.toContain('have a fixed version released');
  });
});

describe('the timeline', () => {
  test('each step with its start, end and span, by start: the preparation shown beside the build', () => {
    const html = renderGfm(renderMarkdown(everySectionReport(), FULL));
    expect(html).toMatch(
      /<td>build<\/td>\s*<td>0\.1 s<\/td>\s*<td>9\.4 s<\/td>\s*<td>9\.3 s<\/td>[\s\S]*<td>scanner ready<\/td>\s*<td>0\.1 s<\/td>\s*<td>6\.1 s<\/td>[\s\S]*<td>scan<\/td>\s*<td>9\.4 s<\/td>/
    );
  });
});
