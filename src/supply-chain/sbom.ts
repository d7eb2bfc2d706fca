import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScannerInfo, SbomPackage } from '../scan/contract.js';
import type { SbomFormat, SbomResult } from './contract.js';

/** How many packages of each type (`alpine`, `debian`, `jar`, `python-pkg`…). */
export function countByType(packages: SbomPackage[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of packages) counts[p.type] = (counts[p.type] ?? 0) + 1;
  return counts;
}

/** What the SBOM describes and who made it. */
export interface SbomSubject {
  /** The image name (no tag), e.g. ghcr.io/acme/app. */
  image: string;
  /** The image's config digest (its id): the same bytes wherever it is pushed. */
  imageId: string;
  created: Date;
  toolVersion: string;
  /** The scanner that listed the packages. */
  scanner: Pick<ScannerInfo, 'name' | 'title' | 'vendor' | 'version'>;
}

/** A stable id for one package inside a document. */
const refOf = (p: SbomPackage): string =>
  createHash('sha256')
    .update([p.type, p.name, p.version, p.purl ?? ''].join('\u0000'))
    .digest('hex')
    .slice(0, 16);

/** The document's own identity: the same image and packages give the same one. */
function uuidOf(subject: SbomSubject, packages: SbomPackage[]): string {
  const hex = createHash('sha256')
    .update([subject.image, subject.imageId, ...packages.map(refOf)].join('\n'))
    .digest('hex');
  // RFC 4122 layout, version 5-style (name-based) bits.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const seconds = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

/** CycloneDX 1.6 JSON (pure). */
export function cycloneDx(subject: SbomSubject, packages: SbomPackage[]): unknown {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${uuidOf(subject, packages)}`,
    version: 1,
    metadata: {
      timestamp: seconds(subject.created),
      tools: {
        components: [
          { type: 'application', name: 'shipshape', version: subject.toolVersion },
          {
            type: 'application',
            ...(subject.scanner.vendor ? { group: subject.scanner.vendor } : {}),
            name: subject.scanner.name,
            version: subject.scanner.version
          }
        ]
      },
      component: {
        type: 'container',
        'bom-ref': 'image',
        name: subject.image,
        version: subject.imageId
      }
    },
    components: packages.map(p => ({
      type: 'library',
      'bom-ref': refOf(p),
      name: p.name,
      version: p.version,
      ...(p.purl ? { purl: p.purl } : {}),
      ...(p.licenses.length > 0 ? { licenses: p.licenses.map(name => ({ license: { name } })) } : {}),
      properties: [
        { name: `${subject.scanner.vendor ?? 'shipshape'}:${subject.scanner.name}:PkgType`, value: p.type }
      ]
    })),
    dependencies: [{ ref: 'image', dependsOn: packages.map(refOf) }]
  };
}

/** SPDX 3.0.1 JSON-LD (pure): the image as the root package, each package contained in it. */
export function spdx(subject: SbomSubject, packages: SbomPackage[]): unknown {
  const base = `urn:uuid:${uuidOf(subject, packages)}`;
  const info = '_:creationinfo';
  const id = (name: string): string => `${base}#${name}`;
  const element = (type: string, name: string, extra: Record<string, unknown>) => ({
    type,
    spdxId: id(name),
    creationInfo: info,
    ...extra
  });
  const image = element('software_Package', 'image', {
    name: subject.image,
    software_packageVersion: subject.imageId,
    software_primaryPurpose: 'container'
  });
  const members = packages.map(p =>
    element('software_Package', `package-${refOf(p)}`, {
      name: p.name,
      software_packageVersion: p.version,
      software_primaryPurpose: 'library',
      ...(p.purl ? { software_packageUrl: p.purl } : {}),
      comment: `type: ${p.type}`
    })
  );
  const contains =
    members.length > 0
      ? [
          element('Relationship', 'image-contains', {
            from: image.spdxId,
            relationshipType: 'contains',
            to: members.map(m => m.spdxId),
            completeness: 'complete'
          })
        ]
      : [];
  const sbom = element('software_Sbom', 'sbom', {
    software_sbomType: ['analyzed'],
    rootElement: [image.spdxId],
    element: [image, ...members, ...contains].map(e => e.spdxId)
  });
  const document = element('SpdxDocument', 'document', {
    name: `SBOM of ${subject.image}`,
    profileConformance: ['core', 'software'],
    rootElement: [sbom.spdxId],
    element: [sbom.spdxId]
  });
  return {
    '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld',
    '@graph': [
      {
        type: 'CreationInfo',
        '@id': info,
        created: seconds(subject.created),
        createdBy: [id('shipshape')],
        createdUsing: [id(subject.scanner.name)],
        specVersion: '3.0.1'
      },
      element('SoftwareAgent', 'shipshape', { name: `Shipshape ${subject.toolVersion}` }),
      element('Tool', subject.scanner.name, { name: `${subject.scanner.title} ${subject.scanner.version}` }),
      document,
      sbom,
      image,
      ...members,
      ...contains
    ]
  };
}

const WRITERS = { cyclonedx: cycloneDx, spdx };
const FILES: Record<SbomFormat, string> = { cyclonedx: 'sbom.cdx.json', spdx: 'sbom.spdx.json' };

/** Writes the SBOM documents asked for, from the packages the scan listed. */
export async function writeSbom(
  packages: SbomPackage[],
  subject: SbomSubject,
  formats: SbomFormat[],
  outputDir: string
): Promise<SbomResult> {
  const files: SbomResult['files'] = {};
  for (const format of formats) {
    files[format] = path.join(outputDir, FILES[format]);
    await writeFile(files[format], JSON.stringify(WRITERS[format](subject, packages), null, 2));
  }
  return { packages, counts: countByType(packages), files };
}
