import { canRequestIdToken } from '../action/event.js';
import { plainHttp } from '../registry/reference.js';

/**
 * cosign invocations for signing a pushed digest and attesting its SBOM (pure): which mode,
 * which arguments, which environment, and the commands a user runs to verify.
 */

export type SignMode = 'keyless' | 'key';

export interface SignSettings {
  sign: 'auto' | 'keyless' | 'key' | 'false';
  cosignKey: string;
  cosignPassword: string;
  transparencyLog: boolean;
}

/** GitHub's OIDC issuer: keyless signatures carry the workflow's identity from it. */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

type Env = Record<string, string | undefined>;

/**
 * How this run signs, or why it does not. `auto` signs keyless when the workflow may mint an
 * OIDC token, else with `cosign-key` when one is given, else not at all (with a note).
 * `keyless` and `key` were checked against the environment when the inputs were read.
 */
export function signMode(settings: SignSettings, env: Env): { mode?: SignMode; note?: string } {
  switch (settings.sign) {
    case 'false':
      return { note: 'not signed: sign is false' };
    case 'key':
      return { mode: 'key' };
    case 'keyless':
      return { mode: 'keyless' };
    case 'auto':
      if (canRequestIdToken(env) && settings.transparencyLog) return { mode: 'keyless' };
      if (settings.cosignKey) return { mode: 'key' };
      return {
        note: 'not signed: the job has no `id-token: write` permission and no cosign-key is set (sign: auto)'
      };
  }
}

export interface CosignCall {
  args: string[];
  env: Record<string, string>;
}

function common(mode: SignMode, settings: SignSettings, reference: string): CosignCall {
  const args = ['--yes'];
  const env: Record<string, string> = {};
  if (mode === 'key') {
    // The key travels in the environment, never in argv or a file left behind.
    args.push('--key', 'env://COSIGN_PRIVATE_KEY');
    env.COSIGN_PRIVATE_KEY = settings.cosignKey;
    env.COSIGN_PASSWORD = settings.cosignPassword;
  } else {
    args.push('--oidc-provider', 'github-actions');
  }
  if (!settings.transparencyLog) args.push('--tlog-upload=false');
  if (plainHttp(reference)) args.push('--allow-http-registry');
  return { args, env };
}

/** `cosign sign` of one pushed digest (`image@sha256:…`), never of a tag. */
export function signCall(mode: SignMode, settings: SignSettings, reference: string): CosignCall {
  const { args, env } = common(mode, settings, reference);
  return { args: ['sign', ...args, reference], env };
}

/** `cosign attest` of the CycloneDX SBOM to one pushed digest. */
export function attestCall(
  mode: SignMode,
  settings: SignSettings,
  reference: string,
  sbom: string
): CosignCall {
  const { args, env } = common(mode, settings, reference);
  return { args: ['attest', ...args, '--type', 'cyclonedx', '--predicate', sbom, reference], env };
}

/** The commands that check the signature and the SBOM attestation, as the summary prints them. */
export function verifyCommands(
  mode: SignMode,
  settings: Pick<SignSettings, 'transparencyLog'>,
  reference: string,
  env: Env
): { signature: string; attestation: string } {
  const who =
    mode === 'key'
      ? ['--key', 'cosign.pub']
      : [
          '--certificate-identity',
          `https://github.com/${env.GITHUB_WORKFLOW_REF ?? `${env.GITHUB_REPOSITORY ?? 'OWNER/REPO'}/.github/workflows/WORKFLOW.yml@REF`}`,
          '--certificate-oidc-issuer',
          GITHUB_ISSUER
        ];
  const flags = [
    ...who,
    ...(settings.transparencyLog ? [] : ['--insecure-ignore-tlog=true']),
    ...(plainHttp(reference) ? ['--allow-http-registry'] : [])
  ];
  const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const line = (parts: string[]): string => parts.map(quote).join(' ');
  return {
    signature: line(['cosign', 'verify', ...flags, reference]),
    attestation: line(['cosign', 'verify-attestation', ...flags, '--type', 'cyclonedx', reference])
  };
}

/** Where cosign stores a digest's signature and attestations: tags named after the digest. */
export function cosignTags(image: string, digest: string): { signature: string; attestation: string } {
  const base = `${image}:${digest.replace(':', '-')}`;
  return { signature: `${base}.sig`, attestation: `${base}.att` };
}
