import { Benchmark } from './benchmark';
import { decisionLoopBenchmark } from './benchmarks/decision-loop.bench';
import { failoverBenchmark } from './benchmarks/failover.bench';

/** Every benchmark `npm run bench -- <name>` can run; each lives in ./benchmarks. */
export const BENCHMARKS: Benchmark[] = [decisionLoopBenchmark, failoverBenchmark];
