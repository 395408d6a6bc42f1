import { join } from 'node:path';
import { defaultDataDirectory, InstanceCatalog } from '@spot/catalog';
import { loadMarketModel, SHIPPED_PRICE_TRACE } from '@spot/market-model';
import { BacktestReport, ENGINE_NAMES, EngineName, runBacktest, STRATEGY_NAMES } from '@spot/backtest';

const USAGE = `Usage: npm run backtest -- [--prices <csv>] [--ondemand <csv>] [--advisor <json>] [--region eu-west-1]
                            [--engine ${ENGINE_NAMES.join('|')}] [--seed <n>] [--from <iso>] [--to <iso>]
                            [--since <iso>] [--json]

Replays a DescribeSpotPriceHistory trace through the decision engine and the baselines
(on_demand, static_spot, greedy_cheapest, risk_first, oracle) with seeded interruptions.
Defaults: the trace, on-demand prices and Spot Advisor data in resources/aws-data, eu-west-1,
the learned engine, seed 1, the whole trace. Progress goes to stderr; --json prints one JSON line.
--since <iso> runs a walk-forward test: the deployment starts then, every strategy carries its
placements (and the engine what it learned) into [--from, --to), and only that window is counted.`;

const FLAGS = ['prices', 'ondemand', 'advisor', 'region', 'engine', 'seed', 'from', 'to', 'since'] as const;
type Flag = (typeof FLAGS)[number];

/** `--name value` and `--name=value`; `--json` and `--help` take no value. */
function parseArgs(argv: string[]): { values: Partial<Record<Flag, string>>; json: boolean; help: boolean } {
  const values: Partial<Record<Flag, string>> = {};
  let json = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
      if (!(FLAGS as readonly string[]).includes(name)) throw new Error(`unknown option --${name}`);
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
      values[name as Flag] = value;
    } else throw new Error(`unexpected argument ${arg}`);
  }
  return { values, json, help };
}

function dateOption(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`--${name} must be an ISO time, got ${value}`);
  return date;
}

function table(report: BacktestReport): string {
  const head = ['strategy', 'cost $', 'savings %', 'vs oracle', 'interruptions', 'downtime s', 'availability %', 'switches', 'replica h'];
  const rows = STRATEGY_NAMES.map((name) => {
    const r = report.results[name];
    return [name === 'engine' ? `engine (${report.engine})` : name, r.cost_usd.toFixed(2), r.savings_pct.toFixed(2), r.cost_vs_oracle.toFixed(4), String(r.interruptions), String(r.downtime_s), r.availability_pct.toFixed(6), String(r.switches), r.replica_hours.toFixed(2)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [`${report.workloads} workloads, ${report.hours} h, seed ${report.seed}`, line(head), ...rows.map(line)].join('\n');
}

export interface CliStreams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

async function run(argv: string[], out: CliStreams): Promise<void> {
  const { values, json, help } = parseArgs(argv);
  if (help) {
    out.stdout(`${USAGE}\n`);
    return;
  }
  const data = defaultDataDirectory();
  const pricesPath = values.prices ?? join(data, SHIPPED_PRICE_TRACE);
  const region = values.region ?? 'eu-west-1';
  const engine = (values.engine ?? 'learned') as EngineName;
  if (!ENGINE_NAMES.includes(engine)) throw new Error(`--engine must be one of ${ENGINE_NAMES.join(', ')}, got ${values.engine}`);
  const seed = Number(values.seed ?? '1');
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);

  const started = performance.now();
  const catalog = InstanceCatalog.fromFiles(values.advisor ?? join(data, 'spot-advisor-data.json'), values.ondemand ?? join(data, 'ondemand-eu-west-1-linux.csv'));
  const market = loadMarketModel({ seed, region, prices: pricesPath, catalog });
  out.stderr(`[backtest] ${market.pools().length} pools from ${pricesPath}, engine ${engine}, seed ${seed}\n`);
  let lastLine = '';
  const report = await runBacktest({
    market,
    catalog,
    region,
    engine,
    from: dateOption('from', values.from),
    to: dateOption('to', values.to),
    since: dateOption('since', values.since),
    onProgress: (strategy, done) => {
      const line = `[backtest] ${strategy.padEnd(15)} ${Math.floor(done * 100)} %`;
      if (line !== lastLine) out.stderr(`${line}\n`);
      lastLine = line;
    },
  });
  out.stderr(`[backtest] done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  out.stdout(json ? `${JSON.stringify(report)}\n` : `${table(report)}\n`);
}

/** `npm run backtest -- …`: the exit code (0, or 2 after a usage error told on stderr). */
export async function runBacktestCli(argv: string[], out: CliStreams = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }): Promise<number> {
  try {
    await run(argv, out);
    return 0;
  } catch (error: unknown) {
    out.stderr(`backtest: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
}
