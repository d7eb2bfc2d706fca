import * as core from '@actions/core';
import { lastLines, runProcess } from '../common/process.js';
import { redact } from '../common/untrusted.js';
import {
  attestCall,
  cosignTags,
  signCall,
  signMode,
  verifyCommands,
  type CosignCall,
  type SignSettings
} from './cosign.js';
import { installCosign } from './install.js';
import type { PushResult } from '../push/contract.js';
import type { ScanResult } from '../scan/contract.js';
import { SHIPSHAPE_VERSION } from '../common/version.js';
import type { SbomFormat, SbomResult, SignResult } from './contract.js';
import { writeSbom } from './sbom.js';

const COSIGN_TIMEOUT_MS = 5 * 60_000;

async function cosign(bin: string, call: CosignCall, what: string): Promise<void> {
  const result = await runProcess(bin, call.args, { env: call.env, timeoutMs: COSIGN_TIMEOUT_MS });
  if (result.exitCode !== 0 || result.timedOut) {
    throw new Error(
      redact(
        `cosign ${what} failed (exit ${result.exitCode}):\n${lastLines(result.stderr || result.stdout, 6)}`
      )
    );
  }
}

type Cosign = { path: string; version: string };

/** Installs cosign when the run will sign: needs no image, so it runs while the image builds. */
export async function prepareSigning(
  settings: SignSettings & { cosignPath: string },
  env: Record<string, string | undefined> = process.env
): Promise<Cosign | undefined> {
  return signMode(settings, env).mode ? installCosign(settings.cosignPath) : undefined;
}

/**
 * Signs the pushed digest in every registry it went to, and attests the scan's CycloneDX SBOM
 * to it: only ever the digest (tags move), and only after the gates passed and the push
 * succeeded, which is the only way main reaches this stage.
 */
export async function signStage(
  settings: SignSettings & { cosignPath: string },
  push: PushResult,
  sbom: SbomResult | undefined,
  env: Record<string, string | undefined> = process.env,
  prepared?: Promise<Cosign | undefined>
): Promise<SignResult> {
  const { mode, note } = signMode(settings, env);
  if (!mode) {
    core.info(note ?? 'not signed');
    return { note, signed: [] };
  }
  // An install that failed while the image built is tried again here, where its error belongs.
  const tool = (await prepared) ?? (await installCosign(settings.cosignPath));
  const attest = sbom?.files.cyclonedx;
  const signed: SignResult['signed'] = [];
  for (const [image, digest] of Object.entries(push.digests)) {
    const reference = `${image}@${digest}`;
    await core.group(`Sign ${reference} (${mode})`, async () => {
      await cosign(tool.path, signCall(mode, settings, reference), 'sign');
      if (attest) await cosign(tool.path, attestCall(mode, settings, reference, attest), 'attest');
    });
    const stored = cosignTags(image, digest);
    signed.push({
      reference,
      signature: stored.signature,
      attestation: attest ? stored.attestation : undefined
    });
  }
  const first = signed[0]?.reference;
  const verify = first ? verifyCommands(mode, settings, first, env) : undefined;
  return {
    mode,
    cosignVersion: tool.version,
    signed,
    verify: verify && { signature: verify.signature, attestation: attest ? verify.attestation : undefined },
    note: attest ? undefined : 'no SBOM attestation: no CycloneDX SBOM was written (sbom, sbom-format)'
  };
}

/** The inputs the SBOM reads (named as in Inputs). */
export interface SbomSettings {
  sbom: 'auto' | 'true' | 'false';
  sbomFormat: SbomFormat[];
}

/** An SBOM describes what is published: by default only runs that push write one. */
export const wantsSbom = (settings: SbomSettings, pushes: boolean): boolean =>
  settings.sbom === 'true' || (settings.sbom === 'auto' && pushes);

/** The SBOM documents of the built image, from the packages its scan listed (none when it listed none). */
export async function sbomStage(
  settings: SbomSettings,
  scan: Pick<ScanResult, 'packages' | 'scanner'>,
  image: { name: string; id: string },
  outputDir: string
): Promise<SbomResult | undefined> {
  if (!scan.packages || !scan.scanner) return undefined;
  const subject = {
    image: image.name,
    imageId: image.id,
    created: new Date(),
    toolVersion: SHIPSHAPE_VERSION
  };
  return writeSbom(scan.packages, { ...subject, scanner: scan.scanner }, settings.sbomFormat, outputDir);
}
