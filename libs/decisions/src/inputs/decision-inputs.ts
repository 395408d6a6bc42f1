import { DataSource } from 'typeorm';
import { InstanceCatalog } from '@spot/catalog';
import { CacheFactory, Clock, DomainError, TtlCache } from '@spot/core';
import { CandidatePools, MarketPrices } from '@spot/data-valve';
import { GlobalRiskTracker } from '@spot/global-risk';
import { AgentRegistry } from '@spot/identity';
import { AgentEntity, SwitchEntity } from '@spot/persistence';
import { CandidateFeatures, CONTRACT_VERSION, DecisionInput } from '../engine/contract';
import { PoolInterruptionHistory } from './pool-interruption-history';

const HOUR_MS = 3_600_000;
/** Window of a pool's price volatility. */
const VOLATILITY_WINDOW_MS = 24 * HOUR_MS;
/** Window of the seed-003 `spot_price_history` feature. */
const HISTORY_WINDOW_MS = 6 * HOUR_MS;
const HISTORY_MAX_POINTS = 72;
const INTERRUPTION_WINDOW_MS = 7 * 24 * HOUR_MS;
/**
 * The market side of a workload type (candidate pools, prices, Advisor, volatility) is shared by
 * every agent of that type and moves in 5-minute buckets: one read serves a whole loop pass.
 */
const MARKET_TTL_MS = 60_000;

type MarketFeatures = Omit<CandidateFeatures, 'flagged' | 'interruptions_7d'>;

/**
 * Gathers what an engine decides from, for one agent: its workload, every candidate pool (own
 * type in every AZ and similar types) with price, Spot Advisor bucket, volatility, recent
 * interruptions and global-risk flag, its last switch and the time. Engines themselves stay pure.
 */
export class DecisionInputs {
  private readonly market: TtlCache;

  constructor(
    private readonly dataSource: DataSource,
    private readonly catalog: InstanceCatalog,
    private readonly candidatePools: CandidatePools,
    private readonly prices: MarketPrices,
    private readonly globalRisk: GlobalRiskTracker,
    private readonly interruptions: PoolInterruptionHistory,
    private readonly registry: AgentRegistry,
    private readonly clock: Clock,
    caches: CacheFactory,
  ) {
    this.market = caches.namespace('decisions:market', { maxEntries: 10_000 });
  }

  async forAgent(agent: AgentEntity): Promise<DecisionInput> {
    const { instanceType, region, az } = agent;
    if (!instanceType || !region || !az || !agent.instanceId) {
      throw DomainError.conflict('AGENT_NOT_PLACED', `Agent ${agent.logicalAgentId} has not reported the instance it runs on yet`);
    }
    const now = this.clock.now();
    const market = await this.marketFor(region, instanceType, now);
    const poolIds = market.map((p) => p.pool_id);
    const [flagged, interruptions, instance, lastSwitch] = await Promise.all([
      this.globalRisk.flaggedAmong(poolIds),
      this.interruptions.countsSince(poolIds, new Date(now.getTime() - INTERRUPTION_WINDOW_MS)),
      this.registry.findInstance(agent.clientId, agent.instanceId),
      this.dataSource.getRepository(SwitchEntity).findOne({ select: { id: true, initiatedAt: true }, where: { agentId: agent.id, success: true }, order: { initiatedAt: 'DESC' } }),
    ]);
    // Flags and interruptions are read fresh for every decision: they are what changes suddenly.
    const candidates: CandidateFeatures[] = market.map((p) => ({ ...p, interruptions_7d: interruptions.get(p.pool_id) ?? 0, flagged: flagged.has(p.pool_id) }));

    const mode = agent.currentMode;
    const featurePoolId = agent.currentPoolId ?? `${instanceType}.${az}`;
    const history = await this.priceHistory(featurePoolId, now);
    const quote = this.catalog.onDemandQuote(region, instanceType);
    const onDemand = quote?.pricePerHour ?? instance?.ondemandPrice ?? null;
    const onDemandSource = quote
      ? quote.fetchedAt
        ? `${quote.source} (fetched ${quote.fetchedAt.toISOString().slice(0, 10)})`
        : quote.source
      : onDemand !== null
        ? 'the price recorded with the instance'
        : null;
    const ownPool = candidates.find((c) => c.pool_id === agent.currentPoolId);
    const currentPrice = mode === 'on-demand' ? onDemand : mode === 'spot' ? (ownPool?.spot_price ?? instance?.spotPrice ?? null) : null;
    const info = this.catalog.get(instanceType);
    return {
      contract_version: CONTRACT_VERSION,
      features: {
        instance_type: instanceType,
        availability_zone: az,
        spot_price_history: history,
        hour_of_day: now.getUTCHours(),
        day_of_week: now.getUTCDay(),
      },
      workload: {
        agent_id: agent.id,
        region,
        instance_type: instanceType,
        availability_zone: az,
        mode,
        pool_id: agent.currentPoolId,
        vcpu: info?.vcpu ?? null,
        memory_gib: info?.memoryGiB ?? null,
        current_price_per_h: currentPrice,
        on_demand_price_per_h: onDemand,
        on_demand_price_source: onDemandSource,
      },
      candidates,
      last_switch_at: lastSwitch?.initiatedAt.toISOString() ?? null,
      now: now.toISOString(),
    };
  }

  /** The seed-003 `spot_price_history` feature of a pool: its last 6 hours, oldest first. */
  private async priceHistory(poolId: string, now: Date): Promise<number[]> {
    const key = `history|${poolId}`;
    const cached = await this.market.get<number[]>(key);
    if (cached) return cached;
    const series = await this.prices.series(poolId, new Date(now.getTime() - HISTORY_WINDOW_MS), now);
    const history = series.slice(-HISTORY_MAX_POINTS).map((p) => p.spotPrice);
    await this.market.set(key, history, MARKET_TTL_MS);
    return history;
  }

  /** Candidate pools of a workload type with their prices, Advisor bucket and volatility. */
  private async marketFor(region: string, instanceType: string, now: Date): Promise<MarketFeatures[]> {
    const key = `${region}|${instanceType}`;
    const cached = await this.market.get<MarketFeatures[]>(key);
    if (cached) return cached;
    const pools = await this.candidatePools.forWorkload({ region, instanceType });
    const stats = await this.prices.stats(
      pools.map((p) => p.poolId),
      new Date(now.getTime() - VOLATILITY_WINDOW_MS),
      now,
    );
    const market = pools.map((p): MarketFeatures => {
      const advisor = this.catalog.advisorEntry(region, p.instanceType);
      const poolStats = stats.get(p.poolId);
      return {
        pool_id: p.poolId,
        instance_type: p.instanceType,
        availability_zone: p.az,
        same_type: p.sameType,
        vcpu: p.vcpu,
        memory_gib: p.memoryGiB,
        spot_price: p.spotPrice,
        price_at: p.priceAt?.toISOString() ?? null,
        price_confidence: p.priceConfidence,
        on_demand_price: p.onDemandPrice,
        advisor_bucket: advisor?.bucket ?? null,
        advisor_interruption_rate: advisor?.monthlyInterruptionRate ?? null,
        volatility: poolStats?.volatility ?? null,
        price_samples: poolStats?.samples ?? 0,
      };
    });
    await this.market.set(key, market, MARKET_TTL_MS);
    return market;
  }
}
