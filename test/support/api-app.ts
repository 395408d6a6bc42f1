import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Clock, loadConfig, ManualClock, SpotConfig, StructuredLogger } from '@spot/core';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureApiApp } from '../../apps/api/src/bootstrap';
import { TestDatabase } from './databases';

export const TEST_ADMIN = { email: 'admin@spot.test', password: 'admin-password-1' };
export const TEST_JWT_SECRET = 'test-secret-for-jwt-signing-0123456789abcdef';

export interface TestApi {
  app: INestApplication;
  config: SpotConfig;
  clock: ManualClock;
  dataSource: DataSource;
  logLines: string[];
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  clock?: ManualClock;
}

/** A Spot Advisor copy path no test writes unless it asks to (see SPOT_ADVISOR_CACHE_PATH). */
export function testAdvisorCopyPath(): string {
  return join(tmpdir(), `spot-test-${process.pid}-no-advisor-copy.json`);
}

/** A real API application on a migrated database, with a manual clock and captured logs. */
export async function startTestApi(database: TestDatabase, options: StartOptions = {}): Promise<TestApi> {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      JWT_SECRET: TEST_JWT_SECRET,
      BCRYPT_ROUNDS: '4',
      LOG_LEVEL: 'info',
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      RATE_LIMIT_SIGNUP_PER_HOUR: '1000',
      RATE_LIMIT_TOKEN_PER_MINUTE: '1000',
      // Never a developer's ./data copy: tests see the shipped Spot Advisor file unless they refresh it.
      SPOT_ADVISOR_CACHE_PATH: testAdvisorCopyPath(),
      ...options.env,
    },
    { devSecretFile: null },
  );
  const clock = options.clock ?? new ManualClock('2026-11-24T12:00:00.000Z');
  const logLines: string[] = [];
  const logger = new StructuredLogger({ level: config.logging.level, clock, sink: (line) => logLines.push(line), defaultComponent: 'CORE-API' });
  const moduleRef = await Test.createTestingModule({ imports: [ApiModule.forRoot(config, logger)] })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger });
  configureApiApp(app, config);
  await app.init();
  return {
    app,
    config,
    clock,
    dataSource: app.get(DataSource),
    logLines,
    http: () => request(app.getHttpServer()),
    close: () => app.close(),
  };
}

/** Counts rows of the given tables, to show a refused request stored nothing. */
export async function rowCounts(dataSource: DataSource, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const rows: Array<{ n: number | string }> = await dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
    counts[table] = Number(rows[0].n);
  }
  return counts;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Calls the API the way the portal, integrations and agents do. */
export class ApiActor {
  constructor(private readonly api: TestApi) {}

  async login(email: string, password: string): Promise<string> {
    const res = await this.api.http().post('/api/auth/token').send({ email, password }).expect(200);
    return res.body.access_token;
  }

  adminToken(): Promise<string> {
    return this.login(TEST_ADMIN.email, TEST_ADMIN.password);
  }

  async createClient(adminToken: string, body: Record<string, unknown>): Promise<{ id: string; clientToken: string }> {
    const res = await this.api.http().post('/api/admin/clients').set(bearer(adminToken)).send(body).expect(201);
    return { id: res.body.id, clientToken: res.body.client_token };
  }

  async signup(orgName: string, email: string, password = 'password-123'): Promise<{ userToken: string; clientId: string; clientToken: string }> {
    const res = await this.api.http().post('/api/auth/signup').send({ org_name: orgName, email, password }).expect(201);
    return { userToken: res.body.access_token, clientId: res.body.client_id, clientToken: res.body.client_token };
  }

  async register(clientToken: string, body: Partial<AgentRegistrationBody> = {}): Promise<{ agentId: string; agentToken: string; body: Record<string, unknown> }> {
    const res = await this.api.http().post('/api/agents/register').set(bearer(clientToken)).send({ ...registration(), ...body }).expect(201);
    return { agentId: res.body.agent_id, agentToken: res.body.agent_token, body: res.body };
  }
}

export interface AgentRegistrationBody {
  logical_agent_id: string;
  instance_id: string;
  instance_type: string;
  region: string;
  az: string;
  mode: string;
  hostname: string;
  agent_version: string;
}

let instanceCounter = 0;

/** A valid registration body with a fresh instance id. */
export function registration(overrides: Partial<AgentRegistrationBody> = {}): AgentRegistrationBody {
  instanceCounter += 1;
  return {
    logical_agent_id: 'web-1',
    instance_id: `i-${instanceCounter.toString(16).padStart(17, '0')}`,
    instance_type: 'm5.large',
    region: 'eu-west-1',
    az: 'eu-west-1a',
    mode: 'spot',
    hostname: 'ip-10-0-0-1',
    agent_version: '0.1.0',
    ...overrides,
  };
}

export function freshInstanceId(): string {
  return registration().instance_id;
}

export { bearer };
