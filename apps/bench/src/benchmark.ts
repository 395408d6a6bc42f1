/** One benchmark: runs, prints progress to stderr, and returns the summary printed as the final JSON line. */
export interface Benchmark {
  name: string;
  description: string;
  run(options: BenchmarkOptions): Promise<Record<string, unknown>>;
}

export interface BenchmarkOptions {
  /** DATABASE_URL to run against (`sqlite:<path>` or `mysql://…`); the runner makes a fresh one when unset. */
  databaseUrl: string;
  dialect: 'sqlite' | 'mysql';
  /** Extra `--key=value` arguments after the benchmark's name. */
  args: Record<string, string>;
  progress(message: string): void;
}
