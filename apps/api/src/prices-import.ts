import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Clock, ConfigError, CoreModule, DomainError, loadConfig, SpotConfig, StructuredLogger } from '@spot/core';
import { DataValveModule, parsePriceTrace, PriceTraceImporter, TraceImportResult } from '@spot/data-valve';
import { PersistenceModule } from '@spot/persistence';

const USAGE = `Usage: npm run prices:import -- <file.csv> [--shift-to-now] [--batch-size N]

  Loads a DescribeSpotPriceHistory-style CSV (timestamp,instance_type,az,price; a row whenever
  the price changes) through the data valve: sampled into 5-minute observations carrying the
  last price forward, validated, kept raw, merged into the clean series. Re-importing a file
  stores nothing new.

  --shift-to-now    move the trace so its last change is now (demo data that looks current;
                    without it, history older than the retention windows is purged later)
  --batch-size N    observations per batch/transaction (default 1000)
`;

@Module({})
class PriceImportModule {
  static forRoot(config: SpotConfig, logger: StructuredLogger) {
    return { module: PriceImportModule, imports: [CoreModule.forRoot(config, { component: 'CORE-CLI', logger }), PersistenceModule.forRoot(), DataValveModule] };
  }
}

/** `[#########-----------]  45%  350000/777000  12345 obs/s` on one line, redrawn in place. */
export function progressBar(done: number, total: number, elapsedMs: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  const rate = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}%  ${done}/${total}  ${rate} obs/s`;
}

export async function importPriceFile(
  app: INestApplicationContext,
  file: string,
  options: { shiftToNow?: boolean; batchSize?: number },
  stderr: { write(text: string): unknown; isTTY?: boolean },
): Promise<TraceImportResult> {
  const { changes, errors } = parsePriceTrace(readFileSync(file, 'utf8'));
  for (const error of errors.slice(0, 10)) stderr.write(`skipped ${error}\n`);
  if (changes.length === 0) throw new Error(`${file} holds no price rows`);
  const started = performance.now();
  let lastDraw = 0;
  const result = await app.get(PriceTraceImporter).import(changes, {
    shiftEndTo: options.shiftToNow ? app.get(Clock).now() : undefined,
    batchSize: options.batchSize,
    onProgress: (done, total) => {
      const now = performance.now();
      if (done < total && now - lastDraw < 200) return;
      lastDraw = now;
      const line = progressBar(done, total, now - started);
      stderr.write(stderr.isTTY ? `\r${line}` : `${line}\n`);
    },
  });
  if (stderr.isTTY) stderr.write('\n');
  return result;
}

async function main(argv: string[]): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'shift-to-now': { type: 'boolean', default: false }, 'batch-size': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const file = positionals[0];
  if (!file || values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000)) throw new Error('--batch-size must be an integer from 1 to 5000');
  const base = loadConfig();
  const config: SpotConfig = { ...base, database: { ...base.database, migrateOnStart: true } };
  const logger = new StructuredLogger({ level: 'warn', defaultComponent: 'CORE-CLI' });
  const app = await NestFactory.createApplicationContext(PriceImportModule.forRoot(config, logger), { logger, abortOnError: false });
  try {
    const result = await importPriceFile(app, file, { shiftToNow: values['shift-to-now'], batchSize }, process.stderr);
    process.stdout.write(
      `imported ${file}: ${result.observations} observations, ${result.stored} stored, ${result.duplicates} already known, ${result.rejected} rejected, ${result.bucketsWritten} clean points written\n`,
    );
    for (const reason of result.rejections) process.stdout.write(`  rejected: ${reason}\n`);
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    const message = error instanceof ConfigError || error instanceof DomainError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\n`);
    process.exit(1);
  });
}

export { PriceImportModule };
