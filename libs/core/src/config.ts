import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LogLevel } from './logging/log-format';

/**
 * Every setting the control plane reads, typed and validated once at start-up.
 * `.env.example` lists the same variables; a test keeps the two in step.
 */
export interface SpotConfig {
  env: 'development' | 'production' | 'test';
  version: string;
  http: { host: string; port: number; trustProxy: boolean; corsOrigins: string[] };
  database: DatabaseConfig;
  auth: AuthConfig;
  rateLimits: {
    signupPerHour: number;
    tokenPerMinute: number;
    /** Per account (e-mail), from any address: passwords checked a minute before sign-in backs off (a success clears it). */
    accountChecksPerMinute: number;
    /** This many wrong passwords within the lockout window lock the account's sign-in. */
    accountLockoutFailures: number;
    accountLockoutMinutes: number;
  };
  /** Sentinel's bound on replacement launches during a mass interruption (the rest wait in a queue). */
  emergencyLimits: { launchBurst: number; launchesPerMinute: number };
  /**
   * Replicas that never finish (issue 13): a replica still launching, or syncing without a report,
   * this long is failed and its instance terminated; a replaced instance still there this long
   * after its terminate wait is terminated by the control plane.
   */
  lifecycleTimeouts: { replicaLaunchingSeconds: number; replicaSyncingSeconds: number; leftoverTerminationGraceSeconds: number };
  logging: { level: LogLevel; format: 'text' | 'json' };
  /** Uploaded ML models (seed 004 Scenario 6). */
  models: { storageDir: string; validationTimeoutMs: number };
  /** The consensus spot series (DESIGN.md §9): relative distance beyond which a value is held as a suspect. */
  priceConsensus: { threshold: number; confirmation: 'aws' | 'none' };
  /** Public AWS price data (issue 23): on-demand prices from the Price List API, Spot Advisor refresh. */
  pricing: PricingConfig;
  /** Shared hot data (issue 15, docs/architecture.md "Redis"): absent url = database and in-process only. */
  redis: { url?: string; keyPrefix: string };
}

export interface PricingConfig {
  /** Regions whose on-demand prices are fetched; empty = every region of the Spot Advisor data. */
  priceListRegions: string[];
  /** Region of the Price List API client: it answers in us-east-1, eu-central-1 and ap-south-1. */
  priceListApiRegion: 'us-east-1' | 'eu-central-1' | 'ap-south-1';
  /** AWS_ENDPOINT_URL_PRICING: another Price List endpoint (the SDK reads the same variable). */
  priceListEndpoint?: string;
  spotAdvisorUrl: string;
  /** The last good Spot Advisor document, kept on disk between runs and shared by the processes. */
  spotAdvisorCachePath: string;
}

export type DatabaseConfig =
  | { dialect: 'sqlite'; path: string; migrateOnStart: boolean; logQueries: boolean }
  | { dialect: 'mysql'; url: string; poolSize: number; migrateOnStart: boolean; logQueries: boolean };

export interface AuthConfig {
  jwtSecret: string;
  jwtTtlSeconds: number;
  bcryptRounds: number;
  adminEmail?: string;
  adminPassword?: string;
}

/** The variables, their defaults and what they mean: the single source for `.env.example`. */
export const CONFIG_VARIABLES: Array<{ name: string; default?: string; description: string }> = [
  { name: 'NODE_ENV', default: 'development', description: 'development | production | test' },
  { name: 'API_HOST', default: '0.0.0.0', description: 'Interface the API listens on' },
  { name: 'API_PORT', default: '8000', description: 'Port of the API (Swagger UI at /api/docs)' },
  { name: 'PORTAL_PORT', default: '3000', description: 'Port of the web portal that npm start serves next to the API' },
  { name: 'PORTAL_API_URL', default: '', description: "Where the portal forwards the browser's /api calls; empty = http://127.0.0.1:$API_PORT" },
  { name: 'TRUST_PROXY', default: 'false', description: 'true behind a load balancer, so rate limits see the client address from X-Forwarded-For' },
  { name: 'CORS_ORIGINS', default: 'http://localhost:3000', description: 'Comma-separated browser origins allowed to call the API (the portal)' },
  { name: 'DATABASE_URL', default: '', description: 'mysql://user:pass@host:3306/db selects MySQL/MariaDB; sqlite:<path> or empty selects SQLite' },
  { name: 'SQLITE_PATH', default: './data/spot.db', description: 'SQLite file used when DATABASE_URL is empty' },
  { name: 'DB_POOL_SIZE', default: '10', description: 'MySQL connection pool size per process' },
  { name: 'DB_MIGRATE_ON_START', default: 'true', description: 'Run pending migrations (under a lock) before serving; false refuses to start while any are pending' },
  { name: 'DB_LOG_QUERIES', default: 'false', description: 'Log every SQL statement (debugging only)' },
  { name: 'JWT_SECRET', default: '', description: 'Signing key for user JWTs and agent tokens, 32+ characters; required in production (development generates one in ./data/.jwt-secret)' },
  { name: 'JWT_TTL_SECONDS', default: '86400', description: 'Lifetime of a user JWT (24 h)' },
  { name: 'BCRYPT_ROUNDS', default: '12', description: 'bcrypt cost for password hashes' },
  { name: 'ADMIN_EMAIL', default: '', description: 'First super-admin, created at start-up when missing (with ADMIN_PASSWORD)' },
  { name: 'ADMIN_PASSWORD', default: '', description: 'Password of the first super-admin, 8-72 characters' },
  { name: 'RATE_LIMIT_SIGNUP_PER_HOUR', default: '5', description: 'Sign-ups allowed per client address per hour' },
  { name: 'RATE_LIMIT_TOKEN_PER_MINUTE', default: '10', description: 'Log-in attempts allowed per client address per minute' },
  { name: 'ACCOUNT_SIGNIN_CHECKS_PER_MINUTE', default: '5', description: 'Passwords checked per account (from any address) per minute, a successful sign-in clearing the count; further attempts wait (429)' },
  { name: 'ACCOUNT_LOCKOUT_FAILURES', default: '10', description: 'Wrong passwords per account within ACCOUNT_LOCKOUT_MINUTES that lock its sign-in for ACCOUNT_LOCKOUT_MINUTES (its users are notified)' },
  { name: 'ACCOUNT_LOCKOUT_MINUTES', default: '15', description: 'Window and duration of an account lockout' },
  { name: 'REPLICA_LAUNCH_TIMEOUT_SECONDS', default: '600', description: 'A replica still launching this long after it was asked for is failed and its instance terminated' },
  { name: 'REPLICA_SYNC_TIMEOUT_SECONDS', default: '1800', description: 'A syncing replica without a sync report for this long is failed and its instance terminated' },
  { name: 'LEFTOVER_TERMINATION_GRACE_SECONDS', default: '60', description: "A replaced instance still running this long after its terminate wait (its agent did not end it) is terminated by the control plane" },
  { name: 'EMERGENCY_LAUNCH_BURST', default: '5', description: "Emergency replica/instance launches admitted at once per client and region (AWS's RunInstances bucket, docs/emergency-admission.md); more wait in a queue, terminations first" },
  { name: 'EMERGENCY_LAUNCHES_PER_MINUTE', default: '90', description: "Emergency launches admitted per minute per client and region after the burst (75 % of AWS's RunInstances refill of 2/s)" },
  { name: 'LOG_LEVEL', default: 'info', description: 'error | warn | info | debug' },
  { name: 'LOG_FORMAT', default: 'text', description: 'text (seed-003 line format) | json' },
  { name: 'MODEL_STORAGE_DIR', default: './data/models', description: 'Where uploaded ONNX models are kept (shared by the API and scheduler processes)' },
  { name: 'MODEL_VALIDATION_TIMEOUT_MS', default: '10000', description: 'Time an uploaded model gets to load and answer the contract test vector before it is refused' },
  { name: 'PRICE_LIST_REGIONS', default: '', description: 'Comma-separated regions whose on-demand prices are fetched daily from the AWS Price List API; empty = every region of the Spot Advisor data' },
  { name: 'PRICE_LIST_API_REGION', default: 'us-east-1', description: 'Region of the Price List API endpoint: us-east-1, eu-central-1 or ap-south-1 (credentials come from the SDK default chain; without them the shipped file is used)' },
  { name: 'AWS_ENDPOINT_URL_PRICING', default: '', description: 'Another Price List API endpoint (standard AWS SDK variable); empty = AWS' },
  { name: 'SPOT_ADVISOR_URL', default: 'https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json', description: 'Spot Instance Advisor JSON refreshed every 6 hours; a wrong shape or unreachable URL keeps the last good copy' },
  { name: 'SPOT_ADVISOR_CACHE_PATH', default: './data/spot-advisor-data.json', description: 'Where the last good Spot Advisor document is kept (shared by the API and scheduler processes)' },
  { name: 'PRICE_CONSENSUS_THRESHOLD_PERCENT', default: '25', description: 'A spot price this far (percent) from the other clients\' consensus, or a jump this far from the previous clean value with no second source, is held as a suspect' },
  { name: 'PRICE_CONFIRMATION_SOURCE', default: 'aws', description: "aws: the scheduler confirms held spot prices with the control plane's own DescribeSpotPriceHistory (SDK default credential chain; without credentials nothing is confirmed that way) | none" },
  { name: 'REDIS_URL', default: '', description: 'redis://host:6379/0: rate limits, hot caches, risk flags, SAFE_MODE, the JWT deny-list, last heartbeats and the model broadcast shared in Redis (falls back to the database while it is down); empty = database and in-process only' },
  { name: 'REDIS_KEY_PREFIX', default: 'spot:', description: 'Prefix of every Redis key and channel, so several deployments can share one Redis' },
  { name: 'DEMO_FLEET', default: '1', description: 'npm start: 1 runs the demo client and its simulated fleet next to the API, 0 turns it off' },
  { name: 'DEMO_REPLAY_SPEED', default: '60', description: 'Demo fleet: trace time per real time (60 = an hour of real spot prices a minute)' },
  { name: 'DEMO_SEED', default: '7', description: 'Demo fleet: seed of the simulated market and ids (same seed, same run)' },
];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Record<string, string | undefined>) {}

  string(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.string(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (!allowed.includes(raw as T)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }
}

export interface LoadConfigOptions {
  /** Where a development JWT secret is kept between runs; null disables generation. */
  devSecretFile?: string | null;
}

export function loadConfig(env: Record<string, string | undefined> = process.env, options: LoadConfigOptions = {}): SpotConfig {
  const read = new EnvReader(env);
  const nodeEnv = read.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const database = readDatabase(read);
  const auth = readAuth(read, nodeEnv, database, options);
  const config: SpotConfig = {
    env: nodeEnv,
    version: packageVersion(),
    http: {
      host: read.string('API_HOST') ?? '0.0.0.0',
      port: read.int('API_PORT', 8000, 1, 65535),
      trustProxy: read.bool('TRUST_PROXY', false),
      corsOrigins: (read.string('CORS_ORIGINS') ?? 'http://localhost:3000').split(',').map((o) => o.trim()).filter(Boolean),
    },
    database,
    auth,
    rateLimits: {
      signupPerHour: read.int('RATE_LIMIT_SIGNUP_PER_HOUR', 5, 1, 1_000_000),
      tokenPerMinute: read.int('RATE_LIMIT_TOKEN_PER_MINUTE', 10, 1, 1_000_000),
      accountChecksPerMinute: read.int('ACCOUNT_SIGNIN_CHECKS_PER_MINUTE', 5, 1, 1_000),
      accountLockoutFailures: read.int('ACCOUNT_LOCKOUT_FAILURES', 10, 1, 1_000),
      accountLockoutMinutes: read.int('ACCOUNT_LOCKOUT_MINUTES', 15, 1, 1_440),
    },
    emergencyLimits: {
      launchBurst: read.int('EMERGENCY_LAUNCH_BURST', 5, 1, 100_000),
      launchesPerMinute: read.int('EMERGENCY_LAUNCHES_PER_MINUTE', 90, 1, 1_000_000),
    },
    lifecycleTimeouts: {
      replicaLaunchingSeconds: read.int('REPLICA_LAUNCH_TIMEOUT_SECONDS', 600, 60, 86_400),
      replicaSyncingSeconds: read.int('REPLICA_SYNC_TIMEOUT_SECONDS', 1800, 60, 7 * 86_400),
      leftoverTerminationGraceSeconds: read.int('LEFTOVER_TERMINATION_GRACE_SECONDS', 60, 0, 86_400),
    },
    logging: {
      level: read.oneOf('LOG_LEVEL', ['error', 'warn', 'info', 'debug'] as const, 'info'),
      format: read.oneOf('LOG_FORMAT', ['text', 'json'] as const, 'text'),
    },
    models: {
      storageDir: resolve(read.string('MODEL_STORAGE_DIR') ?? './data/models'),
      validationTimeoutMs: read.int('MODEL_VALIDATION_TIMEOUT_MS', 10_000, 100, 600_000),
    },
    pricing: readPricing(read),
    priceConsensus: {
      threshold: read.int('PRICE_CONSENSUS_THRESHOLD_PERCENT', 25, 1, 1000) / 100,
      confirmation: read.oneOf('PRICE_CONFIRMATION_SOURCE', ['aws', 'none'] as const, 'aws'),
    },
    redis: readRedis(read),
  };
  if (read.problems.length) throw new ConfigError(read.problems);
  return config;
}

function readRedis(read: EnvReader): SpotConfig['redis'] {
  const url = read.string('REDIS_URL');
  if (url && !/^rediss?:\/\/[^/]/.test(url)) read.problems.push(`REDIS_URL must start with redis:// or rediss:// (got "${url}")`);
  const keyPrefix = read.string('REDIS_KEY_PREFIX') ?? 'spot:';
  if (!/^[A-Za-z0-9:._-]{1,40}$/.test(keyPrefix)) read.problems.push('REDIS_KEY_PREFIX must be 1-40 characters of letters, digits, ":", ".", "_" or "-"');
  return { ...(url ? { url } : {}), keyPrefix };
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function readPricing(read: EnvReader): PricingConfig {
  const regions = (read.string('PRICE_LIST_REGIONS') ?? '').split(',').map((r) => r.trim()).filter(Boolean);
  for (const region of regions) if (!REGION_PATTERN.test(region)) read.problems.push(`PRICE_LIST_REGIONS: "${region}" is not a region code such as us-east-1`);
  const url = read.string('SPOT_ADVISOR_URL') ?? 'https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json';
  if (!/^https?:\/\//.test(url)) read.problems.push(`SPOT_ADVISOR_URL must be an http(s) URL (got "${url}")`);
  const endpoint = read.string('AWS_ENDPOINT_URL_PRICING');
  if (endpoint && !/^https?:\/\//.test(endpoint)) read.problems.push(`AWS_ENDPOINT_URL_PRICING must be an http(s) URL (got "${endpoint}")`);
  return {
    priceListRegions: [...new Set(regions)],
    priceListApiRegion: read.oneOf('PRICE_LIST_API_REGION', ['us-east-1', 'eu-central-1', 'ap-south-1'] as const, 'us-east-1'),
    ...(endpoint ? { priceListEndpoint: endpoint } : {}),
    spotAdvisorUrl: url,
    spotAdvisorCachePath: resolve(read.string('SPOT_ADVISOR_CACHE_PATH') ?? './data/spot-advisor-data.json'),
  };
}

function readDatabase(read: EnvReader): DatabaseConfig {
  const url = read.string('DATABASE_URL');
  const migrateOnStart = read.bool('DB_MIGRATE_ON_START', true);
  const logQueries = read.bool('DB_LOG_QUERIES', false);
  if (url && /^(mysql|mariadb):\/\//i.test(url)) {
    try {
      new URL(url);
    } catch {
      read.problems.push('DATABASE_URL is not a valid URL');
    }
    return { dialect: 'mysql', url, poolSize: read.int('DB_POOL_SIZE', 10, 1, 500), migrateOnStart, logQueries };
  }
  if (url && !url.startsWith('sqlite:')) {
    read.problems.push('DATABASE_URL must start with mysql://, mariadb:// or sqlite:');
  }
  const path = url?.startsWith('sqlite:') ? url.slice('sqlite:'.length) : (read.string('SQLITE_PATH') ?? './data/spot.db');
  return { dialect: 'sqlite', path: path === ':memory:' ? path : resolve(path), migrateOnStart, logQueries };
}

function readAuth(read: EnvReader, nodeEnv: SpotConfig['env'], database: DatabaseConfig, options: LoadConfigOptions): AuthConfig {
  let jwtSecret = read.string('JWT_SECRET');
  if (jwtSecret && jwtSecret.length < 32) read.problems.push('JWT_SECRET must be at least 32 characters');
  if (!jwtSecret) {
    if (nodeEnv === 'production') read.problems.push('JWT_SECRET is required when NODE_ENV=production');
    else jwtSecret = developmentSecret(options.devSecretFile === undefined ? defaultSecretFile(database) : options.devSecretFile);
  }
  const adminEmail = read.string('ADMIN_EMAIL');
  const adminPassword = read.string('ADMIN_PASSWORD');
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    read.problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (adminPassword !== undefined && (adminPassword.length < 8 || Buffer.byteLength(adminPassword) > 72)) {
    read.problems.push('ADMIN_PASSWORD must be 8 to 72 bytes long');
  }
  return {
    jwtSecret: jwtSecret ?? '',
    jwtTtlSeconds: read.int('JWT_TTL_SECONDS', 86_400, 60, 30 * 86_400),
    bcryptRounds: read.int('BCRYPT_ROUNDS', 12, 4, 15),
    adminEmail: adminEmail?.toLowerCase(),
    adminPassword,
  };
}

function defaultSecretFile(database: DatabaseConfig): string | null {
  if (database.dialect === 'sqlite' && database.path !== ':memory:') return join(dirname(database.path), '.jwt-secret');
  return resolve('data/.jwt-secret');
}

/** Development only: a random secret kept on disk so tokens survive restarts. */
function developmentSecret(file: string | null): string {
  if (!file) return randomBytes(32).toString('base64url');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 32) return stored;
  }
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

let cachedVersion: string | undefined;

export function packageVersion(): string {
  if (cachedVersion) return cachedVersion;
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'spot-optimizer') return (cachedVersion = pkg.version ?? '0.0.0');
    }
    dir = dirname(dir);
  }
  return (cachedVersion = '0.0.0');
}
