import { countSampledObservations, parsePriceTrace, regionOfAz, sampleStepTrace, TRACE_STEP_MS } from '@spot/price-trace';

describe('@spot/price-trace', () => {
  it('parses a DescribeSpotPriceHistory export in time order and names the lines it cannot read', () => {
    const csv = 'price,az,instance_type,timestamp\n0.05,eu-west-1a,m5.large,2022-01-01T00:10:00Z\nbad line\n0.04,eu-west-1a,m5.large,2022-01-01T00:00:00Z\n';
    const { changes, errors } = parsePriceTrace(csv);
    expect(changes.map((c) => [c.at.toISOString(), c.price])).toEqual([['2022-01-01T00:00:00.000Z', 0.04], ['2022-01-01T00:10:00.000Z', 0.05]]);
    expect(errors).toEqual(['line 3: cannot read "bad line"']);
  });

  it('samples the step function every 5 minutes, carrying the last price forward', () => {
    const { changes } = parsePriceTrace('2022-01-01T00:00:00Z,m5.large,eu-west-1a,0.04\n2022-01-01T00:12:00Z,m5.large,eu-west-1a,0.05\n');
    const sampled = [...sampleStepTrace(changes, { until: new Date('2022-01-01T00:20:00Z') })];
    expect(sampled.map((s) => s.spotPrice)).toEqual([0.04, 0.04, 0.04, 0.05, 0.05]);
    expect(countSampledObservations(changes, { until: new Date('2022-01-01T00:20:00Z') })).toBe(sampled.length);
    expect(TRACE_STEP_MS).toBe(300_000);
    expect(regionOfAz('us-west-2-lax-1a')).toBe('us-west-2');
  });
});
