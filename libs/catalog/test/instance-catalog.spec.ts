import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { advisorFileProblems, architectureOf, azInRegion, defaultDataDirectory, InstanceCatalog } from '@spot/catalog';

describe('InstanceCatalog on the real AWS data', () => {
  const catalog = InstanceCatalog.fromDirectory();

  it('knows sizes, on-demand prices and Advisor buckets', () => {
    expect(catalog.get('m5.large')).toEqual({ name: 'm5.large', family: 'm5', vcpu: 2, memoryGiB: 8, architecture: 'x86_64', burstable: false });
    expect(catalog.onDemandPrice('eu-west-1', 'm5.large')).toBe(0.107);
    expect(catalog.advisorEntry('eu-west-1', 'm5.large')).toEqual({ savingsPercent: 57, bucket: 1, label: '5-10%', monthlyInterruptionRate: 0.075 });
    expect(catalog.has('m5.huge')).toBe(false);
    expect(catalog.isKnownRegion('eu-west-1')).toBe(true);
    expect(catalog.isKnownRegion('eu-west-9')).toBe(false);
  });

  it.each([
    ['m6g', 'arm64'], ['c7gn', 'arm64'], ['x2gd', 'arm64'], ['im4gn', 'arm64'], ['is4gen', 'arm64'], ['g5g', 'arm64'], ['a1', 'arm64'], ['t4g', 'arm64'],
    ['g4dn', 'x86_64'], ['m5', 'x86_64'], ['c6i', 'x86_64'], ['gr6', 'x86_64'], ['u-6tb1', 'x86_64'], ['m7i-flex', 'x86_64'], ['p6-b200', 'x86_64'],
  ])('%s is %s', (family, arch) => expect(architectureOf(family)).toBe(arch));

  it('offers similar types: same architecture, at least the vCPU and memory, no burstable for steady workloads', () => {
    const similar = catalog.similarTypes('m5.large', 'eu-west-1');
    expect(similar[0].name).toBe('m5.large');
    const names = similar.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['m5a.large', 'm6i.large', 'r5.large']));
    expect(names).not.toContain('c5.large'); // 4 GiB < 8 GiB
    expect(names).not.toContain('t3.large'); // burstable
    expect(names).not.toContain('m6g.large'); // arm64
    for (const t of similar) expect(t.vcpu >= 2 && t.memoryGiB >= 8 && t.architecture === 'x86_64' && !t.burstable).toBe(true);
  });

  it('lets burstable workloads move among burstable and steady types', () => {
    const names = catalog.similarTypes('t3.medium', 'eu-west-1').map((t) => t.name);
    expect(names[0]).toBe('t3.medium');
    expect(names).toEqual(expect.arrayContaining(['t3.large', 't3a.medium', 'c5.large']));
  });

  it('tells zones of a region apart', () => {
    expect(azInRegion('eu-west-1a', 'eu-west-1')).toBe(true);
    expect(azInRegion('us-west-2-lax-1a', 'us-west-2')).toBe(true);
    expect(azInRegion('eu-west-1a', 'eu-west-2')).toBe(false);
    expect(azInRegion('eu-west-10a', 'eu-west-1')).toBe(false);
    expect(azInRegion('eu-west-1', 'eu-west-1')).toBe(false);
  });
});

describe('InstanceCatalog prices of every region (issue 23)', () => {
  const fetchedAt = new Date('2026-11-24T03:15:00Z');

  it('serves the table over the shipped file and keeps the file where the table has nothing', () => {
    const catalog = InstanceCatalog.fromDirectory();
    expect(catalog.onDemandQuote('eu-west-1', 'm5.large')).toEqual({ pricePerHour: 0.107, source: 'shipped-file', fetchedAt: null });
    expect(catalog.onDemandQuote('us-east-1', 'm5.large')).toBeUndefined();
    expect(catalog.similarTypes('m5.large', 'us-east-1')).toEqual([]);

    catalog.useOnDemandPrices([
      { region: 'us-east-1', instanceType: 'm5.large', pricePerHour: 0.096, source: 'aws-price-list', fetchedAt },
      { region: 'us-east-1', instanceType: 'm6i.large', pricePerHour: 0.096, source: 'aws-price-list', fetchedAt },
      { region: 'us-east-1', instanceType: 'c5.large', pricePerHour: 0, source: 'aws-price-list', fetchedAt }, // never a zero price
    ]);
    expect(catalog.onDemandQuote('us-east-1', 'm5.large')).toEqual({ pricePerHour: 0.096, source: 'aws-price-list', fetchedAt });
    expect(catalog.onDemandPrice('us-east-1', 'c5.large')).toBeUndefined();
    expect(catalog.onDemandPrice('eu-west-1', 'm5.large')).toBe(0.107);
    expect(catalog.similarTypes('m5.large', 'us-east-1').map((t) => t.name)).toEqual(['m5.large', 'm6i.large']);
    expect(catalog.onDemandCoverage().map((c) => `${c.region}:${c.sources.join('+')}`)).toEqual(['eu-west-1:shipped-file', 'us-east-1:aws-price-list']);

    // A later load replaces the rows as a whole.
    catalog.useOnDemandPrices([]);
    expect(catalog.onDemandPrice('us-east-1', 'm5.large')).toBeUndefined();
  });

  it('checks a Spot Advisor document before it is used', () => {
    const shipped: unknown = JSON.parse(readFileSync(join(defaultDataDirectory(), 'spot-advisor-data.json'), 'utf8'));
    expect(advisorFileProblems(shipped)).toEqual([]);
    expect(advisorFileProblems([])).toEqual(['document: must be a JSON object']);
    expect(advisorFileProblems({ instance_types: { 'm5.large': { cores: 2, ram_gb: 8 } }, ranges: [{ index: 0, label: '<5%' }], spot_advisor: { 'eu-west-1': { Linux: { 'm5.large': { s: 60, r: 7 } } } } })).toEqual([
      'spot_advisor.eu-west-1.Linux.m5.large: must be {s: savings %, r: range index 0-4}',
    ]);
    expect(advisorFileProblems({ instance_types: { 'm5.large': { cores: 2, ram_gb: 8 } }, ranges: [{ index: 0, label: '<5%' }], spot_advisor: { 'eu-west-1': { Windows: {} } } })).toEqual(['spot_advisor: no Linux entry in any region']);
  });
});
