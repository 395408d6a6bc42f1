import { runBacktestCli } from '../src/cli';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runBacktestCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('npm run backtest', () => {
  it('ends with one JSON line on stdout and shows progress on stderr', async () => {
    const { code, stdout, stderr } = await cli('--json', '--seed', '2', '--from', '2022-03-01T00:00:00Z', '--to=2022-03-01T06:00:00Z');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]);
    expect(report).toMatchObject({ engine: 'learned', seed: 2, workloads: 10, hours: 6 });
    expect(Object.keys(report.results)).toEqual(['engine', 'on_demand', 'static_spot', 'greedy_cheapest', 'risk_first', 'oracle']);
    expect(stderr).toMatch(/\[backtest\] 30 pools from .*engine learned, seed 2/);
    expect(stderr).toMatch(/\[backtest\] engine +100 %/);
    expect(stderr).toMatch(/\[backtest\] done in/);
  }, 60_000);

  it('runs walk-forward with --since and prints a table without --json', async () => {
    const { code, stdout } = await cli('--engine', 'rule-based', '--since', '2022-03-01T00:00:00Z', '--from', '2022-03-01T06:00:00Z', '--to', '2022-03-01T12:00:00Z');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^10 workloads, 6 h, seed 1\n/);
    // Already on spot when the measured window opens: static_spot books no launch switch in it.
    expect(stdout).toMatch(/static_spot .* 100\.000000 +0 +0\.00\n/);
  }, 60_000);

  it.each([
    [['--seed', 'x'], /--seed must be an integer, got x/],
    [['--from', 'yesterday'], /--from must be an ISO time, got yesterday/],
    [['--engine', 'magic'], /--engine must be one of learned, rule-based, got magic/],
    [['--frm', '2022-01-01'], /unknown option --frm/],
    [['--region', 'us-east-1'], /no prices in region us-east-1/],
    [['--prices', '/nonexistent/prices.csv'], /ENOENT.*\/nonexistent\/prices\.csv/],
    [['--to'], /--to needs a value/],
    [['--since', '2022-03-02T00:00:00Z', '--from', '2022-03-01T00:00:00Z'], /at or before the measured window/],
    [['--from', '2022-03-02T00:00:00Z', '--to', '2022-03-01T00:00:00Z'], /the window is empty/],
  ])('refuses %j with exit code 2, the reason and the usage', async (argv, reason) => {
    const { code, stdout, stderr } = await cli(...(argv as string[]));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(reason as RegExp);
    expect(stderr).toMatch(/Usage: npm run backtest/);
  });
});
