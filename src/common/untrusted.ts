import * as core from '@actions/core';
import { randomHex } from './lazy-crypto.js';

/**
 * The one way out for text Shipshape does not control (container logs, health-probe output,
 * build output, tool messages, anything from the image or the pull request): secrets are
 * redacted from it, and in the step log it is inert, so no line of it can act as a workflow
 * command (`::add-mask::`, `::error …::`, `::stop-commands::`, `##[…]`).
 */

const secrets = new Set<string>();

/** Shorter values (flags such as `1`, `on`, `dev`) would blot out every such string everywhere. */
export const MIN_SECRET_LENGTH = 4;

/** A value that must never be shown: masked by the runner, redacted from all Shipshape writes. */
export function addSecret(value: string): void {
  if (value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  secrets.add(value);
  core.setSecret(value);
}

/**
 * Secrets by their shape, whoever printed them. Each pattern can start only where the one
 * before it could not (a lookbehind) and runs a bounded length: redaction stays linear in the
 * text, however long a log a container prints.
 */
const SHAPES: [RegExp, string][] = [
  [/(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}(?![A-Za-z0-9_])/g, '***'],
  [/(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}/g, '***'],
  [/(?<![A-Za-z0-9_])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9_])/g, '***'],
  [/(?<![A-Za-z0-9_])xox[abprs]-[A-Za-z0-9-]{10,255}/g, '***'],
  [/(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,16384}\.[A-Za-z0-9_-]{8,4096}/g, '***'],
  // The password of a URL's user:password@ part.
  [/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@]{1,256}:)[^\s@/]{1,256}@/gi, '$1***@']
];

const KEY_BEGIN = /-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----/g;
const KEY_END = /-----END [A-Z ]{0,40}PRIVATE KEY-----/g;

/** PEM private keys, each from its BEGIN line to the END line after it, found in one pass. */
function withoutPrivateKeys(text: string): string {
  let out = '';
  let from = 0;
  KEY_BEGIN.lastIndex = 0;
  for (let begin = KEY_BEGIN.exec(text); begin; begin = KEY_BEGIN.exec(text)) {
    KEY_END.lastIndex = KEY_BEGIN.lastIndex;
    const end = KEY_END.exec(text);
    // No END after this BEGIN: none after any later BEGIN either.
    if (!end) break;
    out += `${text.slice(from, begin.index)}***`;
    from = KEY_BEGIN.lastIndex = KEY_END.lastIndex;
  }
  return out + text.slice(from);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  out = withoutPrivateKeys(out);
  for (const [shape, replacement] of SHAPES) out = out.replace(shape, replacement);
  return out;
}

/** Every string inside a JSON value redacted (reports, SARIF). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

/**
 * Opens a span of the step log in which the runner processes no workflow command but the one
 * that closes it, named by a token nobody can guess. Our own commands must wait for `end()`.
 */
export function inertSpan(): { write: (text: string) => void; end: () => void } {
  const token = randomHex(16);
  process.stdout.write(`::stop-commands::${token}\n`);
  return {
    write: text => void process.stdout.write(`${redact(text)}\n`),
    end: () => void process.stdout.write(`::${token}::\n`)
  };
}

/** Prints untrusted text to the step log, redacted and inert, in one write. */
export function logUntrusted(text: string): void {
  const token = randomHex(16);
  process.stdout.write(`::stop-commands::${token}\n${redact(text)}\n::${token}::\n`);
}
