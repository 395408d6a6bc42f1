import { Benchmark } from './benchmark';
import { failoverBenchmark } from './benchmarks/failover.bench';

/** Every benchmark `npm run bench -- <name>` can run; each lives in ./benchmarks. */
export const BENCHMARKS: Benchmark[] = [failoverBenchmark];
