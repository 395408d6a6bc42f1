import {
  CandidatePoolHistoryDto,
  DataQualityDayDto,
  HeldSourceDto,
  GapFillResultDto,
  InstancePricingDto,
  PoolPriceHistoryDto,
  PricePointDto,
  PricingReportResponseDto,
  SwitchOptionDto,
} from '@spot/contracts';
import { CandidateHistory, DailyDataQuality, GapFillResult, HeldSourceSummary, IngestResult, InstancePlacement, PoolHistory, PoolPricePoint, SwitchingPanel } from '@spot/data-valve';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toPricingReport(result: IngestResult, role: string): PricingReportResponseDto {
  return {
    batch_id: result.batchId,
    reporter_role: role,
    accepted: result.accepted,
    stored: result.stored,
    duplicates: result.duplicates,
    rejected_count: result.rejected.length,
    rejected: result.rejected.map((r) => ({ index: r.index, code: r.code, field: r.field, reason: r.reason })),
    buckets_written: result.bucketsWritten,
    held: result.held,
  };
}

const toPoint = (p: PoolPricePoint): PricePointDto => ({ t: p.bucketStart.toISOString(), price: p.spotPrice, source: p.source, confidence: p.confidence });

export function toPoolHistory(history: PoolHistory): PoolPriceHistoryDto {
  return {
    pool_id: history.pool.id,
    instance_type: history.pool.instanceType,
    region: history.pool.region,
    az: history.pool.az,
    from: history.from.toISOString(),
    to: history.to.toISOString(),
    points: history.points.map(toPoint),
  };
}

export function toCandidateHistory(history: CandidateHistory): CandidatePoolHistoryDto {
  return { ...toPoolHistory(history), same_type: history.sameType, is_current: history.isCurrent };
}

export function toInstancePricing(instanceId: string, placement: InstancePlacement, panel: SwitchingPanel): InstancePricingDto {
  return {
    instance_id: instanceId,
    instance_type: placement.instanceType,
    region: placement.region,
    az: placement.az,
    current_mode: placement.currentMode,
    current_pool_id: placement.currentPoolId,
    on_demand_price: panel.onDemandPrice,
    options: panel.options.map(
      (o): SwitchOptionDto => ({
        kind: o.kind,
        pool_id: o.poolId,
        instance_type: o.instanceType,
        az: o.az,
        hourly_price: o.hourlyPrice,
        on_demand_price: o.onDemandPrice,
        savings_percent: o.savingsPercent,
        price_source: o.priceSource,
        price_at: iso(o.priceAt),
        confidence: o.confidence,
        same_type: o.sameType,
        is_cheapest: o.isCheapest,
        is_current: o.isCurrent,
      }),
    ),
  };
}

export function toDataQualityDay(day: DailyDataQuality): DataQualityDayDto {
  return { date: day.date, total_points: day.totalPoints, interpolated_points: day.interpolatedPoints, pct_interpolated: day.pctInterpolated };
}

export function toGapFillResult(result: GapFillResult): GapFillResultDto {
  return {
    pools_scanned: result.poolsScanned,
    points_filled: result.pointsFilled,
    filled: result.filled.map((g) => ({
      pool_id: g.poolId,
      gap_type: g.gapType,
      method: g.method,
      gap_start: g.gapStart.toISOString(),
      gap_end: g.gapEnd.toISOString(),
      buckets: g.buckets,
      confidence: g.confidence,
      price_before: g.priceBefore,
      price_after: g.priceAfter,
      peer_pools: g.peerPools,
    })),
    skipped: result.skipped.map((s) => ({ pool_id: s.poolId, gap_start: s.gapStart.toISOString(), gap_end: s.gapEnd.toISOString(), buckets: s.buckets, reason: s.reason })),
  };
}

export function toHeldSource(h: HeldSourceSummary, clientName: string | null): HeldSourceDto {
  return {
    client_id: h.clientId,
    client_name: clientName,
    held_count: h.heldCount,
    confirmed_count: h.confirmedCount,
    pools: h.pools,
    last_held_at: h.lastHeldAt.toISOString(),
    latest: h.latest
      ? { pool_id: h.latest.poolId, bucket_start: h.latest.bucketStart.toISOString(), spot_price: h.latest.spotPrice, reference_price: h.latest.referencePrice, reason: h.latest.reason }
      : null,
  };
}
