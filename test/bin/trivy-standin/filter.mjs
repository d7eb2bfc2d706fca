// What Trivy keeps of a report before it writes it: `--severity`, `--ignore-unfixed` (every
// status but `fixed` ignored) and `--ignore-status`, the ignore file (`.trivyignore` lines, or
// `.trivyignore.yaml`), `--pkg-types`, and `Packages` only with `--list-all-pkgs`.
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { FatalError } from './db.mjs';
import { STATUSES } from './flags.mjs';

const today = () => new Date().toISOString().slice(0, 10);

/** Ignore rules: `{ id, paths?, purls?, expired? }` from either form of the ignore file. */
function ignoreRules(file) {
  if (!file || !existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  if (/\.ya?ml$/.test(file)) {
    let doc;
    try {
      doc = parseYaml(text) ?? {};
    } catch (error) {
      throw new FatalError(`unable to read the ignore file ${file}: ${error.message}`);
    }
    return (doc.vulnerabilities ?? []).map(v => ({
      id: String(v.id),
      paths: v.paths,
      purls: v.purls,
      expired: v.expired_at ? String(v.expired_at).slice(0, 10) : undefined
    }));
  }
  return text
    .split('\n')
    .map(line => line.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map(line => {
      const [id, ...options] = line.split(/\s+/);
      const exp = options.find(o => o.startsWith('exp:'))?.slice(4);
      return { id, expired: exp };
    });
}

function ignored(rules, vuln) {
  return rules.some(
    r =>
      r.id === vuln.VulnerabilityID &&
      !(r.expired && r.expired < today()) &&
      (!r.paths || r.paths.includes(vuln.PkgPath)) &&
      (!r.purls || r.purls.some(p => vuln.PkgIdentifier?.PURL?.startsWith(p)))
  );
}

/** The report as Trivy writes it for these flags, and whether anything was left to fail `--exit-code` on. */
export function applyFilters(report, flags) {
  const severities = (flags.severity ?? ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).map(s =>
    s.toUpperCase()
  );
  const ignoredStatuses = new Set(flags['ignore-status'] ?? []);
  if (flags['ignore-unfixed']) for (const s of STATUSES) if (s !== 'fixed') ignoredStatuses.add(s);
  const rules = ignoreRules(flags.ignorefile ?? '.trivyignore');
  const types = flags['pkg-types'] ?? ['os', 'library'];
  let found = 0;
  const results = (report.Results ?? [])
    .filter(r =>
      r.Class === 'os-pkgs' ? types.includes('os') : r.Class !== 'lang-pkgs' || types.includes('library')
    )
    .map(result => {
      const { Packages, Vulnerabilities, ...rest } = result;
      const kept = (Vulnerabilities ?? []).filter(
        v =>
          severities.includes(v.Severity) && !ignoredStatuses.has(v.Status ?? 'unknown') && !ignored(rules, v)
      );
      found += kept.length;
      return {
        ...rest,
        ...(flags['list-all-pkgs'] && Packages ? { Packages } : {}),
        ...(kept.length > 0 ? { Vulnerabilities: kept } : {})
      };
    });
  const top = { ...report };
  delete top.Results;
  return { report: results.length > 0 ? { ...top, Results: results } : top, found };
}
