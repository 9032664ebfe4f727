/** @type {import('jest').Config} */
const swcOptions = {
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
  },
  module: { type: 'es6' },
};

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swcOptions] },
  moduleNameMapper: {
    '^@app/([a-z0-9-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/{apps,libs,simulators,bench,scripts}/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/dist-[^/]*/', '/.data/'],
  globalSetup: '<rootDir>/libs/db/test-setup/global-setup.mjs',
  globalTeardown: '<rootDir>/libs/db/test-setup/global-teardown.mjs',
  testTimeout: 30000,
};
