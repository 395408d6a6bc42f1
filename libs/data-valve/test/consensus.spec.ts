import { judgeBucket, median, BucketSources } from '@spot/data-valve';

/** The consensus rule of one bucket (DESIGN.md §9), on its own. */
describe('judgeBucket', () => {
  const judge = (sources: BucketSources, reference: number | null, recent: string[] = []) =>
    judgeBucket(sources, { reference, threshold: 0.25, recentSources: () => new Set(recent) });

  it('takes the median over distinct clients, each client once (its primary and replica merged first)', () => {
    const j = judge({ a: { p: 0.04, r: 0.0401 }, b: { p: 0.042 }, c: { r: 0.041 } }, 0.04);
    expect(j.point).toMatchObject({ price: 0.041, source: 'consensus', clientCount: 3, capped: false, confidence: 1 });
    expect(j.held.size).toBe(0);
    expect(median([1, 2, 3, 4])).toBe(2.5);
  });

  it("holds a value far from the other clients' consensus, whatever it is", () => {
    const j = judge({ victim: { p: 0.03 }, other: { p: 0.031 }, hostile: { p: 0.9 } }, 0.03);
    expect(j.point).toMatchObject({ price: 0.0305, clientCount: 2 });
    expect(j.held.get('hostile')).toEqual({ reason: 'far_from_consensus', price: 0.9, reference: 0.0305 });
  });

  it('holds a lone jump in a pool other clients report, and caps it in a pool only this client reports', () => {
    const shared = judge({ a: { p: 0.06 } }, 0.04, ['a', 'b']);
    expect(shared.point).toBeNull();
    expect(shared.held.get('a')).toEqual({ reason: 'jump', price: 0.06, reference: 0.04 });
    const alone = judge({ a: { p: 0.06 } }, 0.04, ['a']);
    expect(alone.point).toMatchObject({ price: 0.05, capped: true, flagged: true, confidence: 0.5, clientCount: 1 });
    expect(alone.held.get('a')?.reason).toBe('jump');
    expect(judge({ a: { p: 0.01 } }, 0.04, []).point).toMatchObject({ price: 0.03, capped: true });
  });

  it('merges a jump once a second client, or a trusted source, agrees', () => {
    expect(judge({ a: { p: 0.06 }, b: { p: 0.061 } }, 0.04, ['a', 'b']).point).toMatchObject({ price: 0.0605, source: 'consensus', clientCount: 2 });
    const aws = judge({ a: { p: 0.06, h: 1 }, aws: { p: 0.06, t: 1 }, hostile: { p: 1 } }, 0.04, ['a', 'hostile']);
    expect(aws.accepted.sort()).toEqual(['a', 'aws']);
    expect(aws.held.get('hostile')?.reason).toBe('far_from_consensus');
  });

  it('holds every value when sources disagree and nothing says which is right', () => {
    const j = judge({ a: { p: 0.03 }, b: { p: 0.9 } }, null);
    expect(j.point).toBeNull();
    expect([...j.held.values()].map((h) => h.reason)).toEqual(['conflicting_sources', 'conflicting_sources']);
    // With a previous value, the one consistent with it wins.
    expect(judge({ a: { p: 0.03 }, b: { p: 0.9 } }, 0.031).point).toMatchObject({ price: 0.03 });
  });
});
