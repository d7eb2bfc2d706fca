import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * JSON that another job or a fork wrote (a saved report, a platform result): read only from a
 * regular file within a size bound (a link is not followed), its nesting bounded before it is
 * parsed. Errors name the input and never echo the content.
 */

/** The file's text, if it is a regular file of at most `maxBytes`; `what` names it in errors. */
export async function readBounded(file: string, what: string, maxBytes: number): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(
    (error: NodeJS.ErrnoException) => {
      throw new Error(
        error.code === 'ELOOP'
          ? `${what} is a symbolic link: not followed`
          : `${what} cannot be read (${error.code})`
      );
    }
  );
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error(`${what} is not a regular file`);
    if (stat.size > maxBytes)
      throw new Error(`${what} is ${stat.size} bytes, over the ${maxBytes} it may have`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** How deep the JSON's arrays and objects nest, found in one pass without parsing it. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') deepest = Math.max(deepest, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return deepest;
}

/** Parsed JSON of at most `maxDepth` levels; `refuse` makes the error for what does not fit. */
export function parseBounded(text: string, maxDepth: number, refuse: (why: string) => Error): unknown {
  if (nestingDepth(text) > maxDepth) throw refuse(`it nests deeper than ${maxDepth} levels`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw refuse('it is not JSON');
  }
}
