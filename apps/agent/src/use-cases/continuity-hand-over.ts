import type { CutoverStepDto } from '@spot/contracts';
import { CloudProvider, ContinuityCloud } from '@spot/cloud';
import { ContinuitySettings, CutoverUseCase, hasContinuity, HookRunner, mayTerminateOld, resolveContinuity, ResolvedContinuity, Sleeper, switchReportFields } from '@spot/continuity';
import { Clock, StructuredLogger } from '@spot/core';

export interface HandOverRequest {
  kind: 'planned' | 'failover';
  oldInstanceId: string;
  newInstanceId: string;
  newAz: string;
  /** The agent's continuity settings (its config); none: only the instance moves. */
  settings: ContinuitySettings | null | undefined;
  /** Failover: when AWS takes the old instance (the notice's time). */
  oldInstanceEndsAt?: Date;
  /** The new instance has its own copies of the data volumes (a replica synced by snapshots). */
  newHasData?: boolean;
}

/** What a hand-over did, in the switch report's words (SwitchReportRequestDto). */
export interface HandOverOutcome {
  ok: boolean;
  /** Anything was configured to move. */
  configured: boolean;
  dryRun: boolean;
  downtimeMs?: number;
  steps: CutoverStepDto[];
  /** Terminating the old instance is allowed now (docs/continuity.md: only after a cut-over that put the new one in service). */
  mayTerminateOld: boolean;
  failedStep?: string;
  error?: string;
  /** Undo steps that failed: the new instance is left alone for a person. */
  undoFailures: string[];
}

/**
 * Moves the workload's traffic, volumes and address from the old instance to the new one
 * (docs/continuity.md, DESIGN §9 "Traffic before termination"). Ports: the agent's switch and failover.
 */
export interface TrafficHandOver {
  handOver(request: HandOverRequest): Promise<HandOverOutcome>;
  /**
   * Devices of the data volumes the hand-over carries from `instanceId` (as attached now), which
   * the image of it must leave out (docs/continuity.md "Data volumes and the image").
   */
  carriedDevices?(settings: ContinuitySettings | null | undefined, instanceId: string): Promise<string[]>;
}

const NOTHING: HandOverOutcome = { ok: true, configured: false, dryRun: false, steps: [], mayTerminateOld: true, undoFailures: [] };

export const NO_TRAFFIC_HAND_OVER: TrafficHandOver = { handOver: async () => ({ ...NOTHING, steps: [] }) };

export interface ContinuityHandOverDeps {
  continuity: ContinuityCloud;
  instances: Pick<CloudProvider, 'describeInstances'>;
  clock: Clock;
  sleeper: Sleeper;
  hooks: HookRunner;
  pollMs?: number;
  logger?: StructuredLogger;
}

/**
 * The hand-over of issue 14: `resolveContinuity` → `CutoverUseCase` → a `verify` step that reads
 * back that the new instance serves on every way in. Without settings it moves nothing.
 */
export class ContinuityHandOver implements TrafficHandOver {
  constructor(private readonly deps: ContinuityHandOverDeps) {}

  async carriedDevices(settings: ContinuitySettings | null | undefined, instanceId: string): Promise<string[]> {
    const devices = new Set<string>();
    for (const selector of settings?.dataVolumes ?? []) {
      const query = selector.volumeId ? { volumeIds: [selector.volumeId] } : { tags: { [selector.tag!.key]: selector.tag!.value } };
      for (const v of await this.deps.continuity.describeVolumes(query)) {
        if (v.attachment?.instanceId === instanceId) devices.add(v.attachment.device);
      }
    }
    return [...devices];
  }

  async handOver(request: HandOverRequest): Promise<HandOverOutcome> {
    if (!hasContinuity(request.settings)) return { ...NOTHING, steps: [] };
    const { deps } = this;
    const started = deps.clock.nowMs();
    let resources: ResolvedContinuity;
    try {
      resources = await resolveContinuity(deps.continuity, request.settings, request.oldInstanceId);
    } catch (error) {
      // Nothing was changed yet: the old instance keeps serving.
      return this.failed('resolve_continuity', error, deps.clock.nowMs() - started);
    }
    const cutover = new CutoverUseCase({ cloud: deps.continuity, instances: deps.instances, clock: deps.clock, sleeper: deps.sleeper, hooks: deps.hooks, pollMs: deps.pollMs, logger: deps.logger });
    const report = await cutover.run({
      kind: request.kind,
      oldInstanceId: request.oldInstanceId,
      newInstanceId: request.newInstanceId,
      newAz: request.newAz,
      resources,
      hooks: request.settings.hooks,
      ...(request.oldInstanceEndsAt ? { oldInstanceEndsAt: request.oldInstanceEndsAt } : {}),
      ...(request.newHasData ? { newHasData: true } : {}),
      tags: { 'spot-optimizer:cutover': request.newInstanceId },
    });
    const fields = switchReportFields(report);
    const outcome: HandOverOutcome = {
      ok: report.ok,
      configured: true,
      dryRun: report.dryRun,
      downtimeMs: fields.downtime_ms,
      steps: fields.cutover_steps,
      mayTerminateOld: mayTerminateOld(report),
      ...(report.ok ? {} : { failedStep: report.failedStep, error: fields.error_message }),
      undoFailures: report.undoFailures,
    };
    if (!report.ok || report.dryRun) return outcome;
    const verifyStarted = deps.clock.nowMs();
    const problem = await this.verify(request, resources, report.volumes).catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    outcome.steps.push({ name: 'verify', duration_ms: deps.clock.nowMs() - verifyStarted, ok: !problem });
    if (problem) {
      // The cut-over said done but the new instance does not serve everywhere: the old one stays.
      Object.assign(outcome, { ok: false, mayTerminateOld: false, failedStep: 'verify', error: `cut-over step verify failed: ${problem}` });
    }
    return outcome;
  }

  /** Reads back every way in: healthy in each target group, holding the address, interface and volumes. */
  private async verify(request: HandOverRequest, resources: ResolvedContinuity, volumes: Array<{ to: string; path: string }>): Promise<string | undefined> {
    const { continuity, instances } = this.deps;
    const [described] = await instances.describeInstances([request.newInstanceId]);
    if (described?.state !== 'running') return `${request.newInstanceId} is ${described?.state ?? 'unknown'}`;
    for (const arn of resources.targetGroupArns) {
      const [health] = await continuity.describeTargetHealth(arn, [request.newInstanceId]);
      if (health?.state !== 'healthy') return `${request.newInstanceId} is ${health?.state ?? 'not registered'} in ${arn}`;
    }
    if (resources.allocationId) {
      const [address] = await continuity.describeAddresses({ allocationIds: [resources.allocationId] });
      if (address?.instanceId !== request.newInstanceId) return `${resources.allocationId} is on ${address?.instanceId ?? 'no instance'}`;
    }
    if (resources.networkInterface) {
      const [eni] = await continuity.describeNetworkInterfaces([resources.networkInterface.networkInterfaceId]);
      if (eni?.attachment?.instanceId !== request.newInstanceId) return `${resources.networkInterface.networkInterfaceId} is on ${eni?.attachment?.instanceId ?? 'no instance'}`;
    }
    const moved = volumes.filter((v) => v.path !== 'replica-copy').map((v) => v.to);
    if (moved.length) {
      for (const v of await continuity.describeVolumes({ volumeIds: moved })) {
        if (v.attachment?.instanceId !== request.newInstanceId || v.attachment.state !== 'attached') return `${v.volumeId} is not attached to ${request.newInstanceId}`;
      }
    }
    return undefined;
  }

  private failed(step: string, error: unknown, durationMs: number): HandOverOutcome {
    const text = error instanceof Error ? error.message : String(error);
    return { ok: false, configured: true, dryRun: false, steps: [{ name: step, duration_ms: Math.max(0, durationMs), ok: false }], mayTerminateOld: false, failedStep: step, error: `cut-over step ${step} failed: ${text}`.slice(0, 2000), undoFailures: [] };
  }
}
