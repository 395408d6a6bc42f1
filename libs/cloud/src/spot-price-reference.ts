import { DomainError } from '@spot/core';
import { CloudProvider, SpotPricePoint, SpotPriceQuery } from './cloud-provider';

/**
 * The control plane's own read of AWS spot prices (DescribeSpotPriceHistory through the
 * CloudProvider port), used to confirm or refute a price the data valve's consensus held
 * (DESIGN.md §9). Answers null when the control plane cannot read AWS (no credentials, access
 * denied, AWS unreachable): a held price then waits for a second client instead.
 */
export abstract class SpotPriceReference {
  abstract priceHistory(region: string, query: SpotPriceQuery): Promise<SpotPricePoint[] | null>;
}

/** No AWS access configured: nothing is confirmed this way. */
export class NoSpotPriceReference extends SpotPriceReference {
  async priceHistory(): Promise<SpotPricePoint[] | null> {
    return null;
  }
}

/** Reads through a CloudProvider per region (the AWS adapter, or the simulated cloud in tests and the demo). */
export class CloudSpotPriceReference extends SpotPriceReference {
  private readonly providers = new Map<string, CloudProvider>();

  constructor(
    private readonly providerFor: (region: string) => CloudProvider,
    private readonly onUnavailable: (region: string, error: unknown) => void = () => undefined,
  ) {
    super();
  }

  async priceHistory(region: string, query: SpotPriceQuery): Promise<SpotPricePoint[] | null> {
    let provider = this.providers.get(region);
    if (!provider) {
      provider = this.providerFor(region);
      this.providers.set(region, provider);
    }
    try {
      return await provider.spotPriceHistory(query);
    } catch (error) {
      // Missing credentials surface from the SDK as a plain error, AWS refusals as domain errors:
      // either way this read cannot confirm anything now.
      if (error instanceof DomainError || (error instanceof Error && /credential/i.test(`${error.name} ${error.message}`))) {
        this.onUnavailable(region, error);
        return null;
      }
      throw error;
    }
  }
}
