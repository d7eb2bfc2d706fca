import parse from 'semver/functions/parse.js';
import valid from 'semver/functions/valid.js';

/** What type=semver rules read versions with; loaded only for runs that have such a rule. */
export const semver = { parse, valid };
export type Semver = typeof semver;
