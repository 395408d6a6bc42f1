import { InstanceCatalog, OnDemandPriceOrigin } from '@spot/catalog';
import { Clock } from '@spot/core';
import { AgentRegistry } from '@spot/identity';
import { SystemEventLog } from '@spot/persistence';
import { OnDemandPriceRepository } from './ondemand-price-repository';
import { ONDEMAND_REFRESH_EVENT } from './refresh-ondemand-prices';
import { SPOT_ADVISOR_REFRESHED_EVENT, SPOT_ADVISOR_SKIPPED_EVENT } from './refresh-spot-advisor';

export interface PricingStatusReport {
  onDemand: {
    /** aws-price-list when every served region comes from the API, shipped-file when none does, else mixed. */
    source: OnDemandPriceOrigin | 'mixed';
    lastRefreshAt: Date | null;
    lastRefreshMessage: string | null;
    /** Set when the last refresh fell back to the shipped file (no or refused credentials). */
    fallbackReason: string | null;
    skippedEntries: number;
    regions: Array<{ region: string; types: number; source: OnDemandPriceOrigin; fetchedAt: Date | null }>;
  };
  spotAdvisor: {
    source: 'spot-advisor-url' | 'shipped-file';
    lastRefreshAt: Date | null;
    /** Refreshes skipped (wrong shape, unreachable URL…) since the last good one. */
    skippedSinceRefresh: number;
    lastSkipReason: string | null;
  };
}

export interface MissingOnDemandPrice {
  region: string;
  instanceType: string;
  /** Online agents whose decisions lack the on-demand baseline. */
  agents: number;
  reason: string;
}

/** Where the prices in use come from, for /health and the admin data-quality report. */
export class PricingStatus {
  private cached: { at: number; report: PricingStatusReport } | null = null;

  constructor(
    private readonly catalog: InstanceCatalog,
    private readonly repository: OnDemandPriceRepository,
    private readonly events: SystemEventLog,
    private readonly registry: AgentRegistry,
    private readonly clock: Clock,
  ) {}

  /**
   * `maxAgeMs` lets a frequent caller (/health, polled by load balancers) reuse a recent report
   * instead of running its four queries every time.
   */
  async report(options: { maxAgeMs?: number } = {}): Promise<PricingStatusReport> {
    const now = this.clock.nowMs();
    if (this.cached && options.maxAgeMs && now - this.cached.at < options.maxAgeMs) return this.cached.report;
    const report = await this.build();
    this.cached = { at: now, report };
    return report;
  }

  private async build(): Promise<PricingStatusReport> {
    const [table, [lastRefresh], refreshed, skipped] = await Promise.all([
      this.repository.coverage(),
      this.events.recent({ eventType: ONDEMAND_REFRESH_EVENT, limit: 1 }),
      this.events.recent({ eventType: SPOT_ADVISOR_REFRESHED_EVENT, limit: 1 }),
      this.events.recent({ eventType: SPOT_ADVISOR_SKIPPED_EVENT, limit: 100 }),
    ]);
    const fromTable = new Map(table.map((r) => [r.region, r]));
    const regions = this.catalog.onDemandCoverage().map((c) => {
      const row = fromTable.get(c.region);
      return row ? { region: c.region, types: c.types, source: row.source, fetchedAt: row.fetchedAt } : { region: c.region, types: c.types, source: 'shipped-file' as const, fetchedAt: null };
    });
    const sources = new Set(regions.map((r) => r.source));
    const meta = (lastRefresh?.metadata ?? {}) as { fallback_reason?: string | null; skipped_entries?: number };
    const lastGood = refreshed[0]?.createdAt ?? null;
    const skippedSince = skipped.filter((e) => lastGood === null || e.createdAt > lastGood);
    return {
      onDemand: {
        source: sources.size === 1 ? [...sources][0] : sources.size === 0 ? 'shipped-file' : 'mixed',
        lastRefreshAt: lastRefresh?.createdAt ?? null,
        lastRefreshMessage: lastRefresh?.message ?? null,
        fallbackReason: meta.fallback_reason ?? null,
        skippedEntries: meta.skipped_entries ?? 0,
        regions,
      },
      spotAdvisor: {
        source: lastGood ? 'spot-advisor-url' : 'shipped-file',
        lastRefreshAt: lastGood,
        skippedSinceRefresh: skippedSince.length,
        lastSkipReason: ((skippedSince[0]?.metadata ?? {}) as { reason?: string }).reason ?? null,
      },
    };
  }

  /**
   * Region and type pairs that online agents run but that have no on-demand price: their
   * decisions say so ("no on-demand price for …"), and the admin data-quality page lists them.
   */
  async missingOnDemandPrices(): Promise<MissingOnDemandPrice[]> {
    const agents = await this.registry.listOnlineAgents();
    const missing = new Map<string, MissingOnDemandPrice>();
    for (const agent of agents) {
      if (!agent.region || !agent.instanceType) continue;
      if (this.catalog.onDemandQuote(agent.region, agent.instanceType)) continue;
      const key = `${agent.region}|${agent.instanceType}`;
      const entry = missing.get(key) ?? { region: agent.region, instanceType: agent.instanceType, agents: 0, reason: `no on-demand price for ${agent.instanceType} in ${agent.region}` };
      entry.agents += 1;
      missing.set(key, entry);
    }
    return [...missing.values()].sort((a, b) => a.region.localeCompare(b.region) || a.instanceType.localeCompare(b.instanceType));
  }
}
