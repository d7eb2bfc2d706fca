import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * JSON that another job or a fork wrote (a saved report, a platform result): read only from a
 * regular file within a size bound (a link is not followed), its nesting bounded before it is
 * parsed. Errors name the input and never echo the content.
 */

/** Bounds on such a file before it is parsed: its size, and how deep its JSON nests. */
export const MAX_JSON_BYTES = 10 * 1024 * 1024;
const MAX_DEPTH = 32;

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

/**
 * JSON of bounded depth that fits `schema`; `refuse` makes the error for what does not fit, which
 * names where (the first schema error's path), never what the text held.
 */
export function parseChecked<T extends TSchema>(
  text: string,
  schema: T,
  refuse: (why: string) => Error
): Static<T> {
  if (nestingDepth(text) > MAX_DEPTH) throw refuse(`it nests deeper than ${MAX_DEPTH} levels`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw refuse('it is not JSON');
  }
  const error = Value.Errors(schema, json).First();
  if (error) throw refuse(`${error.path.replace(/[^\w/-]/g, '?').slice(0, 120) || '/'}: ${error.message}`);
  return json;
}
