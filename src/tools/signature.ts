import * as tc from '@actions/tool-cache';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { lastLines, runProcess } from '../common/process.js';
import type { ReleaseSigner } from './pins.js';

/** Trivy's docs have verified its bundles both ways; a bundle verifies with one of them. */
const COMMANDS = ['verify-blob', 'verify-blob-attestation'] as const;

/** The cosign arguments that check a release asset against its sigstore bundle (pure). */
export function verifyArgs(
  command: (typeof COMMANDS)[number],
  asset: string,
  bundle: string,
  identity: { issuer: string; identity: string },
  cosignMajor: number
): string[] {
  return [
    command,
    asset,
    '--bundle',
    bundle,
    '--certificate-oidc-issuer',
    identity.issuer,
    '--certificate-identity',
    identity.identity,
    // cosign 2 reads the sigstore bundle format only when told; cosign 3 always does.
    ...(cosignMajor < 3 ? ['--new-bundle-format'] : [])
  ];
}

/** Output of a cosign that could not reach Sigstore (its trust root, its log) rather than one that found a bad signature. */
export const unreachable = (output: string): boolean =>
  /dial tcp|no such host|i\/o timeout|TLS handshake timeout|connection refused|network is unreachable|context deadline exceeded/i.test(
    output
  );

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (
      await access(candidate).then(
        () => true,
        () => false
      )
    )
      return candidate;
  }
  return undefined;
}

/**
 * Checks a downloaded release asset against its sigstore bundle with the runner's cosign.
 * Returns what was checked, for the report. A signature that does not verify refuses the
 * asset; a runner without cosign, or without a way to reach Sigstore, says it was not checked.
 */
export async function verifyRelease(
  archive: string,
  asset: string,
  version: string,
  assetUrl: string,
  tool: { title: string; signer: ReleaseSigner }
): Promise<string> {
  const { signer } = tool;
  const bundleUrl = signer.bundle(assetUrl);
  const cosign = await onPath('cosign');
  if (!cosign) return 'signature not checked: no cosign on this runner';
  let bundle: string;
  try {
    bundle = await tc.downloadTool(bundleUrl);
  } catch (error) {
    return `signature not checked: ${asset}.sigstore.json could not be downloaded (${(error as Error).message})`;
  }
  const reported = await runProcess(cosign, ['version'], { timeoutMs: 30_000 });
  const major = Number(/GitVersion:\s*v?(\d+)/.exec(reported.stdout)?.[1] ?? 3);
  const outputs: string[] = [];
  for (const command of COMMANDS) {
    const identity = { issuer: signer.issuer, identity: signer.identity(version) };
    const result = await runProcess(cosign, verifyArgs(command, archive, bundle, identity, major), {
      timeoutMs: 120_000
    });
    if (result.exitCode === 0)
      return `sigstore signature of ${tool.title}'s release workflow, checked with cosign ${command}`;
    outputs.push(`${result.stderr}\n${result.stdout}`);
  }
  if (outputs.every(unreachable)) {
    return `signature not checked: cosign could not reach Sigstore (${lastLines(outputs[0], 1)})`;
  }
  throw new Error(
    `the sigstore signature of ${asset} does not verify: refusing to run it\n${lastLines(outputs.join('\n'), 4)}`
  );
}
