import * as ort from 'onnxruntime-node';
import { DecisionInput } from '@spot/decisions';
import { DEFAULT_LEARNED_POLICY, LearnedPolicy, RiskRankingEngine, RiskView } from '../engine/learned-engine';
import { featureMatrix, FEATURE_COLUMNS, MODEL_INPUT_NAME, modelOutputProblems } from './onnx-contract';

const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;

/** Interruption probabilities from a model for every pool of the input. */
export async function predictPools(session: ort.InferenceSession, input: DecisionInput): Promise<Map<string, number>> {
  const matrix = featureMatrix(input);
  const out = await session.run({ [MODEL_INPUT_NAME]: new ort.Tensor('float32', Array.from(matrix.data), [matrix.rows, FEATURE_COLUMNS.length]) });
  const first = out[session.outputNames[0]];
  const values = Array.from(first.data as ArrayLike<number>, Number);
  const problems = modelOutputProblems(values, first.dims.map(Number), matrix.rows);
  if (problems.length > 0) throw new Error(`the model broke its contract: ${problems.join('; ')}`);
  return new Map(matrix.poolIds.map((id, i) => [id, values[i]]));
}

/**
 * An uploaded ONNX model as a decision engine: the model gives each pool's interruption
 * probability, the shared risk-ranking policy turns it into a recommendation.
 */
export class OnnxModelEngine extends RiskRankingEngine {
  private constructor(
    name: string,
    version: string,
    private readonly session: ort.InferenceSession,
    policy: LearnedPolicy,
  ) {
    super(
      name,
      version,
      async (input) => {
        const risks = await predictPools(session, input);
        return (poolId): RiskView => {
          const risk = Math.round((risks.get(poolId) ?? 0) * 10_000) / 10_000;
          return { risk, evidenceWeight: 1, referencePrice: null, explanation: `${poolId}: ${pct(risk)} interruption risk per 30 days (model ${name} ${version})` };
        };
      },
      policy,
    );
  }

  static async load(path: string, name: string, version: string, policy: LearnedPolicy = DEFAULT_LEARNED_POLICY): Promise<OnnxModelEngine> {
    const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    return new OnnxModelEngine(name, version, session, policy);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
