import { describe, expect, test } from '@jest/globals';
import { mergePackages } from '../../src/scan/findings.js';
import { parseTrivyReport } from '../../src/scan/trivy/parse.js';
import { countByType, cycloneDx, spdx, type SbomSubject } from '../../src/supply-chain/sbom.js';
import { cycloneDxValidator, spdxValidator } from '../helpers/sbom-schemas.js';

// A Trivy report made with --list-all-pkgs, in Trivy's shape: OS packages (one with an epoch
// and a release), and a Java archive found in two targets.
const SLF4J = {
  Name: 'org.slf4j:slf4j-api',
  Version: '2.0.9',
  Identifier: { PURL: 'pkg:maven/org.slf4j/slf4j-api@2.0.9' }
};
const REPORT = JSON.stringify({
  SchemaVersion: 2,
  Results: [
    {
      Target: 'app (debian 12.5)',
      Class: 'os-pkgs',
      Type: 'debian',
      Packages: [
        {
          ID: 'libc6@2.36-9+deb12u4',
          Name: 'libc6',
          Version: '2.36',
          Release: '9+deb12u4',
          Identifier: { PURL: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12.5' },
          Licenses: ['LGPL-2.1', 'GPL-2.0']
        },
        { ID: 'tzdata@2024a-0+deb12u1', Name: 'tzdata', Version: '2024a', Release: '0+deb12u1', Epoch: 1 }
      ]
    },
    ...['app/lib.jar', 'app/other.jar'].map(Target => ({
      Target,
      Class: 'lang-pkgs',
      Type: 'jar',
      Packages: [SLF4J]
    }))
  ]
});

const SUBJECT: SbomSubject = {
  image: 'ghcr.io/acme/app',
  imageId: `sha256:${'a'.repeat(64)}`,
  created: new Date('2026-11-24T05:00:00.123Z'),
  toolVersion: '0.1.0',
  scanner: { name: 'trivy', title: 'Trivy', vendor: 'aquasecurity', version: '0.74.0' }
};
/** The packages of several platforms' reports, as the scan stage lists them. */
const parsePackages = (reports: string[]) => mergePackages(reports.map(r => parseTrivyReport(r).packages));

describe('the SBOM comes from the scan’s package list', () => {
  const packages = parsePackages([REPORT]);

  test('every package once, with its epoch and release in the version, sorted by type and name', () => {
    expect(packages.map(p => `${p.type} ${p.name} ${p.version}`)).toEqual([
      'debian libc6 2.36-9+deb12u4',
      'debian tzdata 1:2024a-0+deb12u1',
      'jar org.slf4j:slf4j-api 2.0.9'
    ]);
    expect(countByType(packages)).toEqual({ debian: 2, jar: 1 });
  });

  test('a second platform’s report adds only what it has that the first had not', () => {
    const arm = JSON.stringify({
      SchemaVersion: 2,
      Results: [
        {
          Type: 'debian',
          Packages: [
            {
              Name: 'libc6',
              Version: '2.36',
              Release: '9+deb12u4',
              Identifier: { PURL: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12.5' }
            },
            { Name: 'arm-only', Version: '1' }
          ]
        }
      ]
    });
    expect(parsePackages([REPORT, arm]).map(p => p.name)).toEqual([
      'arm-only',
      'libc6',
      'tzdata',
      'org.slf4j:slf4j-api'
    ]);
  });

  test('CycloneDX 1.6: valid against the schema @cyclonedx/cyclonedx-library ships, one component per package', () => {
    const bom = cycloneDx(SUBJECT, packages) as { components: { name: string; purl?: string }[] };
    const validate = cycloneDxValidator();
    expect(validate(bom) || validate.errors).toBe(true);
    expect(bom.components.map(c => c.name)).toEqual(packages.map(p => p.name));
    expect(bom.components[0].purl).toBe(packages[0].purl);
  });

  test('SPDX 3.0.1: valid against the schema @cyclonedx/cdxgen ships, the image containing each package', () => {
    const doc = spdx(SUBJECT, packages) as { '@graph': { type: string; name?: string; to?: string[] }[] };
    const validate = spdxValidator();
    expect(validate(doc) || validate.errors).toBe(true);
    const graph = doc['@graph'];
    expect(graph.filter(e => e.type === 'software_Package').map(e => e.name)).toEqual([
      'ghcr.io/acme/app',
      ...packages.map(p => p.name)
    ]);
    expect(graph.find(e => e.type === 'Relationship')?.to).toHaveLength(packages.length);
  });

  test('the validators turn down a broken document (they can fail)', () => {
    const bom = cycloneDx(SUBJECT, packages) as Record<string, unknown>;
    expect(cycloneDxValidator()({ ...bom, specVersion: 1.6 })).toBe(false);
    const doc = spdx(SUBJECT, packages) as { '@graph': Record<string, unknown>[] };
    const broken = {
      ...doc,
      '@graph': doc['@graph'].map(e => (e.type === 'CreationInfo' ? { ...e, created: 'yesterday' } : e))
    };
    expect(spdxValidator()(broken)).toBe(false);
  });

  test('the same image and packages give the same document ids', () => {
    const a = cycloneDx(SUBJECT, packages) as { serialNumber: string };
    const b = cycloneDx({ ...SUBJECT, created: new Date() }, packages) as { serialNumber: string };
    expect(a.serialNumber).toBe(b.serialNumber);
    expect(a.serialNumber).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    );
  });
});
