import { describe, expect, test } from '@jest/globals';
import {
  attestCall,
  cosignTags,
  signCall,
  signMode,
  verifyCommands,
  type SignSettings
} from '../../src/supply-chain/cosign.js';
import { getInputs } from '../../src/action/inputs/inputs.js';
import { cosignPin } from '../../src/supply-chain/install.js';

// Keyless signing needs Fulcio and Rekor, which this machine cannot reach: its mode choice,
// arguments and verify commands are checked here; key signing runs for real in test/e2e.
const KEY =
  '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----';
const settings = (extra: Partial<SignSettings> = {}): SignSettings => ({
  sign: 'auto',
  cosignKey: '',
  cosignPassword: '',
  transparencyLog: true,
  ...extra
});
const OIDC = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req-token'
};
const REF = 'ghcr.io/acme/app@sha256:' + 'b'.repeat(64);

describe('which way a run signs', () => {
  test.each<[string, Partial<SignSettings>, Record<string, string>, ReturnType<typeof signMode>]>([
    ['auto with id-token: write: keyless', {}, OIDC, { mode: 'keyless' }],
    ['auto with id-token: write and a key: keyless', { cosignKey: KEY }, OIDC, { mode: 'keyless' }],
    ['auto without id-token but with a key: the key', { cosignKey: KEY }, {}, { mode: 'key' }],
    [
      'auto with neither: not signed, and says why',
      {},
      {},
      {
        note: 'not signed: the job has no `id-token: write` permission and no cosign-key is set (sign: auto)'
      }
    ],
    [
      'auto without the transparency log: the key',
      { cosignKey: KEY, transparencyLog: false },
      OIDC,
      { mode: 'key' }
    ],
    ['key', { sign: 'key', cosignKey: KEY }, OIDC, { mode: 'key' }],
    ['false', { sign: 'false', cosignKey: KEY }, OIDC, { note: 'not signed: sign is false' }]
  ])('%s', (_name, extra, env, expected) => {
    expect(signMode(settings(extra), env)).toEqual(expected);
  });

  test('keyless without an OIDC token, or without the transparency log, is refused with the inputs', () => {
    const read = (values: Record<string, string>) => (name: string) => values[name] ?? '';
    const env = { GITHUB_WORKSPACE: '/work/repo' };
    expect(() => getInputs(read({ sign: 'keyless' }), env)).toThrow('permissions: id-token: write');
    expect(() =>
      getInputs(read({ sign: 'keyless', 'transparency-log': 'false' }), { ...env, ...OIDC })
    ).toThrow('keyless needs transparency-log');
    expect(getInputs(read({ sign: 'keyless' }), { ...env, ...OIDC }).sign).toBe('keyless');
  });
});

describe('the cosign calls', () => {
  test('keyless: GitHub Actions as the OIDC provider, the digest, never a tag', () => {
    expect(signCall('keyless', settings(), REF)).toEqual({
      args: ['sign', '--yes', '--oidc-provider', 'github-actions', REF],
      env: {}
    });
  });

  test('key: the key and its password only in the environment, never in argv', () => {
    const call = signCall('key', settings({ cosignKey: KEY, cosignPassword: 'pw-secret' }), REF);
    expect(call.args).toEqual(['sign', '--yes', '--key', 'env://COSIGN_PRIVATE_KEY', REF]);
    expect(call.env).toEqual({ COSIGN_PRIVATE_KEY: KEY, COSIGN_PASSWORD: 'pw-secret' });
    expect(call.args.join(' ')).not.toContain('pw-secret');
  });

  test('no transparency log and a registry on this machine: said to cosign', () => {
    const local = '127.0.0.1:5000/acme/app@sha256:' + 'c'.repeat(64);
    expect(
      attestCall('key', settings({ cosignKey: KEY, transparencyLog: false }), local, '/out/sbom.cdx.json')
        .args
    ).toEqual([
      'attest',
      '--yes',
      '--key',
      'env://COSIGN_PRIVATE_KEY',
      '--tlog-upload=false',
      '--allow-http-registry',
      '--type',
      'cyclonedx',
      '--predicate',
      '/out/sbom.cdx.json',
      local
    ]);
  });

  test('verify commands: the workflow identity and GitHub’s issuer for keyless; the public key for key', () => {
    const env = { GITHUB_WORKFLOW_REF: 'acme/app/.github/workflows/ship.yml@refs/heads/main' };
    expect(verifyCommands('keyless', settings(), REF, env)).toEqual({
      signature: `cosign verify --certificate-identity https://github.com/acme/app/.github/workflows/ship.yml@refs/heads/main --certificate-oidc-issuer https://token.actions.githubusercontent.com ${REF}`,
      attestation: `cosign verify-attestation --certificate-identity https://github.com/acme/app/.github/workflows/ship.yml@refs/heads/main --certificate-oidc-issuer https://token.actions.githubusercontent.com --type cyclonedx ${REF}`
    });
    expect(verifyCommands('key', settings({ transparencyLog: false }), REF, env).signature).toBe(
      `cosign verify --key cosign.pub --insecure-ignore-tlog=true ${REF}`
    );
  });

  test('where cosign stores a digest’s signature and attestation', () => {
    expect(cosignTags('ghcr.io/acme/app', `sha256:${'d'.repeat(64)}`)).toEqual({
      signature: `ghcr.io/acme/app:sha256-${'d'.repeat(64)}.sig`,
      attestation: `ghcr.io/acme/app:sha256-${'d'.repeat(64)}.att`
    });
  });

  test('cosign is pinned for linux/x64 (2.5.0) and linux/arm64 (2.4.1); elsewhere cosign-path is asked for', () => {
    expect(cosignPin('linux', 'x64')).toEqual({
      asset: 'cosign-linux-amd64',
      version: '2.5.0',
      sha256: '1f6c194dd0891eb345b436bb71ff9f996768355f5e0ce02dde88567029ac2188'
    });
    expect(cosignPin('linux', 'arm64')).toEqual({
      asset: 'cosign-linux-arm64',
      version: '2.4.1',
      sha256: '3b2e2e3854d0356c45fe6607047526ccd04742d20bd44afb5be91fa2a6e7cb4a'
    });
    expect(() => cosignPin('darwin', 'arm64')).toThrow('set cosign-path');
  });
});
