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
  const andLines = (value: string): string[] => [value, ...value.split('\n')];
  return [
    inputs.password,
    inputs.githubToken,
    inputs.cosignPassword,
    ...andLines(inputs.cosignKey),
    ...smokeValues,
    ...smokeValues.flatMap(urlPassword),
    ...inputs.buildSecretValues.flatMap(andLines),
    ...[...inputs.cacheFrom, ...inputs.cacheTo].flatMap(spec => Object.values(spec.env ?? {}))
  ];
}
