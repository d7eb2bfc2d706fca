/** One `cache-from`/`cache-to` entry in docker/build-push-action's grammar. */
export interface CacheSpec {
  type: 'registry' | 'local' | 'inline' | 'gha' | 's3' | 'azblob';
  attrs: Record<string, string>;
  /** Its credentials, as the environment variables buildx reads them from: never on a command line. */
  env?: Record<string, string>;
}

/**
 * A build secret (`RUN --mount=type=secret,id=…`): from an input's value (handed to buildx
 * through its environment), an environment variable, or a file. Never on a command line.
 */
export type BuildSecret =
  { id: string; value: string } | { id: string; env: string } | { id: string; file: string };

/** What build-push-action's build inputs ask of the build beyond the Dockerfile and its context. */
export interface BuildOptions {
  secrets: BuildSecret[];
  /** `default`, `id`, `id=socket-or-key[,key]`: SSH agents or keys for `RUN --mount=type=ssh`. */
  ssh: string[];
  /** Named contexts (`name=docker-image://…`, `name=path`, `name=https://…`). */
  buildContexts: Record<string, string>;
  /** `default`, `none`, `host`, or empty for the builder's own default. */
  network: string;
  /** `host:ip` entries for /etc/hosts during RUN. */
  addHosts: string[];
  /** `/dev/shm` size for RUN, e.g. `2g`. */
  shmSize: string;
  /** `type=soft[:hard]`. */
  ulimits: string[];
  /** Always look for a newer base image. */
  pull: boolean;
}

/** `provenance`: attach SLSA provenance (`min`/`max`), never (`false`), or where the builder can (`auto`). */
export type ProvenanceMode = 'auto' | 'false' | 'min' | 'max';

export type BuilderKind = 'buildx' | 'buildkit' | 'classic';

export interface Builder {
  kind: BuilderKind;
  /** The buildx builder asked for by name (`builder` input); unset for the current one. */
  name?: string;
  /** The CLI's version: asked for only without buildx, where it decides the builder. */
  client?: string;
  server: string;
  /** buildx's driver for the current builder: `docker`, `docker-container`, `remote`, `kubernetes`. */
  driver?: string;
  buildx?: string;
  /** The daemon's image store: `containerd` holds indexes and attestations, `classic` does not. */
  store: 'classic' | 'containerd';
  /** The platform the runner runs natively, e.g. `linux/amd64`. */
  native: string;
}

/** One of BuildKit's build checks that fired: its rule (e.g. `FromAsCasing`) and the line it names. */
export interface CheckWarning {
  ruleName: string;
  line: number;
  /** What the rule asks for, the same for every warning of the rule. */
  description?: string;
  /** What is wrong at this line. */
  detail?: string;
}

/**
 * A registry cache saved once the gates pass: the export BuildKit wrote to `dir` during the build,
 * uploaded; or, without `dir`, the pushed image itself (its cache inline) tagged `ref`.
 */
export interface CacheUpload {
  dir?: string;
  ref: string;
}

/**
 * Where one Dockerfile step's result came from: `built` in this build; reused from BuildKit's
 * cache on this `runner` (nothing pulled for it); or from an `imported` cache, its layers pulled.
 */
export interface StepSource {
  /** The step as BuildKit names it, e.g. `[2/4] RUN echo ok` (at most 120 characters). */
  step: string;
  from: 'built' | 'runner' | 'imported';
}

/** What the build cache did for this run. */
export interface BuildCache {
  /** Dockerfile steps run or reused (FROM lines excluded), and how many were reused. */
  steps: number;
  cached: number;
  imported: string[];
  missing: { ref: string; reason: string }[];
  sources: StepSource[];
  /** Where this run's cache goes: inline in the image, or registry caches uploaded after the gates. */
  exports: string[];
  uploads: CacheUpload[];
}

/** build: the one image every tag points at, as it was built. */
export interface BuildResult {
  /** The local image id: the config digest on the classic store, the manifest or index digest on containerd. */
  imageId: string;
  /**
   * The manifest or index digest that will be pushed, known before the push where the store or
   * layout holds one (containerd store, OCI layout); the classic store makes it only when pushing.
   */
  digest?: string;
  platforms: string[];
  /**
   * Each platform's image manifest digest, where the store or layout knows them (not the classic
   * store): the image itself, whatever attestations (with their build times) sit beside it.
   */
  manifests?: string[];
  /** The OCI layout holding the image, when the builder wrote one instead of loading it. */
  layout?: string;
  /** Whether the runner's own platform was built, so the image can run here. */
  runnable: boolean;
  /** Provenance attached to the image, and why none was when it was not. */
  provenance?: 'min' | 'max';
  notes: string[];
  cache?: BuildCache;
  sizeBytes?: number;
  /** The image the built stage starts from. */
  base?: BaseImage;
  builder: Builder;
  durationMs: number;
}

/** The image the built stage starts from, and the digest the build used when known. */
export interface BaseImage {
  /** As the Dockerfile names it, build args substituted. */
  reference: string;
  digest?: string;
  /** The Dockerfile pins it by digest: only a new pin moves it. */
  pinned: boolean;
  /** The FROM line. */
  line: number;
}
