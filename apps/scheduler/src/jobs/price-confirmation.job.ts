import { Inject, Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { AwsCloudProvider, CloudSpotPriceReference, createEc2Client } from '@spot/cloud';
import { Clock, SPOT_CONFIG, SpotConfig, StructuredLogger } from '@spot/core';
import { HeldPriceConfirmation, LatestPriceCache, PriceConfirmationSource } from '@spot/data-valve';
import { TransactionRunner } from '@spot/persistence';
import { JobOutcome, JobRunner } from '../job-runner';

/** Where the control plane reads AWS prices to confirm held ones: the AWS adapter (default chain), or nowhere. */
export const PRICE_CONFIRMATION_SOURCE = Symbol('PRICE_CONFIRMATION_SOURCE');

export function priceConfirmationSource(config: SpotConfig, logger: StructuredLogger): PriceConfirmationSource | null {
  if (config.priceConsensus.confirmation === 'none') return null;
  return new CloudSpotPriceReference(
    (region) => new AwsCloudProvider({ ec2: createEc2Client(region), logger }),
    (region, error) => logger.warn(`No AWS spot price read in ${region} to confirm held prices: ${error instanceof Error ? error.message : String(error)}`, 'WORK-SCHED'),
  );
}

/**
 * Every 5 minutes (DESIGN.md §9): held spot prices of the last 30 minutes are checked against
 * the control plane's own DescribeSpotPriceHistory; those AWS agrees with are merged.
 */
@Injectable()
export class PriceConfirmationJob {
  static readonly NAME = 'confirm-held-prices';
  private readonly confirmation: HeldPriceConfirmation | null;

  constructor(
    private readonly runner: JobRunner,
    dataSource: DataSource,
    tx: TransactionRunner,
    cache: LatestPriceCache,
    clock: Clock,
    @Inject(SPOT_CONFIG) config: SpotConfig,
    @Inject(PRICE_CONFIRMATION_SOURCE) source: PriceConfirmationSource | null,
  ) {
    this.confirmation = source ? new HeldPriceConfirmation(dataSource, tx, source, cache, clock, config.priceConsensus.threshold) : null;
  }

  @Cron('*/5 * * * *', { name: PriceConfirmationJob.NAME })
  run(): Promise<JobOutcome> {
    return this.runner.run(PriceConfirmationJob.NAME, async () => {
      if (!this.confirmation) return 'off (PRICE_CONFIRMATION_SOURCE=none)';
      const r = await this.confirmation.confirmRecent();
      const unavailable = r.unavailableRegions.length ? `; no AWS read in ${r.unavailableRegions.join(', ')}` : '';
      return `checked ${r.checked} held prices, ${r.confirmed} confirmed by AWS, AWS price added to ${r.bucketsWithAws} buckets${unavailable}`;
    });
  }
}
