import { DomainError } from '@spot/core';
import { DecisionEngine, DecisionInput, DecisionOutput, inputProblems, outputProblems } from './contract';
import { RuleBasedEngine } from './rule-based-engine';

export interface EnforcedDecision {
  output: DecisionOutput;
  /** The engine whose answer is used. */
  engine: { name: string; version: string };
  /** The chosen engine threw, timed out or broke the contract; the rule-based engine answered. */
  fallbackUsed: boolean;
  fallbackReason: string | null;
  /** The engine that was asked first, when it is not the one that answered. */
  failedEngine: { name: string; version: string } | null;
  latencyMs: number;
}

/** How long an engine may take before the rule-based engine answers instead. */
export const DEFAULT_ENGINE_TIMEOUT_MS = 2000;

class EngineTimeout extends Error {}

/**
 * The engine's own copy of a (validated) input: the contract's shape is known and every leaf is a
 * primitive, so copying it field by field is exact, and ~20× faster than structuredClone, which
 * matters when the backtest decides hundreds of thousands of times.
 */
function copyInput(input: DecisionInput): DecisionInput {
  return {
    ...input,
    features: { ...input.features, spot_price_history: [...input.features.spot_price_history] },
    workload: { ...input.workload },
    candidates: input.candidates.map((c) => ({ ...c })),
  };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EngineTimeout(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The I/O contract enforcer (seed 000 Decision Engine component): checks the input before any
 * engine sees it, gives each engine its own copy, bounds its time, checks its answer, and falls
 * back to the rule-based engine when the engine throws, times out or answers out of contract.
 */
export class ContractEnforcer {
  constructor(
    private readonly fallback: RuleBasedEngine,
    private readonly timeoutMs: number = DEFAULT_ENGINE_TIMEOUT_MS,
  ) {}

  async run(engine: DecisionEngine, input: DecisionInput): Promise<EnforcedDecision> {
    const problems = inputProblems(input);
    if (problems.length > 0) {
      throw DomainError.invalid('CONTRACT_INPUT_INVALID', `decision input breaks the ${input?.contract_version ?? 'v1.0'} contract: ${problems.join('; ')}`);
    }
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let fallbackReason: string;
    try {
      const output = await withTimeout(Promise.resolve().then(() => engine.decide(copyInput(input))), this.timeoutMs);
      const broken = outputProblems(output, input);
      if (broken.length === 0) return { output, engine: { name: engine.name, version: engine.version }, fallbackUsed: false, fallbackReason: null, failedEngine: null, latencyMs: elapsed() };
      fallbackReason = `${engine.name} answered out of contract: ${broken.join('; ')}`;
    } catch (error) {
      fallbackReason = error instanceof EngineTimeout ? `${engine.name} timed out: ${error.message}` : `${engine.name} threw: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (engine === this.fallback) throw new Error(`the rule-based engine failed its own contract: ${fallbackReason}`);
    const output = this.fallback.decide(copyInput(input));
    const broken = outputProblems(output, input);
    if (broken.length > 0) throw new Error(`the rule-based engine failed its own contract: ${broken.join('; ')}`);
    return {
      output,
      engine: { name: this.fallback.name, version: this.fallback.version },
      fallbackUsed: true,
      fallbackReason: fallbackReason.slice(0, 2000),
      failedEngine: { name: engine.name, version: engine.version },
      latencyMs: elapsed(),
    };
  }
}
