import { CandidateFeatures, ContractEnforcer, DecisionEngine, DecisionInput, DecisionOutput, RuleBasedEngine } from '@spot/decisions';

const NOW = '2026-11-24T12:00:00.000Z';

const candidate = (poolId: string, spotPrice: number, flagged: boolean): CandidateFeatures => ({
  pool_id: poolId,
  instance_type: 'm5.large',
  availability_zone: poolId.slice(poolId.lastIndexOf('.') + 1),
  same_type: true,
  vcpu: 2,
  memory_gib: 8,
  spot_price: spotPrice,
  price_at: NOW,
  price_confidence: 1,
  on_demand_price: 0.107,
  advisor_bucket: 0,
  advisor_interruption_rate: 0.025,
  volatility: 0,
  price_samples: 12,
  interruptions_7d: 0,
  flagged,
});

const input = (): DecisionInput => ({
  contract_version: 'v1.0',
  features: { instance_type: 'm5.large', availability_zone: 'eu-west-1a', spot_price_history: [], hour_of_day: 12, day_of_week: 2 },
  workload: {
    agent_id: 'agent-1',
    region: 'eu-west-1',
    instance_type: 'm5.large',
    availability_zone: 'eu-west-1a',
    mode: 'on-demand',
    pool_id: null,
    vcpu: 2,
    memory_gib: 8,
    current_price_per_h: 0.107,
    on_demand_price_per_h: 0.107,
  },
  candidates: [candidate('m5.large.eu-west-1b', 0.03, false), candidate('m5.large.eu-west-1c', 0.01, true)],
  last_switch_at: null,
  now: NOW,
});

const good: DecisionOutput = {
  prediction_id: 'ml-1',
  interruption_probability: 0.1,
  confidence_score: 0.9,
  recommended_action: 'SAFE',
  recommendation: { target: 'pool', pool_id: 'm5.large.eu-west-1b', expected_savings_per_h: 0.077, risk: 0.1, reasons: ['model says so'] },
};

class ScriptedEngine extends DecisionEngine {
  readonly name = 'ml-test';
  readonly version = '0.0.1';
  constructor(private readonly answer: (input: DecisionInput) => DecisionOutput | Promise<DecisionOutput>) {
    super();
  }
  decide(input: DecisionInput) {
    return this.answer(input);
  }
}

describe('ContractEnforcer', () => {
  const rules = new RuleBasedEngine();
  const enforcer = new ContractEnforcer(rules, 50);

  it("uses an engine's answer when it honours the contract", async () => {
    const decided = await enforcer.run(new ScriptedEngine(() => good), input());
    expect(decided).toMatchObject({ output: good, engine: { name: 'ml-test', version: '0.0.1' }, fallbackUsed: false, fallbackReason: null, failedEngine: null });
  });

  const failures: Array<[string, (i: DecisionInput) => DecisionOutput | Promise<DecisionOutput>, RegExp]> = [
    [
      'throws',
      () => {
        throw new Error('model file missing');
      },
      /ml-test threw: model file missing/,
    ],
    ['times out', () => new Promise<DecisionOutput>(() => undefined), /ml-test timed out: no answer within 50 ms/],
    ['answers a probability outside [0, 1]', () => ({ ...good, interruption_probability: 1.3 }), /interruption_probability: must be a number in \[0, 1\]/],
    ['answers an action that contradicts its probability', () => ({ ...good, interruption_probability: 0.7 }), /recommended_action: must be AVOID for probability 0.7/],
    ['answers without a recommendation', () => ({ ...good, recommendation: undefined }) as unknown as DecisionOutput, /recommendation: required/],
    ['recommends a pool it was not offered', () => ({ ...good, recommendation: { ...good.recommendation, pool_id: 'x1e.32xlarge.eu-west-1a' } }), /must be one of the input candidates/],
    ['recommends a flagged pool', () => ({ ...good, recommendation: { ...good.recommendation, pool_id: 'm5.large.eu-west-1c' } }), /must not be a flagged pool/],
    ['answers no reasons', () => ({ ...good, recommendation: { ...good.recommendation, reasons: [] } }), /reasons: must be a non-empty list/],
    ['answers garbage', () => 'SAFE' as unknown as DecisionOutput, /output: must be an object/],
  ];

  it.each(failures)('falls back to the rule-based engine when the engine %s, and says why', async (_name, answer, reason) => {
    const decided = await enforcer.run(new ScriptedEngine(answer), input());
    expect(decided.fallbackUsed).toBe(true);
    expect(decided.engine).toEqual({ name: 'rule-based', version: '1.0.0' });
    expect(decided.failedEngine).toEqual({ name: 'ml-test', version: '0.0.1' });
    expect(decided.fallbackReason).toMatch(reason);
    expect(decided.output).toEqual(rules.decide(input()));
  });

  it('gives each engine its own copy of the input', async () => {
    const decided = await enforcer.run(
      new ScriptedEngine((i) => {
        i.candidates.length = 0;
        throw new Error('broke it');
      }),
      input(),
    );
    expect(decided.output.recommendation).toMatchObject({ target: 'pool', pool_id: 'm5.large.eu-west-1b' });
  });

  it('refuses an input that breaks the contract before any engine sees it', async () => {
    let asked = false;
    const bad = { ...input(), features: { ...input().features, hour_of_day: 25 } };
    await expect(
      enforcer.run(
        new ScriptedEngine(() => {
          asked = true;
          return good;
        }),
        bad,
      ),
    ).rejects.toMatchObject({ kind: 'invalid', code: 'CONTRACT_INPUT_INVALID', message: expect.stringContaining('features.hour_of_day') });
    expect(asked).toBe(false);
  });
});
