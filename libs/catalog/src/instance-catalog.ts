import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Architecture = 'x86_64' | 'arm64';

export interface InstanceTypeInfo {
  name: string;
  family: string;
  vcpu: number;
  memoryGiB: number;
  architecture: Architecture;
  /** t2 / t3 / t3a / t4g: CPU credits, only a fit for workloads that are burstable already. */
  burstable: boolean;
}

/** Spot Advisor's view of a type in a region: savings vs on-demand and the interruption bucket. */
export interface AdvisorEntry {
  savingsPercent: number;
  /** 0 <5 %, 1 5–10 %, 2 10–15 %, 3 15–20 %, 4 >20 % monthly interruption frequency. */
  bucket: number;
  label: string;
  /** Midpoint of the bucket as a monthly interruption rate (0.025 … 0.25). */
  monthlyInterruptionRate: number;
}

/** Midpoints of the Advisor buckets, as fractions per month. */
export const ADVISOR_BUCKET_MIDPOINTS = [0.025, 0.075, 0.125, 0.175, 0.25] as const;

/** The public Spot Instance Advisor JSON (spot-advisor-data.json), the parts the product reads. */
export interface AdvisorFile {
  instance_types: Record<string, { cores: number; ram_gb: number }>;
  ranges: Array<{ index: number; label: string }>;
  spot_advisor: Record<string, { Linux?: Record<string, { s: number; r: number }> }>;
}

/** Where an on-demand price the catalog answers with came from. */
export type OnDemandPriceOrigin = 'aws-price-list' | 'shipped-file';

/** An on-demand price with its origin and, for prices from the Price List API, when it was fetched. */
export interface OnDemandQuote {
  pricePerHour: number;
  source: OnDemandPriceOrigin;
  fetchedAt: Date | null;
}

export interface OnDemandPriceRow {
  region: string;
  instanceType: string;
  pricePerHour: number;
  source: OnDemandPriceOrigin;
  fetchedAt: Date | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;

/**
 * Problems with a Spot Advisor document, as `path: problem` strings (empty when the product can
 * use it). A refresh from SPOT_ADVISOR_URL keeps the last good copy unless this is empty.
 */
export function advisorFileProblems(doc: unknown): string[] {
  if (!isRecord(doc)) return ['document: must be a JSON object'];
  const problems: string[] = [];
  const types = doc.instance_types;
  if (!isRecord(types) || Object.keys(types).length === 0) problems.push('instance_types: must be a non-empty object');
  else {
    for (const [name, info] of Object.entries(types)) {
      if (!isRecord(info) || !isCount(info.cores, 0, 100_000) || !isCount(info.ram_gb, 0, 1_000_000)) {
        problems.push(`instance_types.${name}: must have numeric cores and ram_gb`);
        break;
      }
    }
  }
  const ranges = doc.ranges;
  if (!Array.isArray(ranges) || ranges.length === 0 || !ranges.every((r) => isRecord(r) && Number.isInteger(r.index) && typeof r.label === 'string')) {
    problems.push('ranges: must be a list of {index, label}');
  }
  const regions = doc.spot_advisor;
  if (!isRecord(regions) || Object.keys(regions).length === 0) problems.push('spot_advisor: must be a non-empty object of regions');
  else {
    let linux = 0;
    outer: for (const [region, byOs] of Object.entries(regions)) {
      if (!isRecord(byOs)) {
        problems.push(`spot_advisor.${region}: must be an object of operating systems`);
        break;
      }
      if (byOs.Linux === undefined) continue;
      if (!isRecord(byOs.Linux)) {
        problems.push(`spot_advisor.${region}.Linux: must be an object of instance types`);
        break;
      }
      for (const [type, entry] of Object.entries(byOs.Linux)) {
        if (!isRecord(entry) || !isCount(entry.s, -1000, 100) || !Number.isInteger(entry.r) || !isCount(entry.r, 0, 4)) {
          problems.push(`spot_advisor.${region}.Linux.${type}: must be {s: savings %, r: range index 0-4}`);
          break outer;
        }
        linux += 1;
      }
    }
    if (problems.length === 0 && linux === 0) problems.push('spot_advisor: no Linux entry in any region');
  }
  return problems;
}

/** m6g, c7gn, x2gd, im4gn, is4gen, g5g, a1 → arm64 (Graviton); everything else here is x86_64. */
export function architectureOf(family: string): Architecture {
  if (family === 'a1') return 'arm64';
  const match = family.match(/^([a-z]+)-?(\d+)([a-z]*)/);
  return match && match[3].includes('g') ? 'arm64' : 'x86_64';
}

export function isBurstableFamily(family: string): boolean {
  return /^t\d/.test(family);
}

/**
 * What the product knows about EC2 instance types, from AWS's public data: sizes (Spot Advisor's
 * type table), on-demand prices per region, and Spot Advisor interruption buckets. Read once at
 * start-up from resources/aws-data.
 */
export class InstanceCatalog {
  private types = new Map<string, InstanceTypeInfo>();
  /** The shipped file's prices: the fallback wherever the table has none. */
  private readonly fileOnDemand = new Map<string, OnDemandQuote>(); // `${region}|${type}`
  /** What the lookups answer: the shipped file overlaid with the table's prices (useOnDemandPrices). */
  private onDemand = new Map<string, OnDemandQuote>();
  private advisor = new Map<string, AdvisorEntry>(); // `${region}|${type}`
  private advisorRegions = new Set<string>();
  private priceRegions = new Set<string>();

  constructor(advisorFile: AdvisorFile, onDemandRows: Array<{ instanceType: string; region: string; pricePerHour: number }>) {
    this.useAdvisorData(advisorFile);
    for (const row of onDemandRows) this.fileOnDemand.set(`${row.region}|${row.instanceType}`, { pricePerHour: row.pricePerHour, source: 'shipped-file', fetchedAt: null });
    this.useOnDemandPrices([]);
  }

  /**
   * Replaces the Spot Advisor data (types, buckets) in place, for the 6-hourly refresh; callers
   * validate it with advisorFileProblems first. Every holder of this catalog sees the new data.
   */
  useAdvisorData(advisorFile: AdvisorFile): void {
    const labels = new Map(advisorFile.ranges.map((r) => [r.index, r.label]));
    const types = new Map<string, InstanceTypeInfo>();
    const advisor = new Map<string, AdvisorEntry>();
    const regions = new Set<string>();
    for (const [name, info] of Object.entries(advisorFile.instance_types)) types.set(name, typeInfo(name, info.cores, info.ram_gb));
    for (const [region, byOs] of Object.entries(advisorFile.spot_advisor)) {
      regions.add(region);
      for (const [type, entry] of Object.entries(byOs.Linux ?? {})) {
        advisor.set(`${region}|${type}`, {
          savingsPercent: entry.s,
          bucket: entry.r,
          label: labels.get(entry.r) ?? '?',
          monthlyInterruptionRate: ADVISOR_BUCKET_MIDPOINTS[Math.min(Math.max(entry.r, 0), 4)],
        });
      }
    }
    this.types = types;
    this.advisor = advisor;
    this.advisorRegions = regions;
  }

  /**
   * Serves `rows` (the ondemand_prices table) for on-demand lookups, with the shipped file for
   * every region and type the rows do not price. Replaces the previous rows as a whole.
   */
  useOnDemandPrices(rows: OnDemandPriceRow[]): void {
    const merged = new Map(this.fileOnDemand);
    for (const row of rows) {
      if (Number.isFinite(row.pricePerHour) && row.pricePerHour > 0) merged.set(`${row.region}|${row.instanceType}`, { pricePerHour: row.pricePerHour, source: row.source, fetchedAt: row.fetchedAt });
    }
    this.onDemand = merged;
    this.priceRegions = new Set([...merged.keys()].map((key) => key.slice(0, key.indexOf('|'))));
  }

  static fromDirectory(dir: string = defaultDataDirectory()): InstanceCatalog {
    return InstanceCatalog.fromFiles(join(dir, 'spot-advisor-data.json'), join(dir, 'ondemand-eu-west-1-linux.csv'));
  }

  /** A Spot Advisor JSON (spot-advisor-data.json) and an on-demand CSV (instance_type,region,price_per_hour). */
  static fromFiles(advisorPath: string, onDemandPath: string): InstanceCatalog {
    const advisor = JSON.parse(readFileSync(advisorPath, 'utf8')) as AdvisorFile;
    const rows = readFileSync(onDemandPath, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const [instanceType, region, price] = line.split(',');
        return { instanceType, region, pricePerHour: Number(price) };
      })
      .filter((row) => Number.isFinite(row.pricePerHour) && row.pricePerHour > 0);
    return new InstanceCatalog(advisor, rows);
  }

  get(type: string): InstanceTypeInfo | undefined {
    return this.types.get(type);
  }

  has(type: string): boolean {
    return this.types.has(type);
  }

  isKnownRegion(region: string): boolean {
    return this.advisorRegions.has(region) || this.priceRegions.has(region);
  }

  /** Regions of the Spot Advisor data, sorted: the default set whose on-demand prices are fetched. */
  advisorRegionList(): string[] {
    return [...this.advisorRegions].sort();
  }

  onDemandPrice(region: string, type: string): number | undefined {
    return this.onDemand.get(`${region}|${type}`)?.pricePerHour;
  }

  /** The on-demand price with where it came from (decision reasons name the source). */
  onDemandQuote(region: string, type: string): OnDemandQuote | undefined {
    return this.onDemand.get(`${region}|${type}`);
  }

  /** Regions with at least one on-demand price, and how many types each has, by source. */
  onDemandCoverage(): Array<{ region: string; types: number; sources: OnDemandPriceOrigin[] }> {
    const byRegion = new Map<string, { types: number; sources: Set<OnDemandPriceOrigin> }>();
    for (const [key, quote] of this.onDemand) {
      const region = key.slice(0, key.indexOf('|'));
      const entry = byRegion.get(region) ?? { types: 0, sources: new Set<OnDemandPriceOrigin>() };
      entry.types += 1;
      entry.sources.add(quote.source);
      byRegion.set(region, entry);
    }
    return [...byRegion.entries()].map(([region, e]) => ({ region, types: e.types, sources: [...e.sources].sort() })).sort((a, b) => a.region.localeCompare(b.region));
  }

  advisorEntry(region: string, type: string): AdvisorEntry | undefined {
    return this.advisor.get(`${region}|${type}`);
  }

  /**
   * Types a workload of `type` can move to (seeds 001 Day 5, 003 fallback to another family):
   * same architecture, at least its vCPUs and memory, burstable only if it is burstable itself,
   * with an on-demand price in the region. The type itself comes first, then by on-demand price.
   */
  similarTypes(type: string, region: string, options: { maxVcpuFactor?: number } = {}): InstanceTypeInfo[] {
    const base = this.types.get(type);
    if (!base) return [];
    const maxVcpu = base.vcpu * (options.maxVcpuFactor ?? 2);
    const matches = [...this.types.values()].filter(
      (t) =>
        t.architecture === base.architecture &&
        t.vcpu >= base.vcpu &&
        t.vcpu <= maxVcpu &&
        t.memoryGiB >= base.memoryGiB &&
        (base.burstable || !t.burstable) &&
        this.onDemand.has(`${region}|${t.name}`),
    );
    return matches.sort((a, b) => {
      if (a.name === type) return -1;
      if (b.name === type) return 1;
      return (this.onDemandPrice(region, a.name) ?? Infinity) - (this.onDemandPrice(region, b.name) ?? Infinity) || a.name.localeCompare(b.name);
    });
  }
}

function typeInfo(name: string, vcpu: number, memoryGiB: number): InstanceTypeInfo {
  const family = name.split('.')[0];
  return { name, family, vcpu, memoryGiB, architecture: architectureOf(family), burstable: isBurstableFamily(family) };
}

/** resources/aws-data of this repository, wherever the code runs from (src, dist, tests). */
export function defaultDataDirectory(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'spot-optimizer') return join(dir, 'resources', 'aws-data');
    } catch {
      // not here; look one level up
    }
    dir = join(dir, '..');
  }
  throw new Error('resources/aws-data not found: run from the spot-optimizer repository');
}

/** AZ belongs to region: eu-west-1a and the local zone us-west-2-lax-1a do; eu-west-10a is not in eu-west-1. */
export function azInRegion(az: string, region: string): boolean {
  if (!az.startsWith(region)) return false;
  const suffix = az.slice(region.length);
  return /^[a-z]$/.test(suffix) || /^-[a-z0-9-]+$/.test(suffix);
}
