import type { RunReport } from '../../../src/results.js';
import type { SavedReport } from '../../../src/report/fork/schema.js';
import type { Outcome } from '../../../src/report/markdown/render.js';

// The schema and the report's types say the same thing: each is assignable to the other, so a
// field added to a contract and not to the schema (or the reverse) fails the type check.
type Written = RunReport & { reportVersion: 1; outcome: Outcome };
export const everyWrittenReportFits = (report: Written): SavedReport => report;
export const everyAcceptedReportRenders = (saved: SavedReport): Written => saved;
