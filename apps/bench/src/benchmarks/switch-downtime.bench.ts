import { CutoverReport, SimulatedSwitch, SimulatedSwitchOptions } from '@spot/continuity';
import { Benchmark } from '../benchmark';

/** Health checks as this product recommends them (docs/continuity.md): 5 s × 2, 30 s deregistration delay. */
const TUNED = { healthCheckIntervalSeconds: 5, healthyThresholdCount: 2, deregistrationDelaySeconds: 30 };
/** AWS's defaults for an HTTP target group: 30 s × 5, 300 s deregistration delay. */
const AWS_DEFAULTS = { healthCheckIntervalSeconds: 30, healthyThresholdCount: 5, deregistrationDelaySeconds: 300 };
/** The agent polls IMDS for the notice every 5 s (docs/continuity.md). */
const NOTICE_POLL_MS = 5_000;

interface Row {
  scenario: string;
  ok: boolean;
  downtime_ms: number;
  simulated_gap_ms: number;
  /** Failover: from the notice until the new instance serves everywhere. */
  notice_to_traffic_ms?: number;
  cutover_ms: number;
  steps: Array<{ name: string; duration_ms: number }>;
}

async function planned(scenario: string, options: SimulatedSwitchOptions, newAz = 'eu-west-1a'): Promise<Row> {
  const sim = new SimulatedSwitch(options);
  const old = await sim.start('eu-west-1a');
  const fresh = await sim.launch(newAz);
  const started = sim.clock.nowMs();
  const report = await sim.cutover().run({ kind: 'planned', oldInstanceId: old, newInstanceId: fresh, newAz, resources: sim.resources });
  return row(scenario, sim, report, started);
}

async function failover(scenario: string, options: SimulatedSwitchOptions, withReplica: boolean): Promise<Row> {
  const sim = new SimulatedSwitch(options);
  const old = await sim.start('eu-west-1a');
  let target: string;
  let notice: number;
  if (withReplica) {
    target = await sim.launch('eu-west-1b');
    sim.hasCopies.add(target);
    notice = sim.clock.nowMs();
    sim.cloud.scheduleInterruption(old, { actionAt: new Date(notice + 120_000) });
    await sim.sleeper.sleep(NOTICE_POLL_MS);
  } else {
    notice = sim.clock.nowMs();
    sim.cloud.scheduleInterruption(old, { actionAt: new Date(notice + 120_000) });
    await sim.sleeper.sleep(NOTICE_POLL_MS);
    target = await sim.launch('eu-west-1a', 'on-demand'); // the emergency instance boots (30 s)
  }
  const started = sim.clock.nowMs();
  const report = await sim.cutover().run({
    kind: 'failover',
    oldInstanceId: old,
    newInstanceId: target,
    newAz: withReplica ? 'eu-west-1b' : 'eu-west-1a',
    resources: sim.resources,
    oldInstanceEndsAt: new Date(notice + 120_000),
    newHasData: withReplica,
  });
  await sim.sleeper.sleep(150_000); // past the old instance's end: the gap must not grow
  return { ...row(scenario, sim, report, started), notice_to_traffic_ms: (report.newServingAt?.getTime() ?? Number.NaN) - notice };
}

function row(scenario: string, sim: SimulatedSwitch, report: CutoverReport, started: number): Row {
  return {
    scenario,
    ok: report.ok,
    downtime_ms: report.downtimeMs,
    simulated_gap_ms: sim.simulatedGapMs(),
    cutover_ms: (report.steps.length ? report.steps.reduce((sum, s) => sum + s.durationMs, 0) : 0) || sim.clock.nowMs() - started,
    steps: report.steps.map((s) => ({ name: s.name.replace(/ vol-\w+$/, ''), duration_ms: s.durationMs })),
  };
}

/**
 * Downtime of a cut-over on the simulated cloud in virtual time, with the AWS latencies of
 * docs/continuity.md. Targets (seeds, ../shared/DESIGN.md §8): a planned switch behind a target
 * group < 5 s, a failover to a ready replica < 15 s.
 */
export const switchDowntimeBenchmark: Benchmark = {
  name: 'switch-downtime',
  description: 'cut-over downtime on the simulated cloud (virtual time, documented AWS latencies)',
  async run({ progress }) {
    const rows: Row[] = [];
    const add = async (r: Promise<Row>) => {
      const done = await r;
      progress(`${done.scenario}: downtime ${done.downtime_ms} ms (simulated gap ${done.simulated_gap_ms} ms)${done.notice_to_traffic_ms !== undefined ? `, notice → traffic ${done.notice_to_traffic_ms} ms` : ''}`);
      rows.push(done);
    };
    await add(planned('planned: target group (tuned health checks)', { targetGroup: TUNED }));
    await add(planned('planned: target group + Elastic IP (tuned)', { targetGroup: TUNED, elasticIp: true }));
    await add(planned('planned: target group + Elastic IP (AWS default health checks)', { targetGroup: AWS_DEFAULTS, elasticIp: true }));
    await add(planned('planned: target group + Elastic IP + 100 GiB volume, same zone', { targetGroup: TUNED, elasticIp: true, volumesGiB: [100] }));
    await add(planned('planned: 20 GiB volume to another zone (snapshot path)', { elasticIp: true, volumesGiB: [20] }, 'eu-west-1b'));
    await add(failover('failover: ready replica, target group + Elastic IP (tuned)', { targetGroup: TUNED, elasticIp: true, volumesGiB: [100] }, true));
    await add(failover('failover: ready replica, target group + Elastic IP (AWS default health checks)', { targetGroup: AWS_DEFAULTS, elasticIp: true, volumesGiB: [100] }, true));
    await add(failover('failover: no replica, emergency instance, Elastic IP + 100 GiB volume', { elasticIp: true, volumesGiB: [100] }, false));

    const plannedTarget = rows[1];
    const failoverTarget = rows[5];
    return {
      planned_behind_target_group_downtime_ms: plannedTarget.downtime_ms,
      planned_target_ms: 5000,
      planned_met: plannedTarget.ok && plannedTarget.downtime_ms < 5000,
      failover_ready_replica_downtime_ms: failoverTarget.downtime_ms,
      failover_ready_replica_notice_to_traffic_ms: failoverTarget.notice_to_traffic_ms,
      failover_target_ms: 15000,
      failover_met: failoverTarget.ok && failoverTarget.downtime_ms < 15000,
      measured_equals_simulated: rows.every((r) => r.downtime_ms === r.simulated_gap_ms),
      scenarios: rows,
    };
  },
};
