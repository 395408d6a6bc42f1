import { InstanceCatalog } from '@spot/catalog';
import { OnDemandPriceRepository } from './ondemand-price-repository';

/**
 * Keeps the process's InstanceCatalog serving the `ondemand_prices` table (the shipped file
 * fills what the table lacks). The scheduler's refresh reloads it at once; other processes
 * (the API) pick a refresh up through `reloadIfChanged`, which costs one MAX() query.
 */
export class OnDemandPriceBook {
  private loadedFetch: number | null = null;
  private loaded = false;

  constructor(
    private readonly catalog: InstanceCatalog,
    private readonly repository: OnDemandPriceRepository,
  ) {}

  async reload(): Promise<number> {
    const [latest, rows] = await Promise.all([this.repository.latestFetch(), this.repository.all('Linux')]);
    this.catalog.useOnDemandPrices(rows);
    this.loadedFetch = latest?.getTime() ?? null;
    this.loaded = true;
    return rows.length;
  }

  async reloadIfChanged(): Promise<boolean> {
    const latest = (await this.repository.latestFetch())?.getTime() ?? null;
    if (this.loaded && latest === this.loadedFetch) return false;
    await this.reload();
    return true;
  }
}
