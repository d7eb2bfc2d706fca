import { writeFile } from 'node:fs/promises';
import type { ScanFinding, ScannerAdapter, ScannedImage, ScanRequest } from '../../src/scan/port.js';

/**
 * A second scanner behind the port, as a new adapter would be: it knows two advisories and an
 * image of two layers (the base, then `COPY app /app`), writes its own report and a SARIF per
 * target, and reports the arm64 image as carrying one advisory more.
 */
const BASE = 'sha256:' + 'b'.repeat(64);
const APP = 'sha256:' + 'a'.repeat(64);

const advisory = (id: string, severity: ScanFinding['severity'], layer: string): ScanFinding => ({
  id,
  pkg: 'libexample',
  installed: '1.0.0',
  fixed: '1.0.1',
  status: 'fixed',
  severity,
  title: `${id} in libexample`,
  url: `https://example.test/${id}`,
  targets: ['app'],
  layer
});

function scanned(request: ScanRequest): ScannedImage {
  const findings = [advisory('CVE-2026-0001', 'LOW', BASE)];
  if (request.target.platform === 'linux/arm64') findings.push(advisory('CVE-2026-0002', 'HIGH', APP));
  return {
    findings,
    packages: [],
    facts: {
      diffIds: [BASE, APP],
      history: [
        { created_by: '/bin/sh -c #(nop) ADD file:0a in / ' },
        { created_by: 'COPY app /app # buildkit' }
      ],
      os: 'example 1',
      eosl: false
    },
    reportPath: request.reportPath,
    sarifPath: request.sarifPath
  };
}

export const secondScanner: ScannerAdapter = {
  prepare: () =>
    Promise.resolve({
      info: {
        name: 'second',
        title: 'Second',
        path: '/dev/null',
        version: '1.0.0',
        origin: 'download',
        verified: []
      },
      async scan(request) {
        const image = scanned(request);
        await writeFile(request.reportPath, JSON.stringify(image.findings));
        const results = image.findings.map(f => ({ ruleId: f.id, message: { text: f.title } }));
        await writeFile(request.sarifPath, JSON.stringify({ version: '2.1.0', runs: [{ results }] }));
        return image;
      },
      async finish() {}
    })
};
