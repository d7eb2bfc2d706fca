import { readFile, writeFile } from 'node:fs/promises';

interface Sarif {
  runs: { automationDetails?: { id?: string } }[];
}

/**
 * One SARIF file from one per platform: every run kept, each with its platform as its
 * automation id, so code scanning keeps them apart.
 */
export async function mergeSarif(parts: { platform: string; path: string }[], output: string): Promise<void> {
  const [first, ...rest] = await Promise.all(
    parts.map(async p => ({ ...p, sarif: JSON.parse(await readFile(p.path, 'utf8')) as Sarif }))
  );
  const tag = (part: typeof first): Sarif['runs'] =>
    part.sarif.runs.map(run => ({ ...run, automationDetails: { id: `shipshape/${part.platform}/` } }));
  const merged = { ...first.sarif, runs: [first, ...rest].flatMap(tag) };
  await writeFile(output, JSON.stringify(merged, null, 2));
}
