import type { ParsedDockerfile } from '../../dockerfile/parse.js';
import { baseImageOf } from '../../dockerfile/stages.js';
import { parseImageName, splitTag } from '../../registry/reference.js';
import type { BaseImage } from '../contract.js';

/** `python:3.12` → `docker.io/library/python:3.12`, as BuildKit names images in its log. */
function qualified(reference: string): string {
  const { image, tag } = splitTag(reference);
  const { registry, repository } = parseImageName(image);
  return `${registry}/${repository}:${tag}`;
}

/**
 * The base image of the built stage and the digest the build resolved it to (pure): a digest
 * pinned in the Dockerfile, else the one BuildKit's log names on its FROM step
 * (`FROM docker.io/library/python:3.12@sha256:…`). The classic builder logs no digest.
 */
export function baseImage(
  dockerfile: ParsedDockerfile,
  buildArgs: Record<string, string>,
  target: string,
  log: string
): BaseImage | undefined {
  const base = baseImageOf(dockerfile, buildArgs, target || undefined);
  if (!base) return undefined;
  const pinned = /@(sha256:[a-f0-9]{64})$/.exec(base.reference)?.[1];
  if (pinned) return { ...base, digest: pinned, pinned: true };
  const wanted = qualified(base.reference);
  for (const [, name, digest] of log.matchAll(/\bFROM (\S+)@(sha256:[a-f0-9]{64})\s*$/gm)) {
    if (qualified(name) === wanted) return { ...base, digest, pinned: false };
  }
  return { ...base, pinned: false };
}
