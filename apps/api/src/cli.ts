import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, CoreModule, DomainError, loadConfig, SpotConfig, StructuredLogger } from '@spot/core';
import { AccountService, ClientService, IdentityModule } from '@spot/identity';
import { PersistenceModule } from '@spot/persistence';

const USAGE = `Usage: npm run cli -- <command> [options]

  migrate                                   apply pending database migrations
  create-admin --email E --password P       create a super-admin (--reset-password to change an existing one's)
  create-client --name N [--email E] [--plan P] [--max-agents N] [--max-instances N]
                                            create a client and print its client token (shown once)
`;

@Module({})
class CliModule {
  static forRoot(config: SpotConfig, logger: StructuredLogger) {
    return { module: CliModule, imports: [CoreModule.forRoot(config, { component: 'CORE-CLI', logger }), PersistenceModule.forRoot(), IdentityModule] };
  }
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      'reset-password': { type: 'boolean', default: false },
      name: { type: 'string' },
      plan: { type: 'string' },
      'max-agents': { type: 'string' },
      'max-instances': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (!command || values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const base = loadConfig();
  // The CLI always brings the schema up to date first: `migrate` is just that, alone.
  const config: SpotConfig = { ...base, database: { ...base.database, migrateOnStart: true } };
  const logger = new StructuredLogger({ level: 'warn', defaultComponent: 'CORE-CLI' });
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, logger), { logger, abortOnError: false });
  try {
    switch (command) {
      case 'migrate':
        process.stdout.write(`database (${config.database.dialect}) is up to date\n`);
        break;
      case 'create-admin': {
        if (!values.email || !values.password) throw new Error('create-admin needs --email and --password');
        if (values.password.length < 8 || Buffer.byteLength(values.password) > 72) throw new Error('--password must be 8 to 72 bytes');
        const outcome = await app.get(AccountService).ensureSuperAdmin(values.email, values.password, { resetPassword: values['reset-password'] });
        process.stdout.write(
          outcome === 'unchanged' ? `super-admin ${values.email} already exists (use --reset-password to change its password)\n` : `super-admin ${values.email} ${outcome}\n`,
        );
        break;
      }
      case 'create-client': {
        if (!values.name) throw new Error('create-client needs --name');
        const { client, clientToken } = await app.get(ClientService).createClient(
          {
            name: values.name,
            email: values.email?.toLowerCase(),
            plan: values.plan,
            maxAgents: positiveInt(values['max-agents'], '--max-agents'),
            maxInstances: positiveInt(values['max-instances'], '--max-instances'),
          },
          'cli',
        );
        process.stdout.write(`client ${client.name} created\n  id:           ${client.id}\n  client token: ${clientToken}\n(store the token now: it is not shown again)\n`);
        break;
      }
      default:
        throw new Error(`unknown command "${command}"\n\n${USAGE}`);
    }
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof DomainError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
});
