/**
 * One Jest run covers everything: database suites run on SQLite, and again on MySQL/MariaDB
 * when MYSQL_URL is set (see test/support/databases.ts).
 * NestJS 12 ships ES modules only, so @swc/jest transforms them (and the few ESM packages
 * they pull in) to CommonJS.
 */
const esmPackages = ['@nestjs', 'file-type', '@standard-schema', 'strtok3', 'token-types', '@tokenizer', 'uint8array-extras'];

const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/migrations', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  // The portal's Next.js build output (apps/portal/.next) is not test code.
  modulePathIgnorePatterns: ['<rootDir>/apps/portal/.next'],
  transform: { '^.+\\.(t|j|mj)sx?$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper: {
    '^@spot/core$': '<rootDir>/libs/core/src',
    '^@spot/catalog$': '<rootDir>/libs/catalog/src',
    '^@spot/price-list$': '<rootDir>/libs/price-list/src',
    '^@spot/persistence$': '<rootDir>/libs/persistence/src',
    '^@spot/identity$': '<rootDir>/libs/identity/src',
    '^@spot/contracts$': '<rootDir>/libs/contracts/src',
    '^@spot/data-valve$': '<rootDir>/libs/data-valve/src',
    '^@spot/global-risk$': '<rootDir>/libs/global-risk/src',
    '^@spot/redis$': '<rootDir>/libs/redis/src',
    '^@spot/command-tracker$': '<rootDir>/libs/command-tracker/src',
    '^@spot/calculations$': '<rootDir>/libs/calculations/src',
    '^@spot/decisions$': '<rootDir>/libs/decisions/src',
    '^@spot/sentinel$': '<rootDir>/libs/sentinel/src',
    '^@spot/replicas$': '<rootDir>/libs/replicas/src',
    '^@spot/notifications$': '<rootDir>/libs/notifications/src',
    '^@spot/cloud$': '<rootDir>/libs/cloud/src',
    '^@spot/continuity$': '<rootDir>/libs/continuity/src',
    '^@spot/demo-fleet$': '<rootDir>/libs/demo-fleet/src',
    '^@spot/market-model$': '<rootDir>/libs/market-model/src',
    '^@spot/learning$': '<rootDir>/libs/learning/src',
    '^@spot/backtest$': '<rootDir>/libs/backtest/src',
    '^@spot/price-trace$': '<rootDir>/libs/price-trace/src',
    '^@spot/migrations$': '<rootDir>/migrations',
    '^@spot/testing$': '<rootDir>/test/support',
  },
  // Chromium for the portal's browser suite: found, installed once as root, or the exact command to run.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testSequencer: '<rootDir>/test/support/test-sequencer.js',
  testTimeout: 60_000,
  maxWorkers: 2,
};
