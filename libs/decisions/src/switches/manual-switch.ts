import { CommandRecord, CommandTracker } from '@spot/command-tracker';
import { InstanceCatalog } from '@spot/catalog';
import { DomainError } from '@spot/core';
import { CandidatePools } from '@spot/data-valve';
import { AgentRegistry } from '@spot/identity';
import { InstanceEntity } from '@spot/persistence';

export interface ForceSwitch {
  target: 'pool' | 'on-demand';
  poolId?: string;
  requestedBy: string;
}

/**
 * A person moving a workload now (seed 000 flow 5): a manual switch command, priority 75, which
 * replaces a pending automatic switch. Emergencies (100) still go first. The target must be a
 * pool the workload could run in (its type in another AZ, or a similar type), or on-demand.
 */
export class ManualSwitchService {
  constructor(
    private readonly registry: AgentRegistry,
    private readonly candidatePools: CandidatePools,
    private readonly catalog: InstanceCatalog,
    private readonly commands: CommandTracker,
  ) {}

  async forceSwitch(instance: InstanceEntity, request: ForceSwitch): Promise<{ command: CommandRecord; superseded: string[] }> {
    if (!instance.isActive || !instance.agentId) {
      throw DomainError.conflict('INSTANCE_NOT_ACTIVE', `Instance ${instance.instanceId} no longer runs the workload; switch its agent's current instance instead`);
    }
    const agent = await this.registry.getAgent(instance.agentId);
    if (!agent.region || !agent.instanceType || !agent.az) throw DomainError.conflict('AGENT_NOT_PLACED', `Agent ${agent.logicalAgentId} has not reported where it runs yet`);

    let payload: Record<string, unknown>;
    if (request.target === 'pool') {
      const candidates = await this.candidatePools.forWorkload({ region: agent.region, instanceType: agent.instanceType });
      const pool = candidates.find((c) => c.poolId === request.poolId);
      if (!pool) {
        throw DomainError.invalid('POOL_NOT_A_CANDIDATE', `${request.poolId} is not a pool this workload can move to`, [
          { field: 'pool_id', problems: [`pool_id must be one of: ${candidates.map((c) => c.poolId).join(', ') || 'no known pools yet'}`] },
        ]);
      }
      if (agent.currentMode === 'spot' && agent.currentPoolId === pool.poolId) throw DomainError.conflict('ALREADY_IN_POOL', `The workload already runs in ${pool.poolId}`);
      payload = { target: 'pool', mode: 'spot', pool_id: pool.poolId, instance_type: pool.instanceType, az: pool.az, expected_price_per_h: pool.spotPrice };
    } else {
      if (agent.currentMode === 'on-demand') throw DomainError.conflict('ALREADY_ON_DEMAND', 'The workload already runs on-demand');
      payload = { target: 'on-demand', mode: 'on-demand', pool_id: null, instance_type: agent.instanceType, az: agent.az, expected_price_per_h: this.catalog.onDemandPrice(agent.region, agent.instanceType) ?? null };
    }
    const command = await this.commands.issue({
      clientId: agent.clientId,
      agentId: agent.id,
      commandType: 'switch',
      origin: 'manual',
      payload: { ...payload, requested_by: request.requestedBy },
      createdBy: request.requestedBy,
    });
    return { command, superseded: await this.commands.supersededBy(command.id) };
  }
}
