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

interface AdvisorFile {
  instance_types: Record<string, { cores: number; ram_gb: number }>;
  ranges: Array<{ index: number; label: string }>;
  spot_advisor: Record<string, { Linux?: Record<string, { s: number; r: number }> }>;
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
  private readonly types = new Map<string, InstanceTypeInfo>();
  private readonly onDemand = new Map<string, number>(); // `${region}|${type}`
  private readonly advisor = new Map<string, AdvisorEntry>(); // `${region}|${type}`
  private readonly regions = new Set<string>();

  constructor(advisorFile: AdvisorFile, onDemandRows: Array<{ instanceType: string; region: string; pricePerHour: number }>) {
    const labels = new Map(advisorFile.ranges.map((r) => [r.index, r.label]));
    for (const [name, info] of Object.entries(advisorFile.instance_types)) this.addType(name, info.cores, info.ram_gb);
    for (const [region, byOs] of Object.entries(advisorFile.spot_advisor)) {
      this.regions.add(region);
      for (const [type, entry] of Object.entries(byOs.Linux ?? {})) {
        this.advisor.set(`${region}|${type}`, {
          savingsPercent: entry.s,
          bucket: entry.r,
          label: labels.get(entry.r) ?? '?',
          monthlyInterruptionRate: ADVISOR_BUCKET_MIDPOINTS[Math.min(Math.max(entry.r, 0), 4)],
        });
      }
    }
    for (const row of onDemandRows) {
      this.regions.add(row.region);
      this.onDemand.set(`${row.region}|${row.instanceType}`, row.pricePerHour);
    }
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

  private addType(name: string, vcpu: number, memoryGiB: number): void {
    const family = name.split('.')[0];
    this.types.set(name, { name, family, vcpu, memoryGiB, architecture: architectureOf(family), burstable: isBurstableFamily(family) });
  }

  get(type: string): InstanceTypeInfo | undefined {
    return this.types.get(type);
  }

  has(type: string): boolean {
    return this.types.has(type);
  }

  isKnownRegion(region: string): boolean {
    return this.regions.has(region);
  }

  onDemandPrice(region: string, type: string): number | undefined {
    return this.onDemand.get(`${region}|${type}`);
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
