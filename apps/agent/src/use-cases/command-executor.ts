import { randomUUID } from 'node:crypto';
import type { CommandDto } from '@spot/contracts';
import { AgentContext, iso, message } from '../agent-context';
import { ControlPlaneError } from '../control-plane.client';
import { ImageCleanup } from './image-cleanup';
import { LaunchReplica } from './replica-launch';
import { StepBack } from './step-back';
import { SwitchWorkload } from './switch-workload';

/** What still runs on an instance AWS is taking back: the failover itself. */
const FAILOVER_COMMANDS = new Set(['emergency-launch', 'promote-replica', 'launch-replica']);

/**
 * Claims the agent's commands and hands each to its use-case (CORE-EXEC); every command ends
 * with `commands/{id}/executed`. Primaries only: a standby waits for its promotion. After a
 * termination notice only the failover's own commands run; the rest are refused.
 */
export class CommandExecutor {
  constructor(
    private readonly ctx: AgentContext,
    private readonly flows: { switchWorkload: SwitchWorkload; launchReplica: LaunchReplica; stepBack: StepBack; cleanup: ImageCleanup },
  ) {}

  async pollOnce(): Promise<CommandDto[]> {
    if (this.ctx.role !== 'primary') return [];
    const session = await this.ctx.runtime.ensureSession();
    let answer;
    try {
      answer = await this.ctx.ports.client.pendingCommands(session.agentId, session.agentToken);
      this.ctx.contact(true);
    } catch (error) {
      if (error instanceof ControlPlaneError) this.ctx.contact(!error.transient);
      if (error instanceof ControlPlaneError && (error.status === 401 || error.status === 404)) {
        await this.ctx.runtime.register();
        return [];
      }
      throw error;
    }
    for (const command of answer.commands) {
      if (this.ctx.terminating && !FAILOVER_COMMANDS.has(command.command_type)) await this.refuse(command, 'this instance is being taken back by AWS (termination notice)');
      else await this.execute(command);
    }
    return answer.commands;
  }

  async execute(command: CommandDto): Promise<void> {
    const startedAt = this.ctx.now();
    const payload = (command.payload ?? {}) as Record<string, unknown>;
    this.ctx.log('EXECUTE', 'STARTED', `${command.command_type} ${command.id}`);
    let result: Record<string, unknown> = {};
    let error: string | undefined;
    try {
      result = await this.run(command, payload, startedAt);
    } catch (failure) {
      error = message(failure);
    }
    const completedAt = this.ctx.now();
    const durationMs = completedAt.getTime() - startedAt.getTime();
    this.ctx.log('EXECUTE', error ? 'FAILURE' : 'SUCCESS', `${command.command_type} ${command.id}${error ? `: ${error}` : ''}`, durationMs);
    this.ctx.outbox.add(
      'command-executed',
      { report_id: randomUUID(), success: !error, result, ...(error ? { error_message: error.slice(0, 2000) } : {}), duration_ms: durationMs, started_at: iso(startedAt), completed_at: iso(completedAt) },
      { ref: command.id, key: `executed:${command.id}` },
    );
    await this.ctx.sender.flush();
  }

  private run(command: CommandDto, payload: Record<string, unknown>, startedAt: Date): Promise<Record<string, unknown>> {
    switch (command.command_type) {
      case 'switch':
        return this.flows.switchWorkload.execute(command, payload, startedAt);
      case 'launch-replica':
      case 'emergency-launch':
        return this.flows.launchReplica.execute(command, payload);
      case 'promote-replica':
        return this.flows.stepBack.execute(payload, command.id);
      case 'terminate-instance':
        return this.terminate(payload);
      case 'cleanup':
        return this.flows.cleanup.execute(payload);
      default:
        throw new Error(`unknown command type ${command.command_type}`);
    }
  }

  private async terminate(payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const target = String(payload.instance_id ?? '');
    if (!/^i-[0-9a-f]+$/.test(target)) throw new Error('the command names no instance_id');
    if (this.ctx.safeMode) throw new Error('safe mode: terminations wait until the control plane is back');
    const done = await this.ctx.ports.cloud.terminateInstances([target]);
    if (done.dryRun) return { dry_run: true, would_execute: done.wouldExecute };
    return { terminated: target, state: done.value[0]?.state ?? null };
  }

  private async refuse(command: CommandDto, reason: string): Promise<void> {
    const now = iso(this.ctx.now());
    this.ctx.outbox.add('command-executed', { report_id: randomUUID(), success: false, error_message: reason, started_at: now, completed_at: now }, { ref: command.id, key: `executed:${command.id}` });
    await this.ctx.sender.flush();
  }
}
