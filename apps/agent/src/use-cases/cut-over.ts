import { InstanceDescription, LaunchRequest } from '@spot/cloud';
import { ContinuitySettings, continuitySettingsFromWire } from '@spot/continuity';
import type { SwitchReportRequestDto } from '@spot/contracts';
import { AGENT_TAG, AgentContext, iso } from '../agent-context';
import { InstanceIdentity } from '../agent-settings';
import { HandOverOutcome, HandOverRequest, NO_TRAFFIC_HAND_OVER, TrafficHandOver } from './continuity-hand-over';

export interface CutOverTarget {
  mode: 'spot' | 'on-demand';
  instanceType: string;
  az: string;
}

/** The new instance, with the times seed 001's switch report asks for. */
export interface MovedWorkload {
  instance: InstanceDescription;
  imageId: string;
  imageReadyAt: Date;
  launchedAt: Date;
  readyAt: Date;
  /** What the traffic hand-over did (downtime, steps, whether the old instance may go). */
  handOver: HandOverOutcome;
}

/** A moved workload's timing and cut-over fields of the switch report (docs/continuity.md "Downtime"). */
export function movedReportFields(moved: MovedWorkload): Pick<SwitchReportRequestDto, 'ami_created_at' | 'instance_launched_at' | 'instance_ready_at' | 'downtime_ms' | 'cutover_steps'> {
  return {
    ami_created_at: iso(moved.imageReadyAt),
    instance_launched_at: iso(moved.launchedAt),
    instance_ready_at: iso(moved.readyAt),
    ...(moved.handOver.downtimeMs !== undefined ? { downtime_ms: moved.handOver.downtimeMs } : {}),
    ...(moved.handOver.configured ? { cutover_steps: moved.handOver.steps } : {}),
  };
}

export { NO_TRAFFIC_HAND_OVER } from './continuity-hand-over';
export type { HandOverOutcome, HandOverRequest, TrafficHandOver } from './continuity-hand-over';

/** The new instance runs but the traffic hand-over failed: the old instance keeps serving (docs/continuity.md "Failure"). */
export class HandOverFailed extends Error {
  constructor(
    readonly outcome: HandOverOutcome,
    readonly newInstance: InstanceDescription,
  ) {
    super(outcome.error ?? `cut-over step ${outcome.failedStep ?? 'unknown'} failed`);
    this.name = 'HandOverFailed';
  }
}

/** A dry run (SAFE_MODE): nothing changed, these calls would have been made. */
export interface DryCutOver {
  dryRun: true;
  wouldExecute: string[];
}

/**
 * The one place where a workload moves (switch, safe-mode failover) or a copy of it starts
 * (replica, emergency launch): image of this instance → launch (idempotent by `clientToken`) →
 * wait until running → hand the traffic over.
 */
export class CutOver {
  constructor(
    private readonly ctx: AgentContext,
    private readonly traffic: TrafficHandOver = NO_TRAFFIC_HAND_OVER,
  ) {}

  /**
   * Switch and failover: the new instance running, then the traffic on it. A failed hand-over
   * throws HandOverFailed (the old instance still serves; the new one is the caller's to end).
   */
  async moveWorkload(instance: InstanceIdentity, target: CutOverTarget, clientToken: string, imageName: string, options: { kind?: 'planned' | 'failover'; oldInstanceEndsAt?: Date } = {}): Promise<MovedWorkload | DryCutOver> {
    const moved = await this.launchCopy(instance, target, clientToken, imageName, { waitUntilRunning: true });
    if ('dryRun' in moved) return moved;
    const handOver = await this.handOver({ kind: options.kind ?? 'planned', oldInstanceId: instance.instanceId, newInstanceId: moved.instance.instanceId, newAz: moved.instance.az, ...(options.oldInstanceEndsAt ? { oldInstanceEndsAt: options.oldInstanceEndsAt } : {}) });
    if (!handOver.ok) throw new HandOverFailed(handOver, moved.instance);
    return { ...moved, handOver };
  }

  /** The traffic of the workload onto `newInstanceId`, with the agent's continuity settings of now. */
  handOver(request: Omit<HandOverRequest, 'settings'>): Promise<HandOverOutcome> {
    return this.traffic.handOver({ ...request, settings: this.continuitySettings() });
  }

  private continuitySettings(): ContinuitySettings | null {
    const wire = this.ctx.runtime.current?.config.continuity;
    return wire ? continuitySettingsFromWire(wire) : null;
  }

  /** A copy of this instance (a replica: its user data names it); its own agent reports it running. */
  async launchCopy(instance: InstanceIdentity, target: CutOverTarget, clientToken: string, imageName: string, options: { userData?: string; waitUntilRunning?: boolean } = {}): Promise<MovedWorkload | DryCutOver> {
    const { cloud } = this.ctx.ports;
    const logicalId = this.ctx.settings.logicalAgentId;
    const tags = { [AGENT_TAG]: logicalId, 'spot-optimizer:source': instance.instanceId };
    // The data volumes continuity carries stay out of the image: the copy would hold their device
    // on the new instance (the moved volume could not attach) and cost money (docs/continuity.md).
    const excludeDevices = (await this.traffic.carriedDevices?.(this.continuitySettings(), instance.instanceId)) ?? [];
    const image = await cloud.createImage({
      instanceId: instance.instanceId,
      name: `spot-${logicalId.replace(/[^A-Za-z0-9._-]/g, '-')}-${imageName}`,
      tags,
      noReboot: true,
      ...(excludeDevices.length ? { excludeDevices } : {}),
    });
    if (image.dryRun) {
      const wouldExecute = [image.wouldExecute];
      const launch = await cloud.launchInstance(this.launchRequest(target, instance.imageId ?? 'ami-00000000', clientToken, tags, options.userData));
      if (launch.dryRun) wouldExecute.push(launch.wouldExecute);
      return { dryRun: true, wouldExecute };
    }
    await this.waitFor('image', async () => (await cloud.describeImages({ imageIds: [image.value.imageId] }))[0]?.state === 'available');
    const imageReadyAt = this.ctx.now();
    const launched = await cloud.launchInstance(this.launchRequest(target, image.value.imageId, clientToken, tags, options.userData));
    if (launched.dryRun) return { dryRun: true, wouldExecute: [launched.wouldExecute] };
    const launchedAt = this.ctx.now();
    let described = launched.value;
    if (options.waitUntilRunning) {
      await this.waitFor('instance', async () => {
        described = (await cloud.describeInstances([launched.value.instanceId]))[0];
        if (described?.state === 'terminated' || described?.state === 'shutting-down') throw new Error(`new instance ${launched.value.instanceId} is ${described.state}`);
        return described?.state === 'running';
      });
    }
    return { instance: described, imageId: image.value.imageId, imageReadyAt, launchedAt, readyAt: this.ctx.now(), handOver: { ok: true, configured: false, dryRun: false, steps: [], mayTerminateOld: true, undoFailures: [] } };
  }

  private launchRequest(target: CutOverTarget, imageId: string, clientToken: string, tags: Record<string, string>, userData?: string): LaunchRequest {
    return { instanceType: target.instanceType, az: target.az, mode: target.mode, imageId, clientToken, tags, userData };
  }

  private async waitFor(what: string, done: () => Promise<boolean>): Promise<void> {
    const pollMs = this.ctx.ports.pollMs ?? 5000;
    const limitMs = this.ctx.ports.waitLimitMs ?? 15 * 60_000;
    const deadline = this.ctx.ports.clock.nowMs() + limitMs;
    while (!(await done())) {
      if (this.ctx.ports.clock.nowMs() >= deadline) throw new Error(`the ${what} was not ready within ${Math.round(limitMs / 1000)}s`);
      await this.ctx.timers.sleep(pollMs);
    }
  }
}
