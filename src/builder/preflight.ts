import { levelOf } from '../common/annotation-levels.js';
import type { Capabilities } from './detect.js';
import type { BuildOptions, Builder, ProvenanceMode } from './contract.js';

const WAYS_OUT =
  'Either turn on the containerd image store (docker/setup-docker-action with daemon-config ' +
  '{"features":{"containerd-snapshotter":true}}), or build with a docker-container builder ' +
  '(docker/setup-buildx-action).';

export interface Preflight {
  /** The `--provenance` value to pass, if any. */
  provenance?: 'min' | 'max' | 'false';
  notes: string[];
}

/** The build inputs a builder without BuildKit (or without buildx) cannot honour, and why. */
function unsupportedOptions(options: BuildOptions, builder: Builder): string | undefined {
  const asked = [
    options.secrets.length > 0 && builder.kind === 'classic' && 'secrets',
    options.ssh.length > 0 && builder.kind === 'classic' && 'ssh',
    Object.keys(options.buildContexts).length > 0 && builder.kind !== 'buildx' && 'build-contexts'
  ].filter(Boolean);
  if (asked.length === 0) return undefined;
  const lacks =
    builder.kind === 'classic'
      ? 'has no BuildKit (the classic builder has no RUN --mount secrets, ssh or named contexts)'
      : 'has no buildx (named build contexts need buildx 0.8 or later)';
  return `input${asked.length > 1 ? 's' : ''} ${asked.map(a => `"${a}"`).join(', ')}: this runner's Docker CLI ${builder.client} ${lacks}; install docker buildx, as on GitHub-hosted runners`;
}

/**
 * Refuses, before anything is built, what this builder cannot do; decides the provenance to
 * attach (pure). `provenance: auto` attaches mode=min where the builder can hold attestations.
 */
export function preflight(
  settings: { platforms: string[]; provenance: ProvenanceMode; buildOptions: BuildOptions },
  builder: Builder,
  caps: Capabilities
): Preflight {
  const { platforms } = settings;
  const unsupported = unsupportedOptions(settings.buildOptions, builder);
  if (unsupported) throw new Error(unsupported);
  if (platforms.length > 0 && builder.kind !== 'buildx') {
    throw new Error(
      `input "platforms" needs docker buildx, which this runner's Docker CLI ${builder.client} lacks`
    );
  }
  const store = `${builder.store} image store with the ${builder.driver ?? 'docker'} driver`;
  if (platforms.length > 1 && !caps.multiPlatform) {
    throw new Error(
      `input "platforms" (${platforms.join(', ')}) needs a builder that can hold a multi-platform image, ` +
        `and this runner's Docker uses the ${store}, which cannot. ${WAYS_OUT}`
    );
  }
  const asked = settings.provenance === 'min' || settings.provenance === 'max';
  if (asked && !caps.attestations) {
    throw new Error(
      `input "provenance" (mode=${settings.provenance}) needs a builder that can attach attestations, ` +
        `and this runner's Docker uses the ${store}, which cannot. ${WAYS_OUT}`
    );
  }
  if (builder.kind !== 'buildx') return { notes: ['no provenance: attestations need docker buildx'] };
  if (settings.provenance === 'false')
    return { provenance: 'false', notes: ['no provenance: provenance is false'] };
  if (asked) return { provenance: settings.provenance as 'min' | 'max', notes: [] };
  return caps.attestations
    ? { provenance: 'min', notes: [] }
    : { provenance: 'false', notes: [`no provenance: the ${store} cannot hold attestations`] };
}

/**
 * The annotations this builder can put on the image it pushes (pure), and why any are left
 * out: they need buildx and a store that keeps manifests as built (the containerd store or
 * an OCI layout), and `index:` ones need an index, which one platform does not make.
 */
export function buildAnnotations(
  annotations: string[],
  builder: Builder,
  caps: Capabilities,
  platforms: string[]
): { annotations: string[]; dropped?: string } {
  if (annotations.length === 0) return { annotations };
  if (builder.kind !== 'buildx') return { annotations: [], dropped: 'annotations need docker buildx' };
  if (caps.output !== 'layout' && builder.store !== 'containerd') {
    return {
      annotations: [],
      dropped: 'the classic image store keeps no manifest annotations (the labels carry the same keys)'
    };
  }
  if (platforms.length > 1) return { annotations };
  const kept = annotations.filter(a => !levelOf(a)?.startsWith('index'));
  return kept.length === annotations.length
    ? { annotations }
    : {
        annotations: kept,
        dropped: 'index annotations need a multi-platform build (one platform makes no index)'
      };
}
