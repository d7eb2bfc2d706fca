// The report in the formats Trivy writes, from its JSON form: json, sarif (SARIF 2.1.0 in
// Trivy's layout: one rule per vulnerability ID, one result per package), cyclonedx (1.6),
// spdx-json (SPDX 2.3) and table. Shipshape reads the json and the sarif; the others exist so
// that a call asking for them gets what Trivy would give, not JSON in disguise.
import { createHash, randomUUID } from 'node:crypto';

const LEVEL = { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note', UNKNOWN: 'note' };
// Trivy's fallback security-severity when no CVSS v3 score is known.
const SEVERITY_SCORE = { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '2.0', UNKNOWN: '0.0' };

const results = report => report.Results ?? [];
const vulnerabilities = report =>
  results(report).flatMap(r => (r.Vulnerabilities ?? []).map(v => ({ result: r, v })));

function cvssOf(v) {
  const nvd = v.CVSS?.nvd ?? Object.values(v.CVSS ?? {})[0] ?? {};
  return nvd;
}

function toSarif(report, version) {
  const rules = [];
  const index = new Map();
  const sarifResults = [];
  const artifact = report.ArtifactName ?? '';
  for (const { result, v } of vulnerabilities(report)) {
    const os = result.Class === 'os-pkgs';
    const link = `[${v.VulnerabilityID}](${v.PrimaryURL ?? ''})`;
    const fixed = v.FixedVersion ?? '';
    // One rule per ID; as in Trivy, the last package with that ID writes its help text.
    if (!index.has(v.VulnerabilityID)) index.set(v.VulnerabilityID, rules.length);
    {
      const cvss = cvssOf(v);
      rules[index.get(v.VulnerabilityID)] = {
        id: v.VulnerabilityID,
        name: os ? 'OsPackageVulnerability' : 'LanguageSpecificPackageVulnerability',
        shortDescription: { text: v.Title || v.VulnerabilityID },
        fullDescription: { text: v.Description || v.Title || v.VulnerabilityID },
        defaultConfiguration: { level: LEVEL[v.Severity] },
        helpUri: v.PrimaryURL ?? '',
        help: {
          text: `Vulnerability ${v.VulnerabilityID}\nSeverity: ${v.Severity}\nPackage: ${v.PkgName}\nFixed Version: ${fixed}\nLink: ${link}\n${v.Description ?? ''}`,
          markdown: `**Vulnerability ${v.VulnerabilityID}**\n| Severity | Package | Fixed Version | Link |\n| --- | --- | --- | --- |\n|${v.Severity}|${v.PkgName}|${fixed}|${link}|\n\n${v.Description ?? ''}`
        },
        properties: {
          ...(cvss.V2Score !== undefined ? { cvssv2_score: cvss.V2Score, cvssv2_vector: cvss.V2Vector } : {}),
          ...(cvss.V3Score !== undefined
            ? { cvssv3_baseScore: cvss.V3Score, cvssv3_vector: cvss.V3Vector }
            : {}),
          precision: 'very-high',
          'security-severity': cvss.V3Score !== undefined ? String(cvss.V3Score) : SEVERITY_SCORE[v.Severity],
          tags: ['vulnerability', 'security', v.Severity]
        }
      };
    }
    const uri = os ? artifact : (v.PkgPath ?? result.Target);
    sarifResults.push({
      ruleId: v.VulnerabilityID,
      ruleIndex: index.get(v.VulnerabilityID),
      level: LEVEL[v.Severity],
      message: {
        text: `Package: ${v.PkgName}\nInstalled Version: ${v.InstalledVersion}\nVulnerability ${v.VulnerabilityID}\nSeverity: ${v.Severity}\nFixed Version: ${fixed}\nLink: ${link}`
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri, uriBaseId: 'ROOTPATH' },
            region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 }
          },
          message: { text: `${uri}: ${v.PkgName}@${v.InstalledVersion}` }
        }
      ]
    });
  }
  const meta = report.Metadata ?? {};
  return {
    version: '2.1.0',
    $schema:
      'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            fullName: 'Trivy Vulnerability Scanner',
            informationUri: 'https://github.com/aquasecurity/trivy',
            name: 'Trivy',
            rules,
            version
          }
        },
        results: sarifResults,
        columnKind: 'utf16CodeUnits',
        ...(report.ArtifactType === 'container_image'
          ? {
              properties: {
                imageID: meta.ImageID,
                imageName: artifact,
                repoDigests: meta.RepoDigests ?? null,
                repoTags: meta.RepoTags ?? null
              }
            }
          : {})
      }
    ]
  };
}

const purlRef = p => p.Identifier?.PURL ?? `${p.Name}@${p.Version}`;

function toCycloneDx(report, version, withVulnerabilities) {
  const meta = report.Metadata ?? {};
  const root = randomUUID();
  const os = meta.OS && {
    'bom-ref': randomUUID(),
    type: 'operating-system',
    name: meta.OS.Family,
    version: meta.OS.Name
  };
  const components = [
    ...(os ? [os] : []),
    ...results(report).flatMap(r =>
      (r.Packages ?? []).map(p => ({
        'bom-ref': purlRef(p),
        type: 'library',
        name: p.Name,
        version: [p.Version, p.Release].filter(Boolean).join('-'),
        purl: p.Identifier?.PURL,
        ...(p.Licenses?.length ? { licenses: p.Licenses.map(id => ({ license: { name: id } })) } : {}),
        properties: [
          { name: 'aquasecurity:trivy:PkgID', value: p.ID },
          { name: 'aquasecurity:trivy:PkgType', value: r.Type }
        ]
      }))
    )
  ];
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: new Date().toISOString().replace(/\.\d+Z$/, '+00:00'),
      tools: {
        components: [
          {
            type: 'application',
            manufacturer: { name: 'Aqua Security Software Ltd.' },
            group: 'aquasecurity',
            name: 'trivy',
            version
          }
        ]
      },
      component: {
        'bom-ref': root,
        type: 'container',
        name: report.ArtifactName,
        properties: [
          ...(meta.DiffIDs ?? []).map(d => ({ name: 'aquasecurity:trivy:DiffID', value: d })),
          ...(meta.ImageID ? [{ name: 'aquasecurity:trivy:ImageID', value: meta.ImageID }] : []),
          { name: 'aquasecurity:trivy:SchemaVersion', value: '2' }
        ]
      }
    },
    components,
    dependencies: [{ ref: root, dependsOn: components.map(c => c['bom-ref']) }],
    ...(withVulnerabilities
      ? {
          vulnerabilities: vulnerabilities(report).map(({ v }) => ({
            id: v.VulnerabilityID,
            ratings: [{ severity: v.Severity.toLowerCase() }],
            description: v.Description,
            ...(v.FixedVersion
              ? { recommendation: `Upgrade ${v.PkgName} to version ${v.FixedVersion}` }
              : {}),
            affects: [{ ref: v.PkgIdentifier?.PURL ?? `${v.PkgName}@${v.InstalledVersion}` }]
          }))
        }
      : {})
  };
}

function toSpdx(report, version) {
  const spdxId = text => `SPDXRef-Package-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
  const packages = results(report).flatMap(r =>
    (r.Packages ?? []).map(p => ({
      name: p.Name,
      SPDXID: spdxId(purlRef(p)),
      versionInfo: [p.Version, p.Release].filter(Boolean).join('-'),
      supplier: 'NOASSERTION',
      downloadLocation: 'NONE',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: p.Licenses?.length ? p.Licenses.join(' AND ') : 'NONE',
      externalRefs: p.Identifier?.PURL
        ? [
            {
              referenceCategory: 'PACKAGE-MANAGER',
              referenceType: 'purl',
              referenceLocator: p.Identifier.PURL
            }
          ]
        : []
    }))
  );
  const root = {
    name: report.ArtifactName,
    SPDXID: 'SPDXRef-ContainerImage',
    downloadLocation: 'NONE',
    filesAnalyzed: false,
    primaryPackagePurpose: 'CONTAINER'
  };
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: report.ArtifactName,
    documentNamespace: `http://trivy.dev/container_image/${report.ArtifactName}-${randomUUID()}`,
    creationInfo: {
      creators: ['Organization: aquasecurity', `Tool: trivy-${version}`],
      created: new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    },
    packages: [root, ...packages],
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relatedSpdxElement: root.SPDXID, relationshipType: 'DESCRIBES' },
      ...packages.map(p => ({
        spdxElementId: root.SPDXID,
        relatedSpdxElement: p.SPDXID,
        relationshipType: 'CONTAINS'
      }))
    ]
  };
}

function toTable(report) {
  const lines = [];
  for (const r of results(report)) {
    const vulns = r.Vulnerabilities ?? [];
    const counts = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].map(
      s => `${s}: ${vulns.filter(v => v.Severity === s).length}`
    );
    lines.push('', `${r.Target} (${r.Type})`, '', `Total: ${vulns.length} (${counts.join(', ')})`, '');
    for (const v of vulns)
      lines.push(
        `${v.PkgName}\t${v.VulnerabilityID}\t${v.Severity}\t${v.Status ?? ''}\t${v.InstalledVersion}\t${v.FixedVersion ?? ''}\t${v.Title ?? ''}`
      );
  }
  return `${lines.join('\n')}\n`;
}

/** The text Trivy writes for `--format`; undefined for a format the stand-in does not write. */
export function render(report, format, { version, scannersGiven }) {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(toSarif(report, version), null, 2)}\n`;
    case 'cyclonedx':
      return `${JSON.stringify(toCycloneDx(report, version, scannersGiven), null, 2)}\n`;
    case 'spdx-json':
      return `${JSON.stringify(toSpdx(report, version), null, 2)}\n`;
    case 'table':
      return toTable(report);
    default:
      return undefined;
  }
}
