import { DataSource, EntityManager } from 'typeorm';
import { CommandRecord, CommandTracker } from '@spot/command-tracker';
import { Clock, DomainError, IdGenerator, isDomainError, Page, PageRequest } from '@spot/core';
import { AgentRegistry } from '@spot/identity';
import { AgentDecisionHistoryEntity, AgentEntity, insertRow, SystemEventLog, TransactionRunner } from '@spot/persistence';
import { DecisionEngine, DecisionInput } from './engine/contract';
import { ContractEnforcer, EnforcedDecision } from './engine/contract-enforcer';
import { DecisionInputs } from './inputs/decision-inputs';

export type DecisionRecord = Omit<AgentDecisionHistoryEntity, 'agent'>;

/**
 * What became of a decision: a command for the agent (auto-switch on), a recommendation only
 * (auto-switch off, or not asked to act), nothing to do, or a command the queue refused because
 * a higher-priority or running command already covers the workload.
 */
export type DecisionOutcome = 'command-issued' | 'recommendation-only' | 'no-change' | 'command-refused';

export interface DecisionResult {
  decision: DecisionRecord;
  command: CommandRecord | null;
  outcome: DecisionOutcome;
  note: string;
}

export interface AgentLatestDecision {
  agent: AgentEntity;
  decision: DecisionRecord | null;
}

const COMPONENT = 'CORE-DECIDE';
/** agent_decision_history.inputs is TEXT (64 KB on MySQL): keep the stored features inside it. */
const MAX_STORED_INPUT_CHARS = 60_000;

/**
 * The input as stored with the decision. A workload with very many candidate pools keeps the
 * pools the decision involved (its own, the target, flagged ones) and the cheapest others.
 */
export function storedInputs(input: DecisionInput, targetPoolId: string | null): Record<string, unknown> {
  if (JSON.stringify(input).length <= MAX_STORED_INPUT_CHARS) return input as unknown as Record<string, unknown>;
  const must = (c: DecisionInput['candidates'][number]) => c.pool_id === targetPoolId || c.pool_id === input.workload.pool_id || c.flagged;
  const kept = input.candidates.filter(must);
  const others = input.candidates.filter((c) => !must(c)).sort((a, b) => (a.spot_price ?? Infinity) - (b.spot_price ?? Infinity));
  const perCandidate = JSON.stringify(input.candidates[0] ?? {}).length + 1;
  const room = Math.max(0, Math.floor((MAX_STORED_INPUT_CHARS - 4_000) / perCandidate) - kept.length);
  return { ...input, candidates: [...kept, ...others.slice(0, room)], candidates_total: input.candidates.length, candidates_truncated: true };
}

const strip = (row: AgentDecisionHistoryEntity): DecisionRecord => {
  const { agent: _agent, ...record } = row;
  return record;
};

/**
 * The decision service (seed 000 flow 4): gathers an agent's inputs, asks the active engine
 * through the contract enforcer, records every decision in agent_decision_history (inputs,
 * engine, output, reasons, fallback) and, when asked to act and auto-switch is on, queues an
 * automatic switch command (priority 50). With auto-switch off the recommendation is only shown
 * (seed 004).
 */
export class DecisionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly registry: AgentRegistry,
    private readonly inputs: DecisionInputs,
    private readonly enforcer: ContractEnforcer,
    private readonly engine: DecisionEngine,
    private readonly commands: CommandTracker,
    private readonly events: SystemEventLog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** Decides for the agent now and records the decision; `act` lets an auto-switch agent get a command. */
  async decide(agentId: string, options: { act: boolean }): Promise<DecisionResult> {
    const agent = await this.registry.getAgent(agentId);
    const input = await this.inputs.forAgent(agent);
    const enforced = await this.enforcer.run(this.engine, input);
    const recommendation = enforced.output.recommendation;
    const decisionId = this.ids.uuid();

    return this.tx.run(async (manager) => {
      let command: CommandRecord | null = null;
      let outcome: DecisionOutcome;
      let note: string;
      if (recommendation.target === 'stay') {
        outcome = 'no-change';
        note = 'the engine recommends staying where the workload runs';
      } else if (!options.act) {
        outcome = 'recommendation-only';
        note = 'recommendation only: not asked to act on it';
      } else if (!agent.autoSwitchEnabled) {
        outcome = 'recommendation-only';
        note = 'auto-switch is off: the recommendation is shown, a person decides (force-switch)';
      } else {
        ({ command, outcome, note } = await this.queueSwitch(manager, agent, input, enforced, decisionId));
      }

      const target = recommendation.target === 'pool' ? input.candidates.find((c) => c.pool_id === recommendation.pool_id) : null;
      const row: AgentDecisionHistoryEntity = {
        id: decisionId,
        clientId: agent.clientId,
        agentId: agent.id,
        predictionId: enforced.output.prediction_id,
        engineName: enforced.engine.name,
        engineVersion: enforced.engine.version,
        recommendedAction: enforced.output.recommended_action,
        target: recommendation.target,
        targetPoolId: recommendation.pool_id ?? null,
        interruptionProbability: enforced.output.interruption_probability,
        confidenceScore: enforced.output.confidence_score,
        currentPrice: input.workload.current_price_per_h,
        targetPrice: recommendation.target === 'pool' ? (target?.spot_price ?? null) : recommendation.target === 'on-demand' ? input.workload.on_demand_price_per_h : input.workload.current_price_per_h,
        expectedSavingsPerHour: recommendation.expected_savings_per_h,
        targetRisk: recommendation.risk,
        reasons: recommendation.reasons,
        inputs: storedInputs(input, recommendation.pool_id ?? null),
        fallbackUsed: enforced.fallbackUsed,
        fallbackReason: enforced.fallbackReason,
        commandId: command?.id ?? null,
        latencyMs: enforced.latencyMs,
        decidedAt: this.clock.now(),
      };
      await insertRow(manager, AgentDecisionHistoryEntity, row);
      if (enforced.fallbackUsed) {
        await this.events.record(
          {
            eventType: 'decision.engine_fallback',
            component: COMPONENT,
            severity: 'warning',
            clientId: agent.clientId,
            agentId: agent.id,
            message: `Decision engine ${enforced.failedEngine?.name ?? '?'} failed; the rule-based engine answered: ${enforced.fallbackReason}`,
            metadata: { decision_id: decisionId, failed_engine: enforced.failedEngine, reason: enforced.fallbackReason },
          },
          manager,
        );
      }
      return { decision: row, command, outcome, note };
    });
  }

  /** Issues an automatic switch from a fresh decision; refused when the agent's auto-switch is off (seed 004). */
  async issueSwitchCommand(agentId: string): Promise<DecisionResult> {
    const agent = await this.registry.getAgent(agentId);
    if (!agent.autoSwitchEnabled) {
      throw DomainError.conflict('AUTO_SWITCH_DISABLED', 'Auto-switch is off for this agent: recommendations are shown only; a person can force a switch instead');
    }
    return this.decide(agentId, { act: true });
  }

  /** The agent's latest decision if it is at most `maxAgeMs` old, else a fresh one (recorded, not acted on). */
  async currentRecommendation(agentId: string, maxAgeMs: number): Promise<DecisionResult> {
    const latest = await this.repo().findOne({ where: { agentId }, order: { decidedAt: 'DESC', id: 'DESC' } });
    if (!latest || latest.decidedAt.getTime() < this.clock.nowMs() - maxAgeMs) return this.decide(agentId, { act: false });
    const command = latest.commandId ? await this.commands.findById(latest.commandId) : null;
    return {
      decision: strip(latest),
      command,
      outcome: latest.target === 'stay' ? 'no-change' : command ? 'command-issued' : 'recommendation-only',
      note: `latest decision, made at ${latest.decidedAt.toISOString()}`,
    };
  }

  /** The client's agents, each with its latest decision (null when it has none yet). */
  async latestPerAgent(clientId: string, page: PageRequest): Promise<Page<AgentLatestDecision>> {
    const agents = await this.registry.listAgents(clientId, undefined, page);
    const ids = agents.items.map((a) => a.id);
    const latest = new Map<string, DecisionRecord>();
    if (ids.length > 0) {
      // The newest decision per agent via a correlated subquery on (agent_id, decided_at).
      const rows = await this.repo()
        .createQueryBuilder('d')
        .where('d.agent_id IN (:...ids)', { ids })
        .andWhere('d.decided_at = (SELECT MAX(q.decided_at) FROM agent_decision_history q WHERE q.agent_id = d.agent_id)')
        .orderBy('d.id', 'DESC')
        .getMany();
      for (const row of rows) if (!latest.has(row.agentId)) latest.set(row.agentId, strip(row));
    }
    return { ...agents, items: agents.items.map((agent) => ({ agent, decision: latest.get(agent.id) ?? null })) };
  }

  /**
   * Queues the automatic switch, unless the same one is already waiting (re-deciding every 5
   * minutes should not churn the queue) or the queue refuses it (a higher-priority or running
   * command already covers the workload).
   */
  private async queueSwitch(
    manager: EntityManager,
    agent: AgentEntity,
    input: DecisionInput,
    enforced: EnforcedDecision,
    decisionId: string,
  ): Promise<{ command: CommandRecord | null; outcome: DecisionOutcome; note: string }> {
    const { target, pool_id: poolId } = enforced.output.recommendation;
    const queued = await this.queuedSameSwitch(agent.id, target, poolId);
    if (queued) return { command: queued, outcome: 'command-issued', note: 'the same automatic switch is already queued for the agent' };
    try {
      const command = await this.commands.issue(
        {
          clientId: agent.clientId,
          agentId: agent.id,
          commandType: 'switch',
          origin: 'automatic',
          payload: this.switchPayload(input, enforced, decisionId),
          idempotencyKey: `decision:${decisionId}`,
          createdBy: `engine:${enforced.engine.name}`,
        },
        manager,
      );
      return { command, outcome: 'command-issued', note: `automatic switch command queued (priority ${command.priority})` };
    } catch (error) {
      if (!isDomainError(error) || error.kind !== 'conflict') throw error;
      return { command: null, outcome: 'command-refused', note: error.message };
    }
  }

  /** A pending automatic switch to the same target: re-deciding every 5 minutes should not churn the queue. */
  private async queuedSameSwitch(agentId: string, target: string, poolId: string | null): Promise<CommandRecord | null> {
    const open = await this.commands.openFor(agentId);
    return (
      open.find((c) => c.status === 'pending' && c.origin === 'automatic' && c.commandType === 'switch' && c.payload?.target === target && (c.payload?.pool_id ?? null) === (poolId ?? null)) ?? null
    );
  }

  private repo() {
    return this.dataSource.getRepository(AgentDecisionHistoryEntity);
  }

  /** What the agent needs to carry out the move. */
  private switchPayload(input: DecisionInput, enforced: EnforcedDecision, decisionId: string): Record<string, unknown> {
    const r = enforced.output.recommendation;
    const target = r.target === 'pool' ? input.candidates.find((c) => c.pool_id === r.pool_id) : null;
    return {
      target: r.target,
      mode: r.target === 'pool' ? 'spot' : 'on-demand',
      pool_id: r.pool_id ?? null,
      instance_type: target?.instance_type ?? input.workload.instance_type,
      az: target?.availability_zone ?? input.workload.availability_zone,
      expected_price_per_h: target?.spot_price ?? input.workload.on_demand_price_per_h,
      expected_savings_per_h: r.expected_savings_per_h,
      decision_id: decisionId,
      prediction_id: enforced.output.prediction_id,
    };
  }
}
