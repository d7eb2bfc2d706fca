// `npm run mutate`: StrykerJS on the modules that decide trust, run against the fast suites that
// test them (no Docker needed). scripts/mutation-scores.mjs then prints a score per module.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    configFile: 'jest.config.js',
    config: {
      testMatch: [
        '<rootDir>/test/gate.test.ts',
        '<rootDir>/test/common/untrusted.test.ts',
        '<rootDir>/test/common/severity.test.ts',
        '<rootDir>/test/push/release.test.ts',
        '<rootDir>/test/plan/policy.test.ts',
        '<rootDir>/test/action/inputs/inputs.test.ts',
        '<rootDir>/test/action/inputs/build-options.test.ts',
        '<rootDir>/test/action/inputs/input-map.test.ts',
        '<rootDir>/test/action/inputs/input-values.test.ts',
        '<rootDir>/test/action/inputs/readers.test.ts',
        '<rootDir>/test/report/markdown/writer.test.ts'
      ]
    }
  },
  mutate: [
    'src/common/untrusted.ts',
    'src/common/verdict.ts',
    'src/gate.ts',
    'src/plan/policy.ts',
    'src/push/release.ts',
    'src/common/severity.ts',
    'src/action/inputs/inputs.ts',
    'src/action/inputs/readers.ts',
    'src/action/inputs/input-values.ts',
    'src/action/inputs/build-options.ts',
    'src/report/markdown/writer.ts'
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  timeoutMS: 10000
};
