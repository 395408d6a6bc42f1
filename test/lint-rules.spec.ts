import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The dependency rules of docs/architecture.md ("Dependency rules"), as encoded in
 * eslint.config.mjs: each fails the lint on a violation and passes on a clean import. The texts are
 * linted under virtual paths (no file is written), all in one child process (see support/lint-text.mjs).
 */
interface LintCase {
  name: string;
  filePath: string;
  code: string;
  /** Fragments of the one expected message; none when the text must lint clean. */
  expect?: string;
  rule?: string;
}

const LIBS_NEVER_IMPORT_APPS = 'Libs never import apps';
const APPS_NEVER_IMPORT_APPS = 'Apps never import another app';
const LIB_INDEX_ONLY = 'Import another lib only through its index';
const DEEP_IMPORT = 'Import a lib only through its index, @spot/<lib>; never a file inside it';
const PERSISTENCE_FREE = 'is persistence-free';
const STAYS_INSIDE = 'A relative import stays inside';

const DEPENDENCY_RULES = ['no-restricted-imports', 'no-restricted-syntax'];

const use = (names: string) => `export const used = [${names}];\n`;

const cases: LintCase[] = [
  // libs never import apps
  { name: 'a lib imports an app by a relative path', filePath: 'libs/core/src/fixture.ts', code: `import { AGENT_CONFIG_VARIABLES } from '../../../apps/agent/src/agent-settings';\n${use('AGENT_CONFIG_VARIABLES')}`, expect: LIBS_NEVER_IMPORT_APPS },
  { name: 'a lib imports an app from a nested folder', filePath: 'libs/decisions/src/engines/fixture.ts', code: `import { ApiModule } from '../../../../apps/api/src/api.module';\n${use('ApiModule')}`, expect: LIBS_NEVER_IMPORT_APPS },
  { name: 'a lib imports an app by a bare apps/ path', filePath: 'libs/replicas/src/fixture.ts', code: `import { ApiModule } from 'apps/api/src/api.module';\n${use('ApiModule')}`, expect: LIBS_NEVER_IMPORT_APPS },
  { name: 'a lib re-exports from an app', filePath: 'libs/sentinel/src/fixture.ts', code: `export * from '../../../apps/scheduler/src/job-runner';\n`, expect: LIBS_NEVER_IMPORT_APPS },
  { name: 'production lib code imports the test harness', filePath: 'libs/identity/src/fixture.ts', code: `import { startTestApi } from '@spot/testing';\n${use('startTestApi')}`, expect: '@spot/testing' },

  // the agent, the market model and the libs the agent loads never reach persistence
  { name: 'the agent imports @spot/persistence', filePath: 'apps/agent/src/fixture.ts', code: `import { AgentEntity } from '@spot/persistence';\n${use('AgentEntity')}`, expect: 'never reaches @spot/persistence' },
  { name: 'the agent imports typeorm', filePath: 'apps/agent/src/use-cases/fixture.ts', code: `import { DataSource } from 'typeorm';\n${use('DataSource')}`, expect: 'no database driver or ORM' },
  { name: 'the agent imports a type from typeorm', filePath: 'apps/agent/src/fixture.ts', code: `import type { EntityManager } from 'typeorm';\nexport type Used = EntityManager;\n`, expect: 'no database driver or ORM' },
  { name: 'the agent imports mysql2/promise', filePath: 'apps/agent/src/fixture.ts', code: `import { createPool } from 'mysql2/promise';\n${use('createPool')}`, expect: 'no database driver or ORM' },
  { name: 'the agent imports a lib built on persistence', filePath: 'apps/agent/src/fixture.ts', code: `import { AgentRegistry } from '@spot/identity';\n${use('AgentRegistry')}`, expect: 'that lib reaches @spot/persistence' },
  { name: 'the agent requires typeorm', filePath: 'apps/agent/src/fixture.ts', code: `export const orm = require('typeorm');\n`, expect: 'persistence-free', rule: 'no-restricted-syntax' },
  { name: 'the agent loads typeorm with import = require()', filePath: 'apps/agent/src/fixture.ts', code: `import orm = require('typeorm');\n${use('orm')}`, expect: 'no database driver or ORM' },
  { name: 'the agent loads better-sqlite3 with import()', filePath: 'apps/agent/src/fixture.ts', code: `export const load = () => import('better-sqlite3');\n`, expect: 'persistence-free', rule: 'no-restricted-syntax' },
  { name: 'the market model imports typeorm', filePath: 'libs/market-model/src/fixture.ts', code: `import { Repository } from 'typeorm';\n${use('Repository')}`, expect: `libs/market-model ${PERSISTENCE_FREE}` },
  { name: 'the market model imports @spot/persistence', filePath: 'libs/market-model/src/fixture.ts', code: `import { dialectOf } from '@spot/persistence';\n${use('dialectOf')}`, expect: 'never reaches @spot/persistence' },
  { name: 'a lib the agent loads imports a lib built on persistence', filePath: 'libs/cloud/src/fixture.ts', code: `import { DataValveModule } from '@spot/data-valve';\n${use('DataValveModule')}`, expect: 'that lib reaches @spot/persistence' },
  { name: 'a lib the agent loads reaches persistence by a relative path', filePath: 'libs/continuity/src/fixture.ts', code: `import { dialectOf } from '../../persistence/src';\n${use('dialectOf')}`, expect: LIB_INDEX_ONLY },

  // a lib imports another lib only through its @spot/<lib> index
  { name: 'a deep import into another lib', filePath: 'libs/decisions/src/fixture.ts', code: `import { AgentRegistry } from '@spot/identity/src/agent-registry';\n${use('AgentRegistry')}`, expect: DEEP_IMPORT },
  { name: 'a deep import from an app', filePath: 'apps/api/src/fixture.ts', code: `import { AgentEntity } from '@spot/persistence/src/schema';\n${use('AgentEntity')}`, expect: DEEP_IMPORT },
  { name: 'a deep import from a test', filePath: 'libs/replicas/test/fixture.spec.ts', code: `import { AgentEntity } from '@spot/persistence/src/schema';\n${use('AgentEntity')}`, expect: DEEP_IMPORT },
  { name: 'a deep dynamic import', filePath: 'libs/learning/src/fixture.ts', code: `export const load = () => import('@spot/decisions/src/engines');\n`, expect: DEEP_IMPORT, rule: 'no-restricted-syntax' },
  { name: 'a relative import into another lib', filePath: 'libs/decisions/src/fixture.ts', code: `import { AgentRegistry } from '../../identity/src';\n${use('AgentRegistry')}`, expect: LIB_INDEX_ONLY },
  { name: 'a relative import into another lib through libs/', filePath: 'libs/decisions/src/switches/fixture.ts', code: `import { AgentRegistry } from '../../../../libs/identity/src/agent-registry';\n${use('AgentRegistry')}`, expect: LIB_INDEX_ONLY },
  { name: 'a relative import that leaves the lib', filePath: 'libs/catalog/src/fixture.ts', code: `import { MIGRATIONS } from '../../../migrations';\n${use('MIGRATIONS')}`, expect: STAYS_INSIDE },

  // apps never import another app
  { name: 'an app imports another app', filePath: 'apps/api/src/fixture.ts', code: `import { JobRunner } from '../../scheduler/src/job-runner';\n${use('JobRunner')}`, expect: APPS_NEVER_IMPORT_APPS },
  { name: 'an app imports another app from a nested folder', filePath: 'apps/scheduler/src/jobs/fixture.ts', code: `import { ApiModule } from '../../../api/src/api.module';\n${use('ApiModule')}`, expect: APPS_NEVER_IMPORT_APPS },
  { name: 'an app imports another app through apps/', filePath: 'apps/agent/src/fixture.ts', code: `import { ApiModule } from '../../../apps/api/src/api.module';\n${use('ApiModule')}`, expect: APPS_NEVER_IMPORT_APPS },
  { name: 'an app imports a lib by a relative path', filePath: 'apps/api/src/fixture.ts', code: `import { AgentRegistry } from '../../../libs/identity/src';\n${use('AgentRegistry')}`, expect: 'Import another lib only through its index' },
  { name: 'the bench imports an app other than the API bootstrap and module', filePath: 'apps/bench/src/benchmarks/fixture.ts', code: `import { SchedulerModule } from '../../../scheduler/src/scheduler.module';\n${use('SchedulerModule')}`, expect: APPS_NEVER_IMPORT_APPS },

  // clean imports
  {
    name: 'a lib imports other libs through their index and its own files relatively',
    filePath: 'libs/decisions/src/switches/fixture.ts',
    code: `import { AgentRegistry } from '@spot/identity';\nimport { DataSource } from 'typeorm';\nimport { SwitchHistory } from './switch-history';\nimport { DecisionService } from '../decision-service';\n${use('AgentRegistry, DataSource, SwitchHistory, DecisionService')}`,
  },
  {
    name: 'a lib file in a folder named like another lib imports its sibling folder',
    filePath: 'libs/contracts/src/sentinel/fixture.ts',
    code: `import * as decisions from '../decisions';\n${use('decisions')}`,
  },
  {
    name: 'the agent imports the persistence-free libs, node and its own files',
    filePath: 'apps/agent/src/use-cases/fixture.ts',
    code: `import { readFileSync } from 'node:fs';\nimport { Clock } from '@spot/core';\nimport { CloudProvider } from '@spot/cloud';\nimport { AgentReportDto } from '@spot/contracts';\nimport { AgentContext } from '../agent-context';\n${use('readFileSync, Clock, CloudProvider, AgentReportDto, AgentContext')}`,
  },
  { name: 'the market model imports the catalog and the price trace', filePath: 'libs/market-model/src/fixture.ts', code: `import { InstanceCatalog } from '@spot/catalog';\nimport { parseTrace } from '@spot/price-trace';\n${use('InstanceCatalog, parseTrace')}` },
  { name: 'an app imports persistence and typeorm', filePath: 'apps/api/src/fixture.ts', code: `import { AgentEntity } from '@spot/persistence';\nimport { DataSource } from 'typeorm';\n${use('AgentEntity, DataSource')}` },
  { name: 'a portal file imports its own src/api folder', filePath: 'apps/portal/src/components/fixture.tsx', code: `import { api } from '../api/client';\n${use('api')}` },
  { name: 'the bench boots the API through its bootstrap', filePath: 'apps/bench/src/benchmarks/fixture.ts', code: `import { createApiApp } from '../../../api/src/bootstrap';\n${use('createApiApp')}` },
  { name: "a lib's test drives an app", filePath: 'libs/demo-fleet/test/fixture.spec.ts', code: `import { demoAgentFactory } from '../../../apps/agent/src';\n${use('demoAgentFactory')}` },
  { name: "the agent's end-to-end test uses the database", filePath: 'apps/agent/test/fixture.spec.ts', code: `import { AgentEntity } from '@spot/persistence';\nimport { DataSource } from 'typeorm';\n${use('AgentEntity, DataSource')}` },
  { name: 'a migration imports typeorm', filePath: 'migrations/1999999999999-Fixture.ts', code: `import { MigrationInterface } from 'typeorm';\nexport type Used = MigrationInterface;\n` },
];

interface LintResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; message: string }>;
}

describe('the dependency rules in eslint.config.mjs', () => {
  let results: LintResult[];

  beforeAll(() => {
    const out = execFileSync(process.execPath, [join(__dirname, 'support', 'lint-text.mjs')], {
      input: JSON.stringify(cases.map(({ filePath, code }) => ({ filePath, code }))),
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    results = JSON.parse(out) as LintResult[];
  });

  const violations = cases.filter((c) => c.expect !== undefined);
  const clean = cases.filter((c) => c.expect === undefined);

  it.each(violations.map((c) => [c.name, c] as const))('fails: %s', (_name, c) => {
    // Only the dependency rules' messages (a require() also meets @typescript-eslint/no-require-imports).
    const messages = results[cases.indexOf(c)].messages.filter((m) => DEPENDENCY_RULES.includes(m.ruleId ?? ''));
    expect(messages).toEqual([{ ruleId: c.rule ?? 'no-restricted-imports', message: expect.stringContaining(c.expect as string) }]);
  });

  it.each(clean.map((c) => [c.name, c] as const))('passes: %s', (_name, c) => {
    expect(results[cases.indexOf(c)].messages).toEqual([]);
  });
});
