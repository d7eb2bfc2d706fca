/** Shipshape's own version, as package.json gives it (test/version.test.ts keeps them equal). */
export const SHIPSHAPE_VERSION = '0.1.0';
