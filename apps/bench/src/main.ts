import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { parseMysqlUrl } from '@spot/persistence';
import { BENCHMARKS } from './registry';

/**
 * `npm run bench -- <name> [--db=sqlite|mysql] [--key=value …]`
 * Runs one benchmark on a fresh database (SQLite temp file, or a new MySQL database on
 * MYSQL_URL / mysql://root@127.0.0.1:3306) and prints its summary as the final line, in JSON.
 */
async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  const args = Object.fromEntries(rest.filter((a) => a.startsWith('--')).map((a) => {
    const [key, ...value] = a.slice(2).split('=');
    return [key, value.join('=') || 'true'];
  }));
  const benchmark = BENCHMARKS.find((b) => b.name === name);
  if (!benchmark) {
    process.stderr.write(`Usage: npm run bench -- <name> [--db=sqlite|mysql]\n\nBenchmarks:\n${BENCHMARKS.map((b) => `  ${b.name.padEnd(14)} ${b.description}`).join('\n')}\n`);
    process.exitCode = name ? 2 : 0;
    return;
  }
  const dialect = args.db === 'mysql' ? 'mysql' : 'sqlite';
  const progress = (message: string) => process.stderr.write(`[bench ${benchmark.name}] ${message}\n`);
  let databaseUrl: string;
  let dispose: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'spot-bench-'));
    databaseUrl = `sqlite:${join(dir, 'spot.db')}`;
    dispose = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const base = new URL(process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/spot_bench');
    const dbName = `spot_bench_${benchmark.name.replace(/\W/g, '_')}_${process.pid}`;
    base.pathname = `/${dbName}`;
    databaseUrl = base.toString();
    dispose = async () => {
      const target = parseMysqlUrl(databaseUrl);
      const connection = await createConnection({ host: target.host, port: target.port, user: target.user, password: target.password });
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
      } finally {
        await connection.end();
      }
    };
  }
  try {
    const summary = await benchmark.run({ databaseUrl, dialect, args, progress });
    process.stdout.write(`${JSON.stringify({ benchmark: benchmark.name, ...summary, db: dialect })}\n`);
  } finally {
    await dispose();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
