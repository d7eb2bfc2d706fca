/** Where on the image an OCI annotation goes, as buildx's `--annotation level:key=value` names it. */
const LEVEL = '(?:manifest|index|manifest-descriptor|index-descriptor)(?:\\[[^\\]]+\\])?';

export const isAnnotationLevel = (value: string): boolean => new RegExp(`^${LEVEL}$`).test(value);

/** The level an annotation is written with (`index:key=value` → `index`), if any. */
export const levelOf = (annotation: string): string | undefined =>
  new RegExp(`^(${LEVEL}):`).exec(annotation)?.[1];
