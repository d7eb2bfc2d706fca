import type { Inputs } from './inputs.js';

/** The password of a URL's `user:password@` part (`postgres://app:pw@db/app`), if the value is such a URL. */
function urlPassword(value: string): string[] {
  try {
    const { password } = new URL(value);
    return password ? [decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}

/**
 * Every input value that is a secret; a key's lines one by one (the runner masks line by line),
 * and the password inside a smoke-env URL on its own, as the app may print it alone.
 */
export function secretsOf(inputs: Inputs): string[] {
  const smokeValues = Object.values(inputs.smokeEnv);
  return [
    inputs.password,
    inputs.githubToken,
    inputs.cosignPassword,
    inputs.cosignKey,
    ...inputs.cosignKey.split('\n'),
    ...smokeValues,
    ...smokeValues.flatMap(urlPassword),
    ...inputs.buildSecretValues.flatMap(v => [v, ...v.split('\n')]),
    ...[...inputs.cacheFrom, ...inputs.cacheTo].flatMap(spec => Object.values(spec.env ?? {}))
  ];
}
