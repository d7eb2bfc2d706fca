/**
 * node:crypto, loaded at the first call: loading it takes about 6 ms, and the modules using these
 * are loaded before the first docker call but hash or draw random bytes only after it.
 */
const crypto = () => process.getBuiltinModule('node:crypto');

/** `n` random bytes as hex: tokens and labels nobody can guess. */
export const randomHex = (n: number): string => crypto().randomBytes(n).toString('hex');

/** The SHA-256 of some bytes, as hex. */
export const sha256Hex = (bytes: Buffer): string => crypto().createHash('sha256').update(bytes).digest('hex');
