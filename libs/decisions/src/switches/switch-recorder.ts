import { EntityManager, IsNull } from 'typeorm';
import { switchImpact, SwitchImpact } from '@spot/calculations';
import { InstanceCatalog } from '@spot/catalog';
import { MarketPrices } from '@spot/data-valve';
import { Clock, DomainError, IdGenerator } from '@spot/core';
import { AgentRegistry } from '@spot/identity';
import { AgentEntity, InstanceEntity, insertRow, isUniqueViolation, SwitchEntity, SystemEventLog, TransactionRunner } from '@spot/persistence';
import { SavingsLedger } from '../savings/savings-ledger';

export type SwitchRecord = Omit<SwitchEntity, 'agent'>;

export interface SwitchTimings {
  initiatedAt?: Date | null;
  amiCreatedAt?: Date | null;
  instanceLaunchedAt?: Date | null;
  instanceReadyAt?: Date | null;
  /** Only when the old instance was actually terminated. */
  oldTerminatedAt?: Date | null;
  downtimeMs?: number | null;
  /** Each cut-over step with its duration (issue 14). */
  cutoverSteps?: Array<{ name: string; durationMs: number; ok: boolean }> | null;
}

export interface SwitchInput extends SwitchTimings {
  clientId: string;
  agentId: string;
  /** Chosen by the reporting agent, stable across re-sends. */
  reportId?: string | null;
  commandId?: string | null;
  /** Defaults to the agent's current instance. */
  oldInstanceId?: string | null;
  newInstanceId: string;
  mode: 'spot' | 'on-demand';
  /** `<type>.<az>` of a spot placement; gives type and AZ when those are not given. */
  poolId?: string | null;
  instanceType?: string | null;
  az?: string | null;
  /** $/h of the new placement; defaults to the pool's latest clean price (spot) or the catalog price (on-demand). */
  price?: number | null;
  onDemandPrice?: number | null;
  /** $/h of the old placement; defaults to what its instance record says. */
  oldPrice?: number | null;
  /** automatic | manual | emergency | automatic-interruption-failover | … */
  trigger: string;
  success: boolean;
  errorMessage?: string | null;
}

export interface RecordedSwitch {
  switch: SwitchRecord;
  /** Before/after of the move; null when either price is unknown. */
  impact: SwitchImpact | null;
  /** The client's lifetime savings after the switch; null inside a caller's transaction (see record). */
  totalSavings: number | null;
  /** The same switch had been reported before: nothing changed. */
  duplicate: boolean;
}

const COMPONENT = 'CORE-SWITCH';

/** `m5.large.eu-west-1a` → m5.large in eu-west-1a (types contain dots, AZs do not). */
export function splitPoolId(poolId: string): { instanceType: string; az: string } | null {
  const cut = poolId.lastIndexOf('.');
  if (cut <= 0 || cut === poolId.length - 1) return null;
  return { instanceType: poolId.slice(0, cut), az: poolId.slice(cut + 1) };
}

const strip = (row: SwitchEntity): SwitchRecord => {
  const { agent: _agent, ...record } = row;
  return record;
};

/**
 * What makes two reports the same switch, stored unique per agent in `switches.dedup_key`: the
 * command it carried out, else the agent's report id, else the new instance with the outcome
 * (and, for a failure, when it started). Issue 22 findings 3–4.
 */
function switchDedupKey(input: Pick<SwitchInput, 'reportId' | 'commandId' | 'newInstanceId' | 'success' | 'initiatedAt'>): string {
  if (input.commandId) return `command:${input.commandId}`;
  if (input.reportId) return `report:${input.reportId}`;
  if (input.success) return `instance:${input.newInstanceId}`;
  return `failed:${input.newInstanceId}:${input.initiatedAt ? input.initiatedAt.toISOString() : '-'}`;
}

/**
 * Records a switch (seed 001 switches table, timing fields included): writes the switch and moves
 * the agent's identity to the new instance through the identity lib, in one transaction. The
 * client row is not written: total savings are derived on read (SavingsLedger.totalFor), so
 * switches and failovers of one client never queue on it. A repeated report of the same switch
 * (see switchDedupKey) answers the first record, also when the copies arrive at once: the later
 * copy's transaction fails on a unique key and is run again, finding the first. Owner of `switches`.
 */
export class SwitchRecorder {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly registry: AgentRegistry,
    private readonly catalog: InstanceCatalog,
    private readonly prices: MarketPrices,
    private readonly ledger: SavingsLedger,
    private readonly events: SystemEventLog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /**
   * Inside a caller's transaction (a failover) the answer's totalSavings is null: the hot path
   * reads nothing it does not need. On its own, the total is read after the commit.
   */
  async record(input: SwitchInput, manager?: EntityManager): Promise<RecordedSwitch> {
    if (manager) return this.recordIn(manager, input);
    let recorded: RecordedSwitch;
    try {
      recorded = await this.tx.run((m) => this.recordIn(m, input));
    } catch (error) {
      // A concurrent copy of this report committed first (same dedup key, or the same new
      // instance row): once more, which now finds it and answers it.
      if (!isUniqueViolation(error)) throw error;
      recorded = await this.tx.run((m) => this.recordIn(m, input));
    }
    if (recorded.duplicate || !recorded.switch.success) return recorded;
    return { ...recorded, totalSavings: await this.ledger.totalFor(recorded.switch.clientId) };
  }

  private async recordIn(manager: EntityManager, input: SwitchInput): Promise<RecordedSwitch> {
    // On the transaction's own connection (a read on another would hold a second pooled connection).
    const agent = await this.registry.lockForUpdate(input.agentId, manager);
    if (agent.clientId !== input.clientId) throw DomainError.notFound('agent', input.agentId);

    const previous = await this.findPrevious(manager, input);
    if (previous) return { switch: await this.completeLater(manager, previous, input), impact: null, totalSavings: null, duplicate: true };

    const fromPool = input.poolId ? splitPoolId(input.poolId) : null;
    if (input.poolId && !fromPool) throw DomainError.invalid('INVALID_POOL_ID', `pool_id ${input.poolId} is not <instance type>.<az>`, [{ field: 'pool_id', problems: ['pool_id must look like m5.large.eu-west-1a'] }]);
    const instanceType = input.instanceType ?? fromPool?.instanceType ?? agent.instanceType;
    const az = input.az ?? fromPool?.az ?? agent.az;
    const region = agent.region;
    if (!instanceType || !az || !region) {
      throw DomainError.invalid('PLACEMENT_UNKNOWN', 'instance_type and az of the new instance are required', [{ field: 'instance_type', problems: ['give instance_type and az, or a pool_id'] }]);
    }
    const poolId = input.mode === 'spot' ? (input.poolId ?? `${instanceType}.${az}`) : null;

    const oldInstance = await this.oldInstanceOf(manager, agent, input);
    const oldInstanceId = oldInstance?.instanceId ?? input.oldInstanceId ?? null;
    const oldMode = oldInstance?.currentMode ?? agent.currentMode;
    const oldType = oldInstance?.instanceType ?? agent.instanceType;
    const oldOnDemand = oldInstance?.ondemandPrice ?? (oldType ? (this.catalog.onDemandPrice(region, oldType) ?? null) : null);
    const oldPrice = input.oldPrice ?? (oldMode === 'spot' ? (oldInstance?.spotPrice ?? null) : oldMode === 'on-demand' ? oldOnDemand : null);
    const onDemandPrice = input.onDemandPrice ?? this.catalog.onDemandPrice(region, instanceType) ?? null;
    // Savings before and after are measured against what the workload cost on-demand where it was.
    const baseline = oldOnDemand ?? onDemandPrice;
    const newPrice = input.price ?? (input.mode === 'on-demand' ? onDemandPrice : poolId ? ((await this.prices.latest([poolId])).get(poolId)?.spotPrice ?? null) : null);
    const now = this.clock.now();

    if (input.success) {
      await this.registry.moveToInstance(
        agent.id,
        { instanceId: input.newInstanceId, instanceType, region, az, mode: input.mode, spotPrice: input.mode === 'spot' ? newPrice : null, onDemandPrice },
        now,
        manager,
      );
    }

    const impact = oldPrice !== null && newPrice !== null && baseline !== null ? switchImpact({ oldPricePerHour: oldPrice, newPricePerHour: newPrice, onDemandPricePerHour: baseline }) : null;
    const row: SwitchEntity = {
      id: this.ids.uuid(),
      clientId: agent.clientId,
      agentId: agent.id,
      commandId: input.commandId ?? null,
      dedupKey: switchDedupKey(input),
      oldInstanceId: oldInstanceId ?? null,
      oldMode: oldMode ?? null,
      oldPoolId: oldInstance ? oldInstance.currentPoolId : null,
      oldPrice: oldPrice ?? null,
      newInstanceId: input.newInstanceId,
      newMode: input.mode,
      newPoolId: poolId,
      newPrice: newPrice ?? null,
      onDemandPrice,
      savingsImpact: oldPrice !== null && newPrice !== null ? oldPrice - newPrice : null,
      eventTrigger: input.trigger,
      success: input.success,
      errorMessage: input.success ? null : (input.errorMessage ?? 'the switch failed'),
      downtimeMs: input.downtimeMs ?? null,
      initiatedAt: input.initiatedAt ?? now,
      amiCreatedAt: input.amiCreatedAt ?? null,
      instanceLaunchedAt: input.instanceLaunchedAt ?? null,
      instanceReadyAt: input.instanceReadyAt ?? null,
      oldTerminatedAt: input.oldTerminatedAt ?? null,
      cutoverSteps: input.cutoverSteps ?? null,
      createdAt: now,
    };
    await insertRow(manager, SwitchEntity, row);
    if (row.oldTerminatedAt && oldInstanceId) await this.registry.markInstanceTerminated(agent.clientId, oldInstanceId, row.oldTerminatedAt, manager);
    await this.events.record(
      {
        eventType: input.success ? 'switch.completed' : 'switch.failed',
        component: COMPONENT,
        severity: input.success ? 'info' : 'warning',
        clientId: agent.clientId,
        agentId: agent.id,
        message: input.success
          ? `${input.trigger} switch from ${oldInstanceId ?? 'no instance'} to ${input.newInstanceId} (${input.mode}${poolId ? ` ${poolId}` : ''})`
          : `${input.trigger} switch to ${input.newInstanceId} failed: ${row.errorMessage}`,
        metadata: { switch_id: row.id, command_id: row.commandId, savings_impact: row.savingsImpact, new_pool_id: poolId, trigger: input.trigger },
      },
      manager,
    );
    return { switch: row, impact, totalSavings: null, duplicate: false };
  }

  /**
   * The instance the workload left: the one named in the report, else the agent's current one,
   * unless the new instance already registered (then the agent's latest replaced instance).
   */
  private async oldInstanceOf(manager: EntityManager, agent: AgentEntity, input: SwitchInput): Promise<InstanceEntity | null> {
    if (input.oldInstanceId) return this.registry.findInstance(agent.clientId, input.oldInstanceId, manager);
    if (agent.instanceId && agent.instanceId !== input.newInstanceId) return this.registry.findInstance(agent.clientId, agent.instanceId, manager);
    const replaced = (await this.registry.placementHistory(agent.clientId, manager)).filter((i) => i.agentId === agent.id && i.instanceId !== input.newInstanceId && i.replacedAt !== null);
    return replaced.sort((a, b) => (b.replacedAt as Date).getTime() - (a.replacedAt as Date).getTime())[0] ?? null;
  }

  /**
   * The old instance of the agent's switches away from `oldInstanceId` was terminated at `at`
   * (the leftover-termination job saw it done). Switches that already say when keep their time.
   */
  async recordOldTerminated(agentId: string, oldInstanceId: string, at: Date, manager: EntityManager): Promise<number> {
    const result = await manager.getRepository(SwitchEntity).update({ agentId, oldInstanceId, success: true, oldTerminatedAt: IsNull() }, { oldTerminatedAt: at });
    return result.affected ?? 0;
  }

  /**
   * The agent terminates the old instance after `terminate_wait_seconds`, so it reports the same
   * switch again with `old_terminated_at` (and may add the downtime and steps then): those fill
   * what the first report left empty, and the old instance record turns terminated. Nothing
   * else of the first record changes.
   */
  private async completeLater(manager: EntityManager, previous: SwitchRecord, input: SwitchInput): Promise<SwitchRecord> {
    const fill: Partial<SwitchEntity> = {};
    if (!previous.oldTerminatedAt && input.oldTerminatedAt) fill.oldTerminatedAt = input.oldTerminatedAt;
    if (previous.downtimeMs === null && input.downtimeMs !== undefined && input.downtimeMs !== null) fill.downtimeMs = input.downtimeMs;
    if (!previous.cutoverSteps && input.cutoverSteps) fill.cutoverSteps = input.cutoverSteps;
    if (!Object.keys(fill).length) return previous;
    await manager.getRepository(SwitchEntity).update({ id: previous.id }, fill);
    if (fill.oldTerminatedAt && previous.oldInstanceId) await this.registry.markInstanceTerminated(previous.clientId, previous.oldInstanceId, fill.oldTerminatedAt, manager);
    return { ...previous, ...fill };
  }

  private async findPrevious(manager: EntityManager, input: SwitchInput): Promise<SwitchRecord | null> {
    const repo = manager.getRepository(SwitchEntity);
    // By command first (one query on the failover path); rows from before dedup_key by their old rule.
    const row = input.commandId
      ? await repo.findOneBy({ agentId: input.agentId, commandId: input.commandId })
      : ((await repo.findOneBy({ agentId: input.agentId, dedupKey: switchDedupKey(input) })) ??
        (input.success ? await repo.findOneBy({ agentId: input.agentId, newInstanceId: input.newInstanceId, success: true }) : null));
    return row ? strip(row) : null;
  }
}
