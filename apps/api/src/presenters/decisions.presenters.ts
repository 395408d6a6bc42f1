import { AgentDecisionDto, ClientSavingsDto, CommandDto, DecisionDto, DecisionResultDto, SavingsDayDto, SwitchDto, SwitchImpactDto, SwitchReportResponseDto } from '@spot/contracts';
import { HOURS_PER_MONTH, PlacementPrice, roundMoney, SwitchImpact } from '@spot/calculations';
import { CommandRecord } from '@spot/command-tracker';
import { Page } from '@spot/core';
import { AgentLatestDecision, DecisionRecord, DecisionResult, RecordedSwitch, SavingsOverview, SwitchRecord } from '@spot/decisions';
import { SavingsSnapshotEntity } from '@spot/persistence';

/** Decisions, commands, switches and savings → wire DTOs, field by field. */

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function toCommand(command: CommandRecord): CommandDto {
  return {
    id: command.id,
    agent_id: command.agentId,
    command_type: command.commandType,
    priority: command.priority,
    origin: command.origin,
    status: command.status,
    payload: command.payload,
    created_by: command.createdBy,
    superseded_by: command.supersededBy,
    result: command.result,
    error_message: command.errorMessage,
    execution_duration_ms: command.executionDurationMs,
    created_at: command.createdAt.toISOString(),
    expires_at: iso(command.expiresAt),
    claimed_at: iso(command.claimedAt),
    completed_at: iso(command.completedAt),
  };
}

export function toDecision(decision: DecisionRecord): DecisionDto {
  return {
    id: decision.id,
    agent_id: decision.agentId,
    prediction_id: decision.predictionId,
    engine_name: decision.engineName,
    engine_version: decision.engineVersion,
    decided_at: decision.decidedAt.toISOString(),
    interruption_probability: decision.interruptionProbability,
    confidence_score: decision.confidenceScore,
    recommended_action: decision.recommendedAction,
    recommendation: {
      target: decision.target,
      pool_id: decision.targetPoolId,
      expected_savings_per_h: decision.expectedSavingsPerHour ?? 0,
      risk: decision.targetRisk ?? 0,
      reasons: decision.reasons ?? [],
    },
    current_price: decision.currentPrice,
    target_price: decision.targetPrice,
    fallback_used: decision.fallbackUsed,
    fallback_reason: decision.fallbackReason,
    command_id: decision.commandId,
    latency_ms: decision.latencyMs,
  };
}

export function toDecisionResult(result: DecisionResult): DecisionResultDto {
  return { decision: toDecision(result.decision), outcome: result.outcome, note: result.note, command: result.command ? toCommand(result.command) : null };
}

export function toAgentDecision({ agent, decision }: AgentLatestDecision): AgentDecisionDto {
  return {
    agent_id: agent.id,
    logical_agent_id: agent.logicalAgentId,
    status: agent.status,
    auto_switch_enabled: agent.autoSwitchEnabled,
    current_mode: agent.currentMode,
    current_pool_id: agent.currentPoolId,
    decision: decision ? toDecision(decision) : null,
  };
}

export function toSwitch(row: SwitchRecord): SwitchDto {
  return {
    id: row.id,
    agent_id: row.agentId,
    command_id: row.commandId,
    old_instance_id: row.oldInstanceId,
    old_mode: row.oldMode,
    old_pool_id: row.oldPoolId,
    old_price: row.oldPrice,
    new_instance_id: row.newInstanceId,
    new_mode: row.newMode,
    new_pool_id: row.newPoolId,
    new_price: row.newPrice,
    on_demand_price: row.onDemandPrice,
    savings_impact: row.savingsImpact,
    savings_impact_monthly: row.savingsImpact === null ? null : roundMoney(row.savingsImpact * HOURS_PER_MONTH),
    trigger: row.eventTrigger,
    success: row.success,
    error_message: row.errorMessage,
    downtime_ms: row.downtimeMs,
    initiated_at: row.initiatedAt.toISOString(),
    ami_created_at: iso(row.amiCreatedAt),
    instance_launched_at: iso(row.instanceLaunchedAt),
    instance_ready_at: iso(row.instanceReadyAt),
    old_terminated_at: iso(row.oldTerminatedAt),
    cutover_steps: row.cutoverSteps ? row.cutoverSteps.map((s) => ({ name: s.name, duration_ms: s.durationMs, ok: s.ok })) : null,
  };
}

const placement = (p: PlacementPrice) => ({ price_per_h: p.pricePerHour, savings_per_h: roundMoney(p.savingsPerHour, 6), savings_percent: roundMoney(p.savingsPercent, 2) });

export function toSwitchImpact(impact: SwitchImpact): SwitchImpactDto {
  return {
    before: placement(impact.before),
    after: placement(impact.after),
    improvement_per_h: roundMoney(impact.improvementPerHour, 6),
    improvement_percent: roundMoney(impact.improvementPercent, 2),
    projection: { daily: roundMoney(impact.projection.daily), monthly: roundMoney(impact.projection.monthly), yearly: roundMoney(impact.projection.yearly) },
  };
}

export function toSwitchReport(recorded: RecordedSwitch): SwitchReportResponseDto {
  return { switch: toSwitch(recorded.switch), impact: recorded.impact ? toSwitchImpact(recorded.impact) : null, total_savings: recorded.totalSavings, duplicate: recorded.duplicate };
}

export function toSavingsDay(row: SavingsSnapshotEntity): SavingsDayDto {
  return {
    date: row.snapshotDate,
    on_demand_cost: row.onDemandCost,
    actual_cost: row.actualCost,
    savings: row.savings,
    savings_percent: row.savingsPercent,
    instance_hours: row.instanceHours,
    switch_count: row.switchCount,
    interruption_count: row.interruptionCount,
  };
}

export function toClientSavings(overview: SavingsOverview, daily: Page<SavingsSnapshotEntity>): ClientSavingsDto {
  return {
    total_savings: overview.totalSavings,
    current_savings_per_h: overview.currentHourly,
    projected_monthly: overview.projectedMonthly,
    projected_yearly: overview.projectedYearly,
    today: {
      date: overview.today.date,
      on_demand_cost: overview.today.onDemandCost,
      actual_cost: overview.today.actualCost,
      savings: overview.today.savings,
      savings_percent: overview.today.savingsPercent,
    },
    daily: { items: daily.items.map(toSavingsDay), total: daily.total, limit: daily.limit, offset: daily.offset },
  };
}
