/** Where on the image an OCI annotation goes, as buildx's `--annotation level:key=value` names it. */
const LEVEL = '(?:manifest|index|manifest-descriptor|index-descriptor)(?:\\[[^\\]]+\\])?';

/** The grammar, compiled once: a whole level, and a level before an annotation's key. */
export const LEVEL_ONLY = new RegExp(`^${LEVEL}$`);
export const LEVEL_PREFIX = new RegExp(`^(${LEVEL}):`);

export const isAnnotationLevel = (value: string): boolean => LEVEL_ONLY.test(value);

/** The level an annotation is written with (`index:key=value` → `index`), if any. */
export const levelOf = (annotation: string): string | undefined => LEVEL_PREFIX.exec(annotation)?.[1];
