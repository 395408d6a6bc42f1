import { Benchmark } from './benchmark';
import { dataValveBenchmark } from './benchmarks/data-valve.bench';
import { decisionLoopBenchmark } from './benchmarks/decision-loop.bench';
import { emergencyAdmissionBenchmark } from './benchmarks/emergency-admission.bench';
import { failoverBenchmark } from './benchmarks/failover.bench';
import { scaleOutBenchmark } from './benchmarks/scale-out.bench';
import { switchDowntimeBenchmark } from './benchmarks/switch-downtime.bench';

/** Every benchmark `npm run bench -- <name>` can run; each lives in ./benchmarks. */
export const BENCHMARKS: Benchmark[] = [dataValveBenchmark, decisionLoopBenchmark, failoverBenchmark, emergencyAdmissionBenchmark, switchDowntimeBenchmark, scaleOutBenchmark];
