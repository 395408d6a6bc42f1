import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '@spot/core';
import { AGENT_CONFIG_VARIABLES } from '../../../apps/agent/src/agent-settings';

const secret = 'x'.repeat(40);

describe('configuration', () => {
  it('defaults to SQLite at ./data/spot.db and the API on :8000', () => {
    const config = loadConfig({ JWT_SECRET: secret });
    expect(config.database).toMatchObject({ dialect: 'sqlite', path: join(process.cwd(), 'data/spot.db'), migrateOnStart: true });
    expect(config.http).toMatchObject({ port: 8000, host: '0.0.0.0' });
    expect(config.auth).toMatchObject({ jwtTtlSeconds: 86_400, bcryptRounds: 12 });
    expect(config.rateLimits).toEqual({ signupPerHour: 5, tokenPerMinute: 10, accountChecksPerMinute: 5, accountLockoutFailures: 10, accountLockoutMinutes: 15 });
  });

  it('selects MySQL from a mysql:// or mariadb:// DATABASE_URL', () => {
    expect(loadConfig({ JWT_SECRET: secret, DATABASE_URL: 'mysql://spot:pw@db:3306/spot' }).database).toMatchObject({ dialect: 'mysql', poolSize: 10 });
    expect(loadConfig({ JWT_SECRET: secret, DATABASE_URL: 'mariadb://db/spot', DB_POOL_SIZE: '3' }).database).toMatchObject({ dialect: 'mysql', poolSize: 3 });
    expect(loadConfig({ JWT_SECRET: secret, DATABASE_URL: 'sqlite::memory:' }).database).toMatchObject({ dialect: 'sqlite', path: ':memory:' });
  });

  it('reads the price data settings (issue 23), refusing bad regions and URLs', () => {
    expect(loadConfig({ JWT_SECRET: secret }).pricing).toEqual({
      priceListRegions: [],
      priceListApiRegion: 'us-east-1',
      spotAdvisorUrl: 'https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json',
      spotAdvisorCachePath: join(process.cwd(), 'data/spot-advisor-data.json'),
    });
    expect(loadConfig({ JWT_SECRET: secret, PRICE_LIST_REGIONS: 'us-east-1, ap-southeast-2,us-east-1', PRICE_LIST_API_REGION: 'ap-south-1', AWS_ENDPOINT_URL_PRICING: 'http://127.0.0.1:4566' }).pricing).toMatchObject({
      priceListRegions: ['us-east-1', 'ap-southeast-2'],
      priceListApiRegion: 'ap-south-1',
      priceListEndpoint: 'http://127.0.0.1:4566',
    });
    const problems = (() => {
      try {
        loadConfig({ JWT_SECRET: secret, PRICE_LIST_REGIONS: 'us-east-1,Sydney', PRICE_LIST_API_REGION: 'eu-west-1', SPOT_ADVISOR_URL: 'ftp://x/y.json' });
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    })();
    expect(problems).toEqual([
      'PRICE_LIST_REGIONS: "Sydney" is not a region code such as us-east-1',
      'SPOT_ADVISOR_URL must be an http(s) URL (got "ftp://x/y.json")',
      'PRICE_LIST_API_REGION must be one of us-east-1, eu-central-1, ap-south-1 (got "eu-west-1")',
    ]);
  });

  it('lists every problem at once, naming the variable', () => {
    const env = { NODE_ENV: 'production', API_PORT: '99999', DATABASE_URL: 'postgres://x', LOG_LEVEL: 'loud', ADMIN_EMAIL: 'a@b.c', DB_MIGRATE_ON_START: 'maybe' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['API_PORT', 'DATABASE_URL', 'LOG_LEVEL', 'JWT_SECRET', 'ADMIN_PASSWORD', 'DB_MIGRATE_ON_START']) expect(problems).toContain(name);
    }
  });

  it('keeps a generated development JWT secret between runs, and never generates one in production', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'spot-config-')), '.jwt-secret');
    const first = loadConfig({}, { devSecretFile: file }).auth.jwtSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({}, { devSecretFile: file }).auth.jwtSecret).toBe(first);
    expect(() => loadConfig({ NODE_ENV: 'production' }, { devSecretFile: file })).toThrow(/JWT_SECRET is required/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/at least 32/);
  });

  it('documents every setting in .env.example', () => {
    const example = readFileSync(join(__dirname, '../../../.env.example'), 'utf8');
    const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    const known = [...CONFIG_VARIABLES, ...AGENT_CONFIG_VARIABLES].map((v) => v.name);
    expect(documented.sort()).toEqual(known.sort());
  });

  it('documents every agent setting in apps/agent/.env.example', () => {
    const example = readFileSync(join(__dirname, '../../../apps/agent/.env.example'), 'utf8');
    const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(AGENT_CONFIG_VARIABLES.map((v) => v.name).sort());
  });

  describe('docker-compose.yml (README "Production")', () => {
    const root = join(__dirname, '../../..');
    // js-yaml (a devDependency; @nestjs/swagger uses it too); merge keys (`<<: *anchor`) as Compose reads them.
    const compose = load(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { schema: CORE_SCHEMA.withTags(mergeTag) }) as {
      services: Record<string, { environment?: Record<string, string | number>; volumes?: string[]; depends_on?: Record<string, unknown> | string[] }>;
    };
    const services = compose.services;
    const env = (service: string) => Object.fromEntries(Object.entries(services[service].environment ?? {}).map(([k, v]) => [k, String(v)]));
    const apps = ['api-1', 'api-2', 'scheduler'];
    /** The environment as Compose hands it over with no variables set: `${NAME:-default}` → default. */
    const withDefaults = (service: string) => Object.fromEntries(Object.entries(env(service)).map(([k, v]) => [k, v.replace(/\$\{\w+:-([^}]*)\}/g, '$1')]));

    it('uses only variables the code reads', () => {
      const known = new Set(CONFIG_VARIABLES.map((v) => v.name));
      const appVariables = [...apps, 'portal'].flatMap((service) => Object.keys(env(service)));
      expect(appVariables.length).toBeGreaterThan(3);
      expect(appVariables.filter((name) => !known.has(name))).toEqual([]);
    });

    it('runs two API replicas and a scheduler on one MySQL and one Redis, with the same secret', () => {
      expect(Object.keys(services)).toEqual(expect.arrayContaining(['mysql', 'redis', 'api-1', 'api-2', 'proxy', 'scheduler', 'portal']));
      for (const service of apps) {
        expect(env(service).REDIS_URL).toBe('redis://redis:6379/0');
        expect(env(service).DATABASE_URL).toMatch(/^mysql:\/\/.*@mysql:3306\/spot$/);
        expect(env(service).DATABASE_URL).toBe(env('api-1').DATABASE_URL);
        expect(env(service).JWT_SECRET).toBe(env('api-1').JWT_SECRET);
        expect(env(service).REDIS_KEY_PREFIX).toBe(env('api-1').REDIS_KEY_PREFIX);
        expect(env(service).MODEL_STORAGE_DIR).toBe(env('api-1').MODEL_STORAGE_DIR);
        expect(services[service].volumes).toContain('spot-data:/app/data');
      }
      // Exactly one process migrates; the others wait for it.
      expect(apps.map((service) => env(service).DB_MIGRATE_ON_START)).toEqual(['true', 'false', 'false']);
      for (const api of ['api-1', 'api-2']) {
        expect(env(api)).toMatchObject({ TRUST_PROXY: 'true', API_PORT: '8000' });
        expect(loadConfig({ ...withDefaults(api), JWT_SECRET: secret }).http).toMatchObject({ trustProxy: true, port: 8000 });
      }
      for (const service of apps) expect(loadConfig({ ...withDefaults(service), JWT_SECRET: secret }).redis).toMatchObject({ url: 'redis://redis:6379/0' });
      expect(env('portal').PORTAL_API_URL).toBe('http://proxy:8001');
    });

    it('puts the proxy in front of both replicas: set X-Forwarded-For outside, the portal\'s kept inside', () => {
      const volume = (services.proxy.volumes ?? []).find((v) => v.endsWith(':/etc/nginx/conf.d/default.conf:ro'));
      expect(volume).toBeDefined();
      const nginx = readFileSync(join(root, (volume as string).split(':')[0]), 'utf8');
      const upstream = /upstream\s+(\w+)\s*\{([^}]*)\}/.exec(nginx) as RegExpExecArray;
      expect(upstream).not.toBeNull();
      const servers = [...upstream[2].matchAll(/^\s*server\s+([\w.-]+):(\d+)\s*;/gm)].map((m) => `${m[1]}:${m[2]}`);
      expect(servers).toEqual(['api-1:8000', 'api-2:8000']);
      const listeners = Object.fromEntries(
        nginx
          .split(/^server\s*\{/m)
          .slice(1)
          .map((block) => [(/listen\s+(\d+);/.exec(block) as RegExpExecArray)[1], block]),
      );
      expect(Object.keys(listeners).sort()).toEqual(['8000', '8001']);
      for (const block of Object.values(listeners)) expect(block).toMatch(new RegExp(`proxy_pass\\s+http://${upstream[1]};`));
      // Published: the caller's address replaces any header it sent (TRUST_PROXY takes the left-most).
      expect(services.proxy).toMatchObject({ ports: ['8000:8000'] });
      expect(listeners['8000']).toMatch(/proxy_set_header\s+X-Forwarded-For\s+\$remote_addr;/);
      // The portal's listener is on the compose network only and passes the browser's address on.
      expect(listeners['8001']).toMatch(/proxy_set_header\s+X-Forwarded-For\s+\$http_x_forwarded_for;/);
    });
  });
});
