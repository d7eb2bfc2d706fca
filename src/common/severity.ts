/** Trivy's severities, least severe first: the one order and rank behind gates, tables and annotations. */
export const SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** A gate threshold: the lowest severity that blocks, or `none`. */
export type Threshold = Severity | 'none';
export type Counts = Record<Severity, number>;

/** Most severe first, the order reports list them in. */
export const MOST_SEVERE_FIRST: readonly Severity[] = [...SEVERITIES].reverse();

export const rank = (severity: Severity): number => SEVERITIES.indexOf(severity);

export function atOrAbove(severity: Severity, threshold: Threshold): boolean {
  return threshold !== 'none' && rank(severity) >= rank(threshold);
}

/** A severity from any spelling; undefined when it is none of the five. */
export function toSeverity(value: string | undefined): Severity | undefined {
  const upper = (value ?? '').toUpperCase();
  return SEVERITIES.find(s => s === upper);
}

export const emptyCounts = (): Counts => ({ UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 });

export function countBySeverity(items: { severity: Severity }[]): Counts {
  const counts = emptyCounts();
  for (const item of items) counts[item.severity]++;
  return counts;
}
