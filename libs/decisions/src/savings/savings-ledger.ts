import { Between, DataSource, EntityManager } from 'typeorm';
import { costOver, lifetimeSavings, PriceSegment, projectHourly, roundMoney } from '@spot/calculations';
import { Clock, Page, PageRequest } from '@spot/core';
import { ClientService, AgentRegistry } from '@spot/identity';
import { InstanceEntity, SavingsSnapshotEntity, SwitchEntity } from '@spot/persistence';

const DAY_MS = 86_400_000;

/** What an instance record says about cost: from its switch (or install) until it was replaced. */
export function priceSegmentOf(instance: InstanceEntity): PriceSegment {
  const end = instance.replacedAt ?? instance.terminatedAt ?? (instance.isActive ? null : instance.updatedAt);
  return {
    start: instance.lastSwitchAt ?? instance.installedAt,
    end,
    pricePerHour: instance.currentMode === 'spot' ? instance.spotPrice : instance.ondemandPrice,
    onDemandPricePerHour: instance.ondemandPrice,
  };
}

/** YYYY-MM-DD of a UTC day. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);
const dayStart = (day: string) => new Date(`${day}T00:00:00.000Z`);

/** Triggers that mean AWS took the capacity back. */
const INTERRUPTION_TRIGGERS = ['emergency', 'automatic-interruption-failover', 'interruption', 'termination'];

export interface SavingsOverview {
  /** Lifetime savings up to now, derived from the instance records on every read. */
  totalSavings: number;
  /** Savings per hour of the instances running now, and its projections. */
  currentHourly: number;
  projectedMonthly: number;
  projectedYearly: number;
  /** Today so far (UTC), computed live. */
  today: { date: string; onDemandCost: number; actualCost: number; savings: number; savingsPercent: number };
}

/**
 * A client's money: lifetime total_savings and the daily savings_snapshots, both computed by the
 * calculations lib from where the client's workloads ran and at what price (instance records).
 * Recomputed, never incremented, so every call is idempotent. Owner of savings_snapshots.
 *
 * The lifetime total the API shows is derived on read (`totalFor`), never written by a switch:
 * writing `clients.total_savings` inside a switch made every failover of one client wait for the
 * others on the client row (issue 22, docs/benchmarks.md "failover"). The stored column is a
 * daily cache, refreshed by the savings job.
 */
export class SavingsLedger {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: AgentRegistry,
    private readonly clients: ClientService,
    private readonly clock: Clock,
  ) {}

  /** The client's lifetime savings up to now, from its instance records (a read; nothing is written). */
  async totalFor(clientId: string, manager?: EntityManager): Promise<number> {
    const segments = (await this.registry.placementHistory(clientId, manager)).map(priceSegmentOf);
    return roundMoney(lifetimeSavings(segments, this.clock.now()));
  }

  /** totalFor of several clients (an admin page of clients). */
  async totalsFor(clientIds: string[]): Promise<Map<string, number>> {
    const totals = new Map<string, number>();
    for (const clientId of clientIds) totals.set(clientId, await this.totalFor(clientId));
    return totals;
  }

  /** Recomputes and stores the client's lifetime savings up to now (the daily cache in clients.total_savings). */
  async refreshTotal(clientId: string, manager?: EntityManager): Promise<number> {
    const total = await this.totalFor(clientId, manager);
    await this.clients.setTotalSavings(clientId, total, this.clock.now(), manager);
    return total;
  }

  /** Writes (or rewrites) the client's snapshot of one finished UTC day. */
  async snapshotDay(clientId: string, day: string): Promise<SavingsSnapshotEntity> {
    const from = dayStart(day);
    const to = new Date(from.getTime() + DAY_MS);
    const segments = (await this.registry.placementHistory(clientId)).map(priceSegmentOf);
    const cost = costOver(segments, from, to);
    const switches = await this.dataSource.getRepository(SwitchEntity).find({
      select: { id: true, eventTrigger: true },
      where: { clientId, initiatedAt: Between(from, new Date(to.getTime() - 1)) },
    });
    const snapshot: SavingsSnapshotEntity = {
      clientId,
      snapshotDate: day,
      onDemandCost: roundMoney(cost.onDemandCost),
      actualCost: roundMoney(cost.actualCost),
      savings: roundMoney(cost.savings),
      savingsPercent: roundMoney(cost.savingsPercent, 2),
      instanceHours: roundMoney(cost.hours),
      switchCount: switches.length,
      interruptionCount: switches.filter((s) => INTERRUPTION_TRIGGERS.includes(s.eventTrigger)).length,
      createdAt: this.clock.now(),
    };
    // upsert: the job may run again for the same day (restart, a late switch report).
    await this.dataSource.getRepository(SavingsSnapshotEntity).upsert(snapshot, ['clientId', 'snapshotDate']);
    return snapshot;
  }

  /** Daily job: yesterday's snapshot and a fresh total for every active client. */
  async snapshotYesterdayForAll(): Promise<{ clients: number; day: string }> {
    const day = utcDay(new Date(this.clock.nowMs() - DAY_MS));
    const ids = await this.clients.listActiveClientIds();
    for (const clientId of ids) {
      await this.snapshotDay(clientId, day);
      await this.refreshTotal(clientId);
    }
    return { clients: ids.length, day };
  }

  async overview(clientId: string): Promise<SavingsOverview> {
    const now = this.clock.now();
    await this.clients.getClient(clientId);
    const segments = (await this.registry.placementHistory(clientId)).map(priceSegmentOf);
    const running = segments.filter((s) => s.end === null && s.pricePerHour !== null && s.onDemandPricePerHour !== null);
    const currentHourly = running.reduce((sum, s) => sum + ((s.onDemandPricePerHour as number) - (s.pricePerHour as number)), 0);
    const today = utcDay(now);
    const cost = costOver(segments, dayStart(today), now);
    const projection = projectHourly(currentHourly);
    return {
      totalSavings: roundMoney(lifetimeSavings(segments, now)),
      currentHourly: roundMoney(currentHourly, 6),
      projectedMonthly: roundMoney(projection.monthly),
      projectedYearly: roundMoney(projection.yearly),
      today: { date: today, onDemandCost: roundMoney(cost.onDemandCost), actualCost: roundMoney(cost.actualCost), savings: roundMoney(cost.savings), savingsPercent: roundMoney(cost.savingsPercent, 2) },
    };
  }

  /** Snapshots of finished days, newest first. */
  async dailySnapshots(clientId: string, page: PageRequest): Promise<Page<SavingsSnapshotEntity>> {
    const [items, total] = await this.dataSource.getRepository(SavingsSnapshotEntity).findAndCount({
      where: { clientId },
      order: { snapshotDate: 'DESC' },
      skip: page.offset,
      take: page.limit,
    });
    return { items, total, limit: page.limit, offset: page.offset };
  }
}
