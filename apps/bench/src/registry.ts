import { Benchmark } from './benchmark';

/** Every benchmark `npm run bench -- <name>` can run; each lives in ./benchmarks. */
export const BENCHMARKS: Benchmark[] = [];
