import { InMemoryCacheFactory, ManualClock } from '@spot/core';
import { fallbackTiers, GlobalRiskTracker, RISK_FLAG_TTL_MS } from '@spot/global-risk';

describe('GlobalRiskTracker', () => {
  const interruption = { region: 'us-east-1', az: 'us-east-1a', instanceType: 'c5.xlarge', signal: 'termination' };

  it('flags an interrupted pool for 30 minutes for everybody, then lets it go', async () => {
    const clock = new ManualClock('2026-11-24T10:15:00Z');
    const tracker = new GlobalRiskTracker(new InMemoryCacheFactory(clock), clock);
    const flag = await tracker.flagPool(interruption);
    expect(flag).toMatchObject({ poolId: 'c5.xlarge.us-east-1a', count: 1, expiresAt: '2026-11-24T10:45:00.000Z' });
    clock.advance(RISK_FLAG_TTL_MS - 1);
    expect(await tracker.isFlagged('c5.xlarge.us-east-1a')).toBe(true);
    clock.advance(1);
    expect(await tracker.isFlagged('c5.xlarge.us-east-1a')).toBe(false);
    expect(await tracker.activeFlags()).toEqual([]);
    expect(await tracker.recentInterruptions('c5.xlarge.us-east-1a')).toBe(1);
  });

  it('renews the window and counts each interruption while flagged', async () => {
    const clock = new ManualClock('2026-11-24T10:00:00Z');
    const tracker = new GlobalRiskTracker(new InMemoryCacheFactory(clock), clock);
    await tracker.flagPool(interruption);
    clock.advance(20 * 60_000);
    const renewed = await tracker.flagPool({ ...interruption, signal: 'rebalance-recommendation' });
    expect(renewed).toMatchObject({ count: 2, firstSeen: '2026-11-24T10:00:00.000Z', expiresAt: '2026-11-24T10:50:00.000Z', lastSignal: 'rebalance-recommendation' });
    clock.advance(25 * 60_000);
    expect(await tracker.flaggedAmong(['c5.xlarge.us-east-1a', 'c5.xlarge.us-east-1b'])).toEqual(new Set(['c5.xlarge.us-east-1a']));
    expect(await tracker.recentInterruptions('c5.xlarge.us-east-1a')).toBe(2);
  });
});

describe('fallbackTiers', () => {
  const pool = (instanceType: string, az: string) => ({ poolId: `${instanceType}.${az}`, instanceType, az });
  const candidates = [pool('c5.xlarge', 'us-east-1a'), pool('c5.xlarge', 'us-east-1b'), pool('c5.xlarge', 'us-east-1c'), pool('c6i.xlarge', 'us-east-1a')];

  it('skips flagged pools and the current one: other AZ first, then another type', () => {
    const tiers = fallbackTiers({ poolId: 'c5.xlarge.us-east-1a', instanceType: 'c5.xlarge' }, candidates, new Set(['c5.xlarge.us-east-1b']));
    expect(tiers.map((t) => [t.tier, t.candidates.map((c) => c.poolId)])).toEqual([
      ['same-type-other-az', ['c5.xlarge.us-east-1c']],
      ['other-type', ['c6i.xlarge.us-east-1a']],
    ]);
  });

  it('leaves nothing (on-demand) when every other pool is flagged', () => {
    const flagged = new Set(candidates.map((c) => c.poolId));
    expect(fallbackTiers({ poolId: 'c5.xlarge.us-east-1a', instanceType: 'c5.xlarge' }, candidates, flagged)).toEqual([]);
  });
});
