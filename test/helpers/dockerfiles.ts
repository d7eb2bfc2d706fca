import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BUSYBOX } from './docker.js';
import type { BuildOptions, Builder } from '../../src/builder/contract.js';

/** Writes a build context: a Dockerfile from lines, a .dockerignore, and any other files. */
export async function context(
  dir: string,
  dockerfile: string[],
  files: Record<string, string> = {}
): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'Dockerfile'), [...dockerfile, ''].join('\n'));
  await writeFile(path.join(dir, '.dockerignore'), '.git\n');
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

/**
 * An image for two platforms without emulation: the build stage runs on the runner's platform
 * and the final one only copies into scratch (a static busybox, the platform in a file).
 */
export const TWO_PLATFORMS = [
  `FROM --platform=$BUILDPLATFORM ${BUSYBOX} AS tools`,
  'ARG TARGETPLATFORM',
  'ARG NONCE',
  'RUN mkdir -p /out/www && echo "$TARGETPLATFORM $NONCE" > /out/www/index.html && echo "$TARGETPLATFORM" > /out/platform && cp /bin/busybox /out/busybox',
  'FROM scratch',
  'COPY --from=tools /out/ /',
  'EXPOSE 8080',
  'HEALTHCHECK CMD ["/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]',
  'USER 65534',
  'CMD ["/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]'
];

/** No build-push-action build inputs, or the ones given. */
export const buildOptions = (extra: Partial<BuildOptions> = {}): BuildOptions => ({
  secrets: [],
  ssh: [],
  buildContexts: {},
  network: '',
  addHosts: [],
  shmSize: '',
  ulimits: [],
  pull: false,
  ...extra
});

/** A buildx builder on Docker 28, as detectBuilder reports one. */
export const builder = (extra: Partial<Builder> = {}): Builder => ({
  kind: 'buildx',
  client: '28.5.2',
  server: '28.5.2',
  driver: 'docker',
  buildx: '0.29.1',
  store: 'classic',
  native: 'linux/amd64',
  ...extra
});
