import { isDomainError, SafeModeSwitch } from '@spot/core';
import { AgentRegistry } from '@spot/identity';
import { SystemEventLog } from '@spot/persistence';
import { DecisionOutcome, DecisionService } from '../decision-service';

export interface DecisionLoopSummary {
  agents: number;
  outcomes: Record<DecisionOutcome, number>;
  /** Agents that have not reported their instance yet. */
  skipped: number;
  failed: number;
}

/**
 * One pass of the decision loop (seed 001: every 5 minutes): every online, enabled agent is
 * evaluated; auto-switch agents get an automatic command when the engine recommends a move,
 * the others a recorded recommendation. One agent's failure does not stop the pass.
 */
export class DecisionLoop {
  static readonly INTERVAL_MINUTES = 5;

  constructor(
    private readonly registry: AgentRegistry,
    private readonly decisions: DecisionService,
    private readonly events: SystemEventLog,
    private readonly safeMode?: SafeModeSwitch,
  ) {}

  async runOnce(): Promise<DecisionLoopSummary> {
    const agents = await this.registry.listOnlineAgents();
    const summary: DecisionLoopSummary = { agents: agents.length, outcomes: { 'command-issued': 0, 'recommendation-only': 0, 'no-change': 0, 'command-refused': 0 }, skipped: 0, failed: 0 };
    // The global SAFE_MODE: recommendations are still recorded, no automatic command goes out.
    const act = !(await this.safeMode?.isOn());
    for (const agent of agents) {
      try {
        const result = await this.decisions.decide(agent.id, { act });
        summary.outcomes[result.outcome] += 1;
      } catch (error) {
        if (isDomainError(error) && error.code === 'AGENT_NOT_PLACED') {
          summary.skipped += 1;
          continue;
        }
        summary.failed += 1;
        await this.events.record({
          eventType: 'decision.failed',
          component: 'CORE-DECIDE',
          severity: 'error',
          clientId: agent.clientId,
          agentId: agent.id,
          message: `Decision for agent ${agent.logicalAgentId} failed: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
    return summary;
  }
}
