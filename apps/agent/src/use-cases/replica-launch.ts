import type { CommandDto } from '@spot/contracts';
import { AgentContext } from '../agent-context';
import { CutOver } from './cut-over';

/** User data of an emergency instance: the instance it replaces and when AWS takes that one (its agent takes over then, TakeOver). */
export const FAILOVER_FROM = 'SPOT_FAILOVER_FROM';
export const FAILOVER_ENDS_AT = 'SPOT_FAILOVER_ENDS_AT';

/**
 * launch-replica / emergency-launch: a copy of this instance whose user data names the replica
 * (its own agent registers as that replica), then `PUT /replicas/{rid}` with its instance.
 */
export class LaunchReplica {
  constructor(
    private readonly ctx: AgentContext,
    private readonly cutOver: CutOver,
  ) {}

  async execute(command: CommandDto, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const instance = await this.ctx.identity();
    const replicaId = String(payload.replica_id ?? '');
    if (!/^[0-9a-f-]{36}$/.test(replicaId)) throw new Error('the command names no replica_id');
    const wanted = payload.mode === 'spot' || (payload.mode === undefined && payload.pool_id) ? 'spot' : 'on-demand';
    const mode = this.ctx.safeMode ? 'on-demand' : wanted;
    const launched = await this.cutOver.launchCopy(
      instance,
      { mode, instanceType: String(payload.instance_type ?? instance.instanceType), az: String(payload.az ?? instance.az) },
      command.id,
      `replica-${replicaId.slice(0, 8)}`,
      { userData: this.userData(command.command_type, replicaId, instance.instanceId) },
    );
    if ('dryRun' in launched) return { dry_run: true, would_execute: launched.wouldExecute };
    if (command.command_type === 'emergency-launch') {
      this.ctx.emergencyCopies.add(launched.instance.instanceId);
      this.ctx.state.update({ emergencyCopies: [...this.ctx.emergencyCopies] });
    }
    this.ctx.outbox.add('replica-instance', { instance_id: launched.instance.instanceId }, { ref: replicaId, key: `replica-instance:${replicaId}` });
    return { replica_id: replicaId, instance_id: launched.instance.instanceId, image_id: launched.imageId, mode };
  }

  private userData(commandType: string, replicaId: string, oldInstanceId: string): string {
    let data = `SPOT_REPLICA_ID=${replicaId}\n`;
    if (commandType === 'emergency-launch') {
      data += `${FAILOVER_FROM}=${oldInstanceId}\n`;
      if (this.ctx.terminationAt) data += `${FAILOVER_ENDS_AT}=${this.ctx.terminationAt.toISOString()}\n`;
    }
    return data;
  }
}
