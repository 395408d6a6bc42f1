import { outputProblems } from '@spot/decisions';
import { estimatePoolRisk, InMemoryPoolEvidence, LearnedEngine, NO_EVIDENCE } from '@spot/learning';
import { candidate, workloadInput } from './fixtures';

const NOW = '2026-11-24T12:00:00.000Z';

describe('estimatePoolRisk (Gamma–Poisson posterior, Advisor prior)', () => {
  it('starts at the Advisor bucket midpoint and moves with interruptions and hours of exposure', () => {
    const prior = estimatePoolRisk('m5.large.eu-west-1a', 0, NO_EVIDENCE, 0.035);
    expect(prior.risk).toBeCloseTo(0.025, 3);
    expect(estimatePoolRisk('x', 4, NO_EVIDENCE, null).risk).toBeCloseTo(0.25, 3);

    const once = estimatePoolRisk('m5.large.eu-west-1a', 0, { interruptions: 1, exposureHours: 100, referencePrice: null }, 0.035);
    const twice = estimatePoolRisk('m5.large.eu-west-1a', 0, { interruptions: 2, exposureHours: 100, referencePrice: null }, 0.035);
    expect(once.risk).toBeGreaterThan(prior.risk * 5);
    expect(twice.risk).toBeGreaterThan(once.risk);
    expect(twice.explanation).toMatch(/2 interruptions in 100 h run here/);

    // Quiet hours pull the estimate down below the prior, and the evidence gains weight.
    const quiet = estimatePoolRisk('m5.large.eu-west-1a', 0, { interruptions: 0, exposureHours: 2000, referencePrice: null }, 0.035);
    expect(quiet.risk).toBeLessThan(prior.risk);
    expect(quiet.evidenceWeight).toBeGreaterThan(0.7);
    // An interruption after many quiet hours counts for less than one after few.
    const late = estimatePoolRisk('m5.large.eu-west-1a', 0, { interruptions: 1, exposureHours: 2000, referencePrice: null }, 0.035);
    expect(late.risk).toBeLessThan(once.risk);
  });

  it('triples the hazard while the price is more than 10 % above its 7-day reference', () => {
    const calm = estimatePoolRisk('p', 1, { interruptions: 0, exposureHours: 0, referencePrice: 0.1 }, 0.11);
    const hot = estimatePoolRisk('p', 1, { interruptions: 0, exposureHours: 0, referencePrice: 0.1 }, 0.12);
    expect(calm.trendFactor).toBe(1);
    expect(hot.trendFactor).toBe(3);
    expect(hot.hazardPerHour).toBeCloseTo(3 * calm.hazardPerHour, 12);
    expect(hot.explanation).toMatch(/price 20 % above its 7-day level: risk ×3/);
  });
});

describe('LearnedEngine', () => {
  const pools = () => [candidate('m5.large.eu-west-1a', 0.035, NOW), candidate('m5.large.eu-west-1b', 0.037, NOW), candidate('m6i.large.eu-west-1a', 0.04, NOW)];

  it('goes to spot where it saves enough at a low learned risk, and explains the estimate', async () => {
    const engine = new LearnedEngine(new InMemoryPoolEvidence());
    const input = workloadInput(NOW, null, pools());
    const out = await engine.decide(input);
    expect(outputProblems(out, input)).toEqual([]);
    expect(out.recommendation).toMatchObject({ target: 'pool', pool_id: 'm5.large.eu-west-1a' });
    expect(out.recommendation.reasons.join(' | ')).toMatch(/m5\.large\.eu-west-1a: 2\.5 % interruption risk per 30 days \(Advisor <5 % prior 2\.5 %; 0 interruptions in 0 h run here/);
  });

  it('leaves a pool once this deployment sees it interrupted, and comes back to the cheapest when evidence is quiet', async () => {
    const evidence = new InMemoryPoolEvidence();
    const engine = new LearnedEngine(evidence);
    const input = workloadInput(NOW, 'm5.large.eu-west-1a', pools());
    const calm = await engine.decide(input);
    expect(calm.recommendation.target).toBe('stay');
    expect(calm.recommended_action).toBe('SAFE');

    evidence.set('m5.large.eu-west-1a', { interruptions: 3, exposureHours: 50, referencePrice: 0.035 });
    const hit = await engine.decide(input);
    expect(hit.interruption_probability).toBeGreaterThan(0.5);
    expect(hit.recommended_action).toBe('AVOID');
    expect(hit.recommendation).toMatchObject({ target: 'pool', pool_id: 'm5.large.eu-west-1b' });
    expect(hit.recommendation.reasons.join(' | ')).toMatch(/current pool risk \d+ % is above 50 % \(m5\.large\.eu-west-1a: .*3 interruptions in 50 h run here/);
    expect(outputProblems(hit, input)).toEqual([]);
  });

  it('ranks on a risk-adjusted price: a slightly cheaper pool with interruptions loses to a quiet one', async () => {
    const evidence = new InMemoryPoolEvidence();
    evidence.set('m5.large.eu-west-1a', { interruptions: 1, exposureHours: 200, referencePrice: 0.035 });
    const out = await new LearnedEngine(evidence).decide(workloadInput(NOW, null, pools()));
    expect(out.recommendation.pool_id).toBe('m5.large.eu-west-1b');
  });

  it('moves between pools only when the saving repays the switch', async () => {
    const engine = new LearnedEngine(new InMemoryPoolEvidence());
    const small = [candidate('m5.large.eu-west-1a', 0.0355, NOW), candidate('m5.large.eu-west-1b', 0.035, NOW)];
    expect((await engine.decide(workloadInput(NOW, 'm5.large.eu-west-1a', small))).recommendation.target).toBe('stay');
    const big = [candidate('m5.large.eu-west-1a', 0.04, NOW), candidate('m5.large.eu-west-1b', 0.035, NOW)];
    const moved = await engine.decide(workloadInput(NOW, 'm5.large.eu-west-1a', big));
    expect(moved.recommendation).toMatchObject({ target: 'pool', pool_id: 'm5.large.eu-west-1b' });
    // …but not within the cool-down after a switch.
    const cooling = await engine.decide(workloadInput(NOW, 'm5.large.eu-west-1a', big, '2026-11-24T11:50:00.000Z'));
    expect(cooling.recommendation.target).toBe('stay');
    expect(cooling.recommendation.reasons.join(' ')).toMatch(/cool-down/);
  });

  it('never recommends a flagged pool and returns to on-demand when nothing safe is left', async () => {
    const evidence = new InMemoryPoolEvidence();
    evidence.set('m5.large.eu-west-1a', { interruptions: 5, exposureHours: 10, referencePrice: null });
    const only = [candidate('m5.large.eu-west-1a', 0.035, NOW), candidate('m5.large.eu-west-1b', 0.03, NOW, { flagged: true })];
    const input = workloadInput(NOW, 'm5.large.eu-west-1a', only);
    const out = await new LearnedEngine(evidence).decide(input);
    expect(out.recommendation.target).toBe('on-demand');
    expect(out.recommendation.reasons.join(' ')).toMatch(/1 flagged pool left out/);
    expect(outputProblems(out, input)).toEqual([]);
  });

  it('names the on-demand price source, and says so when there is no price (issue 23)', async () => {
    const engine = new LearnedEngine(new InMemoryPoolEvidence());
    const priced = workloadInput(NOW, null, pools());
    priced.workload.on_demand_price_source = 'shipped-file';
    expect((await engine.decide(priced)).recommendation.reasons[0]).toMatch(/^on-demand price of m5\.large in eu-west-1: \$0\.\d{4}\/h from shipped-file$/);
    const unpriced = workloadInput(NOW, null, pools());
    unpriced.workload = { ...unpriced.workload, instance_type: 'm7i.large', region: 'ap-south-2', on_demand_price_per_h: null, current_price_per_h: null };
    const out = await engine.decide(unpriced);
    expect(out.recommendation.target).toBe('stay');
    expect(out.recommendation.reasons[0]).toBe('no on-demand price for m7i.large in ap-south-2: savings cannot be measured, so no move to spot');
  });
});

