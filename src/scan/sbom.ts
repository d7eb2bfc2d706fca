import { createHash } from 'node:crypto';
import type { SbomPackage } from '../results.js';

interface TrivyPackage {
  ID?: string;
  Name?: string;
  Version?: string;
  Release?: string;
  Epoch?: number;
  Identifier?: { PURL?: string; UID?: string };
  Licenses?: string[];
}

interface TrivyPackagesJson {
  Results?: { Target?: string; Class?: string; Type?: string; Packages?: TrivyPackage[] | null }[] | null;
}

/**
 * The packages of a Trivy JSON report made with `--list-all-pkgs` (pure): the scan that found
 * the vulnerabilities is the one that lists what the image holds, so the SBOM needs no second
 * read of the image. One report per platform; a package in several targets or platforms is
 * listed once.
 */
export function parsePackages(reports: string[]): SbomPackage[] {
  const byKey = new Map<string, SbomPackage>();
  const results = reports.flatMap(text => (JSON.parse(text) as TrivyPackagesJson).Results ?? []);
  for (const result of results) {
    for (const p of result.Packages ?? []) {
      if (!p.Name) continue;
      const version = [p.Epoch ? `${p.Epoch}:` : '', p.Version ?? '', p.Release ? `-${p.Release}` : ''].join(
        ''
      );
      const pkg: SbomPackage = {
        name: p.Name,
        version,
        type: result.Type ?? result.Class ?? 'unknown',
        purl: p.Identifier?.PURL,
        licenses: p.Licenses ?? []
      };
      const key = [pkg.type, pkg.name, pkg.version, pkg.purl ?? ''].join('\u0000');
      if (!byKey.has(key)) byKey.set(key, pkg);
    }
  }
  return [...byKey.values()].sort(
    (a, b) =>
      a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version)
  );
}

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
  trivyVersion: string;
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
          { type: 'application', group: 'aquasecurity', name: 'trivy', version: subject.trivyVersion }
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
      properties: [{ name: 'aquasecurity:trivy:PkgType', value: p.type }]
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
        createdUsing: [id('trivy')],
        specVersion: '3.0.1'
      },
      element('SoftwareAgent', 'shipshape', { name: `Shipshape ${subject.toolVersion}` }),
      element('Tool', 'trivy', { name: `Trivy ${subject.trivyVersion}` }),
      document,
      sbom,
      image,
      ...members,
      ...contains
    ]
  };
}
