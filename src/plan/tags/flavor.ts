import { csvPairs } from '../../common/key-values.js';

export type LatestMode = 'auto' | 'true' | 'false';

/** docker/metadata-action's `flavor` input: defaults that every tag rule shares. */
export interface Flavor {
  latest: LatestMode;
  /** Added before every tag whose rule has no `prefix=` of its own. */
  prefix: string;
  /** Whether the prefix also goes on `latest`. */
  prefixLatest: boolean;
  suffix: string;
  suffixLatest: boolean;
}

/**
 * Parses flavor lines (`latest=auto`, `prefix=app-,onlatest=true`, `suffix=-slim`).
 * `onlatest` applies to the prefix or suffix written before it on the same line; an unknown
 * key is an error, as in metadata-action, so a typo does not silently drop a suffix.
 * The `latest` input, unless `auto`, must agree with the flavor's `latest=` when both are set.
 */
export function parseFlavor(lines: string[], latestInput: LatestMode): Flavor {
  const flavor: Flavor = { latest: 'auto', prefix: '', prefixLatest: false, suffix: '', suffixLatest: false };
  let latestFromFlavor: LatestMode | undefined;
  for (const line of lines.map(l => l.trim()).filter(l => l && !l.startsWith('#'))) {
    const fail = (why: string): Error => new Error(`input "flavor": "${line}" ${why}`);
    let onlatestFor: 'prefix' | 'suffix' | undefined;
    for (const { key, value, field } of csvPairs(line)) {
      if (key === undefined) throw fail(`has "${field}", not key=value`);
      switch (key) {
        case 'latest':
          if (value !== 'auto' && value !== 'true' && value !== 'false') {
            throw fail('sets latest to something other than auto, true or false');
          }
          latestFromFlavor = value;
          break;
        case 'prefix':
        case 'suffix':
          flavor[key] = value;
          onlatestFor = key;
          break;
        case 'onlatest':
          if (value !== 'true' && value !== 'false')
            throw fail('sets onlatest to something other than true or false');
          if (!onlatestFor) throw fail('has onlatest= without a prefix= or suffix= before it');
          flavor[onlatestFor === 'prefix' ? 'prefixLatest' : 'suffixLatest'] = value === 'true';
          break;
        default:
          throw fail(`has an unknown key "${key}" (known: latest, prefix, suffix, onlatest)`);
      }
    }
  }
  if (latestFromFlavor && latestInput !== 'auto' && latestFromFlavor !== latestInput) {
    throw new Error(
      `inputs "latest" (${latestInput}) and "flavor" (latest=${latestFromFlavor}) disagree: set one of them`
    );
  }
  flavor.latest = latestFromFlavor ?? latestInput;
  return flavor;
}
