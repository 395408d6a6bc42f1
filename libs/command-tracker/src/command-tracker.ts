import { DataSource, EntityManager, In, LessThanOrEqual, QueryDeepPartialEntity } from 'typeorm';
import { Clock, DomainError, IdGenerator } from '@spot/core';
import { CommandEntity, CommandStatus, insertRow, isUniqueViolation, SystemEventLog, TransactionRunner, writeLock } from '@spot/persistence';
import { COMMAND_PRIORITY, CommandOrigin, conflictGroupOf, DEFAULT_TTL_SECONDS, EXECUTION_TIMEOUT_SECONDS, SETTINGS_STAMPED_COMMAND_TYPES } from './command-rules';

/** A command as the rest of the product sees it (the row without its relation). */
export type CommandRecord = Omit<CommandEntity, 'agent'>;

export interface IssueCommand {
  clientId: string;
  agentId: string;
  commandType: string;
  origin: CommandOrigin;
  payload?: Record<string, unknown>;
  /** A retry with the same key answers the command queued the first time. */
  idempotencyKey?: string;
  createdBy?: string;
  /** Seconds the command may wait to be claimed; defaults by origin (DEFAULT_TTL_SECONDS). */
  ttlSeconds?: number;
}

export interface ExecutionOutcome {
  success: boolean;
  result?: Record<string, unknown>;
  errorMessage?: string;
  /** Measured by the agent; otherwise claimed → reported. */
  durationMs?: number;
  startedAt?: Date;
  completedAt?: Date;
}

export interface ExecutionReceipt {
  command: CommandRecord;
  /** The result had been recorded already (a retry): nothing changed. */
  alreadyRecorded: boolean;
}

/** The agent's settings as they are now, read only when a settings-dependent command is claimed. */
export type SettingsAtClaim = () => Promise<Record<string, unknown>>;

/**
 * Told of every result an agent reports (a repeated report too, so work that failed after the
 * first report is done on the retry: listeners must be idempotent). Runs after the result is
 * committed, in its own transaction.
 */
export type ResultListener = (command: CommandRecord) => Promise<void>;

export interface CommandFilter {
  agentId?: string;
  clientId?: string;
  commandType?: string;
  origin?: CommandOrigin;
}

const COMPONENT = 'CORE-CMD';
/** JSON kept in TEXT columns (64 KB on MySQL): payloads and results stay well inside it. */
const MAX_JSON_CHARS = 16_000;

function assertSmallJson(value: Record<string, unknown> | undefined, field: string): void {
  if (value !== undefined && JSON.stringify(value).length > MAX_JSON_CHARS) {
    throw DomainError.invalid('JSON_TOO_LARGE', `${field} is larger than ${MAX_JSON_CHARS} characters of JSON`, [{ field, problems: [`${field} must be at most ${MAX_JSON_CHARS} characters as JSON`] }]);
  }
}
const CLAIM_SCAN = 50;

const strip = (row: CommandEntity): CommandRecord => {
  const { agent: _agent, ...record } = row;
  return record;
};

/**
 * The priority queue of agent commands and their lifecycle (seed 000 Command Tracker):
 * pending → executing → completed | failed, or expired / superseded without running.
 *
 * Conflict rule (command-rules.ts groups commands that move the same thing):
 * - a new command supersedes conflicting *pending* commands of lower or equal priority (the
 *   newer decision is the better informed one; a manual switch replaces a pending automatic one);
 * - it is refused (409 COMMAND_OUTRANKED) while a conflicting pending command of higher priority
 *   waits, and (409 COMMAND_IN_PROGRESS) while a conflicting command of at least its priority is
 *   executing; emergency commands are never refused by an executing one.
 * A pending command past its expiry blocks nothing and is never handed out: it expires on sight
 * (poll or issue) or in the expiry job. Every transition is appended to system_events.
 */
export class CommandTracker {
  private readonly resultListeners: ResultListener[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly events: SystemEventLog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  private repo(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository(CommandEntity);
  }

  /** Registers a listener for reported results (e.g. the replicas lib fails a dry-run launch's replica). */
  onResult(listener: ResultListener): void {
    this.resultListeners.push(listener);
  }

  async issue(input: IssueCommand, manager?: EntityManager): Promise<CommandRecord> {
    const priority = COMMAND_PRIORITY[input.origin];
    if (priority === undefined) throw DomainError.invalid('INVALID_COMMAND', `unknown command origin ${input.origin}`, [{ field: 'origin', problems: ['origin must be automatic, manual or emergency'] }]);
    if (!input.commandType || input.commandType.length > 50) {
      throw DomainError.invalid('INVALID_COMMAND', 'command type must be 1-50 characters', [{ field: 'command_type', problems: ['command_type must be 1-50 characters'] }]);
    }
    assertSmallJson(input.payload, 'payload');
    const ttl = input.ttlSeconds ?? DEFAULT_TTL_SECONDS[input.origin];
    if (!(ttl > 0)) throw DomainError.invalid('INVALID_COMMAND', 'ttl must be positive', [{ field: 'ttl_seconds', problems: ['ttl_seconds must be positive'] }]);

    if (input.idempotencyKey) {
      const existing = await this.findByKey(input.agentId, input.idempotencyKey, manager);
      if (existing) return existing;
    }
    try {
      return manager ? await this.issueIn(manager, input, priority, ttl) : await this.tx.run((m) => this.issueIn(m, input, priority, ttl));
    } catch (error) {
      // Two retries raced past the check above: the unique index let one in, answer that one.
      if (input.idempotencyKey && isUniqueViolation(error)) {
        const existing = await this.findByKey(input.agentId, input.idempotencyKey, manager);
        if (existing) return existing;
      }
      throw error;
    }
  }

  private async issueIn(manager: EntityManager, input: IssueCommand, priority: number, ttlSeconds: number): Promise<CommandRecord> {
    const now = this.clock.now();
    const group = conflictGroupOf(input.commandType, input.payload);
    // Locking the agent's open commands serialises concurrent issues for one agent on MySQL.
    const open = await this.repo(manager).find({
      where: { agentId: input.agentId, status: In(['pending', 'executing']) },
      order: { createdAt: 'ASC', id: 'ASC' },
      lock: writeLock(manager),
    });
    // A stale pending command blocks nothing: it expires here instead.
    const isStale = (c: CommandEntity) => c.status === 'pending' && c.expiresAt !== null && c.expiresAt.getTime() <= now.getTime();
    for (const stale of open.filter(isStale)) await this.expireIn(manager, stale, now);
    const conflicting = group === null ? [] : open.filter((c) => !isStale(c) && conflictGroupOf(c.commandType, c.payload) === group);

    const inProgress = conflicting.find((c) => c.status === 'executing' && c.priority >= priority);
    if (inProgress && input.origin !== 'emergency') {
      throw DomainError.conflict('COMMAND_IN_PROGRESS', `A ${inProgress.origin} ${inProgress.commandType} command is being executed by the agent; try again once it has finished`, {
        command_id: inProgress.id,
        priority: inProgress.priority,
      });
    }
    const outranking = conflicting.find((c) => c.status === 'pending' && c.priority > priority);
    if (outranking) {
      throw DomainError.conflict('COMMAND_OUTRANKED', `A ${outranking.origin} ${outranking.commandType} command (priority ${outranking.priority}) is already waiting for the agent`, {
        command_id: outranking.id,
        priority: outranking.priority,
      });
    }

    const command: CommandEntity = {
      id: this.ids.uuid(),
      clientId: input.clientId,
      agentId: input.agentId,
      commandType: input.commandType,
      priority,
      origin: input.origin,
      status: 'pending',
      payload: input.payload ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      supersededBy: null,
      createdBy: input.createdBy ?? null,
      result: null,
      errorMessage: null,
      executionDurationMs: null,
      createdAt: now,
      claimedAt: null,
      completedAt: null,
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
      updatedAt: now,
    };
    await insertRow(manager, CommandEntity, command);
    await this.record(manager, command, 'command.issued', `${command.origin} ${command.commandType} command queued (priority ${priority})`, {
      payload: command.payload,
      expires_at: command.expiresAt?.toISOString(),
    });

    for (const old of conflicting.filter((c) => c.status === 'pending')) {
      await this.repo(manager).update({ id: old.id, status: 'pending' }, { status: 'superseded', supersededBy: command.id, updatedAt: now });
      await this.record(manager, { ...old, status: 'superseded' }, 'command.superseded', `${old.origin} ${old.commandType} command replaced by a newer ${command.origin} ${command.commandType} command`, {
        superseded_by: command.id,
      });
    }
    return command;
  }

  /**
   * Hands the agent its next commands, highest priority first, and marks them executing. Each
   * claim is a conditional UPDATE (status still pending), so two pollers never get the same
   * command. A command is held back while another command of its conflict group is executing,
   * unless it is an emergency. Commands that depend on the agent's settings (switch, replica
   * launches, promotion) get `settingsAtClaim()` merged into their payload, stored with the claim.
   */
  async claimNext(agentId: string, limit = 10, settingsAtClaim?: SettingsAtClaim): Promise<CommandRecord[]> {
    const now = this.clock.now();
    const pending = await this.repo().find({
      where: { agentId, status: 'pending' },
      order: { priority: 'DESC', createdAt: 'ASC', id: 'ASC' },
      take: CLAIM_SCAN,
    });
    if (pending.length === 0) return []; // the common poll: one query
    // Stale commands are expired on sight rather than handed out.
    const stale = pending.filter((c) => c.expiresAt !== null && c.expiresAt.getTime() <= now.getTime());
    for (const command of stale) await this.expire(command, now);
    const candidates = pending.filter((c) => !stale.includes(c));
    if (candidates.length === 0) return [];
    const executing = await this.repo().find({ select: { id: true, commandType: true, payload: true }, where: { agentId, status: 'executing' } });
    const busy = new Set(executing.map((c) => conflictGroupOf(c.commandType, c.payload)).filter((g): g is string => g !== null));

    const claimed: CommandRecord[] = [];
    let settings: Record<string, unknown> | undefined;
    for (const candidate of candidates) {
      if (claimed.length >= limit) break;
      const group = conflictGroupOf(candidate.commandType, candidate.payload);
      if (group !== null && busy.has(group) && candidate.origin !== 'emergency') continue;
      const stamped = settingsAtClaim !== undefined && SETTINGS_STAMPED_COMMAND_TYPES.includes(candidate.commandType);
      if (stamped && settings === undefined) settings = await settingsAtClaim();
      const payload = stamped ? { ...(candidate.payload ?? {}), ...settings } : candidate.payload;
      const won = await this.tx.run(async (manager) => {
        const changes = { status: 'executing' as CommandStatus, claimedAt: now, updatedAt: now, ...(stamped ? { payload } : {}) };
        // TypeORM's deep-partial type rejects JSON columns typed as records.
        const result = await this.repo(manager).update({ id: candidate.id, status: 'pending' }, changes as QueryDeepPartialEntity<CommandEntity>);
        if (result.affected !== 1) return false;
        await this.record(manager, { ...candidate, status: 'executing' }, 'command.claimed', `${candidate.origin} ${candidate.commandType} command handed to the agent`, stamped ? { settings } : {});
        return true;
      });
      if (!won) continue;
      claimed.push({ ...strip(candidate), payload, status: 'executing', claimedAt: now, updatedAt: now });
      if (group !== null) busy.add(group);
    }
    return claimed;
  }

  /**
   * Records what the agent reports for a command it claimed. Idempotent: a repeated report
   * changes nothing and says so. A late report for a command that expired while executing is
   * still recorded (the agent did run it).
   */
  async recordExecution(agentId: string, commandId: string, outcome: ExecutionOutcome): Promise<ExecutionReceipt> {
    assertSmallJson(outcome.result, 'result');
    const receipt = await this.recordExecutionIn(agentId, commandId, outcome);
    for (const listener of this.resultListeners) await listener(receipt.command);
    return receipt;
  }

  private recordExecutionIn(agentId: string, commandId: string, outcome: ExecutionOutcome): Promise<ExecutionReceipt> {
    return this.tx.run(async (manager) => {
      const command = await this.repo(manager).findOne({ where: { id: commandId }, lock: writeLock(manager) });
      if (!command || command.agentId !== agentId) throw DomainError.notFound('command', commandId);
      if (command.status === 'completed' || command.status === 'failed') return { command: strip(command), alreadyRecorded: true };
      if (command.status === 'pending' || command.status === 'superseded' || (command.status === 'expired' && !command.claimedAt)) {
        throw DomainError.conflict('COMMAND_NOT_CLAIMED', `Command ${commandId} is ${command.status}; only a command handed to the agent can report a result`, {
          status: command.status,
        });
      }
      const now = this.clock.now();
      const completedAt = outcome.completedAt ?? now;
      const startedAt = outcome.startedAt ?? command.claimedAt ?? completedAt;
      const status: CommandStatus = outcome.success ? 'completed' : 'failed';
      const wasExpired = command.status === 'expired';
      const changes = {
        status,
        result: outcome.result ?? null,
        errorMessage: outcome.success ? null : (outcome.errorMessage ?? 'the agent reported a failure'),
        executionDurationMs: outcome.durationMs ?? Math.max(0, completedAt.getTime() - startedAt.getTime()),
        completedAt,
        updatedAt: now,
      };
      // TypeORM's deep-partial type rejects JSON columns typed as records.
      await this.repo(manager).update({ id: command.id }, changes as QueryDeepPartialEntity<CommandEntity>);
      const updated = { ...command, ...changes };
      await this.record(
        manager,
        updated,
        `command.${status}`,
        `${command.origin} ${command.commandType} command ${status}${wasExpired ? ' (reported after it had expired)' : ''}${outcome.success ? '' : `: ${changes.errorMessage}`}`,
        { duration_ms: changes.executionDurationMs, result: changes.result },
        outcome.success ? 'info' : 'warning',
      );
      return { command: strip(updated), alreadyRecorded: false };
    });
  }

  /**
   * Pending commands past their expiry and executing commands whose agent never reported within
   * EXECUTION_TIMEOUT_SECONDS become expired. Returns how many did.
   */
  async expireStale(): Promise<number> {
    const now = this.clock.now();
    const executionCutoff = new Date(now.getTime() - EXECUTION_TIMEOUT_SECONDS * 1000);
    const [stalePending, staleExecuting] = await Promise.all([
      this.repo().find({ where: { status: 'pending', expiresAt: LessThanOrEqual(now) } }),
      this.repo().find({ where: { status: 'executing', claimedAt: LessThanOrEqual(executionCutoff) } }),
    ]);
    let expired = 0;
    for (const command of [...stalePending, ...staleExecuting]) if (await this.expire(command, now)) expired += 1;
    return expired;
  }

  /** Expires one command if nobody changed it meanwhile; true when this call did. */
  private expire(command: CommandEntity, now: Date): Promise<boolean> {
    return this.tx.run((manager) => this.expireIn(manager, command, now));
  }

  private async expireIn(manager: EntityManager, command: CommandEntity, now: Date): Promise<boolean> {
    const unclaimed = command.status === 'pending';
    const errorMessage = unclaimed ? 'not claimed by the agent before it expired' : `no result reported within ${EXECUTION_TIMEOUT_SECONDS} s of being claimed`;
    const result = await this.repo(manager).update({ id: command.id, status: command.status }, { status: 'expired', errorMessage, updatedAt: now });
    if (result.affected !== 1) return false;
    await this.record(manager, { ...command, status: 'expired' }, 'command.expired', `${command.origin} ${command.commandType} command expired: ${errorMessage}`, {}, 'warning');
    return true;
  }

  countPending(filter: CommandFilter = {}): Promise<number> {
    return this.repo().countBy({ ...filter, status: 'pending' });
  }

  async findById(id: string): Promise<CommandRecord | null> {
    const row = await this.repo().findOneBy({ id });
    return row ? strip(row) : null;
  }

  /** Ids of the commands that `commandId` replaced. */
  async supersededBy(commandId: string): Promise<string[]> {
    const rows = await this.repo().find({ select: { id: true }, where: { supersededBy: commandId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => r.id);
  }

  /** Commands of an agent that are waiting or running, highest priority first. */
  async openFor(agentId: string): Promise<CommandRecord[]> {
    const rows = await this.repo().find({ where: { agentId, status: In(['pending', 'executing']) }, order: { priority: 'DESC', createdAt: 'ASC', id: 'ASC' } });
    return rows.map(strip);
  }

  /** The agent's command issued with this idempotency key, whatever became of it. */
  findByIdempotencyKey(agentId: string, idempotencyKey: string): Promise<CommandRecord | null> {
    return this.findByKey(agentId, idempotencyKey);
  }

  private async findByKey(agentId: string, idempotencyKey: string, manager?: EntityManager): Promise<CommandRecord | null> {
    const row = await this.repo(manager).findOneBy({ agentId, idempotencyKey });
    return row ? strip(row) : null;
  }

  private async record(
    manager: EntityManager,
    command: Pick<CommandEntity, 'id' | 'clientId' | 'agentId' | 'commandType' | 'origin' | 'priority' | 'status'>,
    eventType: string,
    message: string,
    extra: Record<string, unknown>,
    severity: 'info' | 'warning' = 'info',
  ): Promise<void> {
    await this.events.record(
      {
        eventType,
        component: COMPONENT,
        severity,
        clientId: command.clientId,
        agentId: command.agentId,
        message,
        metadata: { command_id: command.id, command_type: command.commandType, origin: command.origin, priority: command.priority, status: command.status, ...extra },
      },
      manager,
    );
  }
}
