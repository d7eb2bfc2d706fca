/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  resolver: 'ts-jest-resolver',
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'test/tsconfig.json' }]
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/helpers/cleanup.ts'],
  // Integration tests share one Docker daemon on a 2-core machine, and much of their time is
  // waiting (health checks, retries, a registry restarted): a third worker fills those waits.
  maxWorkers: 3,
  testTimeout: 120000
};
