import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource, In, Not } from 'typeorm';
import { Clock, DomainError, IdGenerator, Page, PageRequest } from '@spot/core';
import { outputProblems } from '@spot/decisions';
import { insertRow, ModelUploadSessionEntity, SystemEventLog, TransactionRunner, writeLock } from '@spot/persistence';
import { RiskRankingEngine } from '../engine/learned-engine';
import { ActiveModelEngine, engineNameOf } from './active-model-engine';
import { runModelIsolated } from './isolated-validator';
import { contractTestVector, featureMatrix, modelOutputProblems } from './onnx-contract';
import { OnnxModelEngine } from './onnx-engine';

/** Sessions kept besides the live and fallback ones; older ones are deleted with their files. */
export const MODEL_SESSIONS_KEPT = 5;
export const MAX_MODEL_BYTES = 50 * 1024 * 1024;

export interface UploadedFile {
  name: string;
  content: Buffer;
}

export interface ModelRegistryOptions {
  storageDir: string;
  validationTimeoutMs: number;
}

export interface ModelValidation {
  ok: boolean;
  problems: string[];
  probabilities: number[] | null;
  duration_ms: number;
}

/**
 * The model registry (seed 000 Model Registry, seed 004 Scenario 6): an upload is stored, then
 * validated outside the API process with a time limit (it must load and answer the contract's
 * test vector in contract); a valid model waits as pending until a super-admin activates it,
 * which swaps the active engine in place; the previous live model is kept as the fallback that
 * rollback returns to. Only the last few sessions are kept. Owner of model_upload_sessions.
 */
export class ModelRegistry {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly active: ActiveModelEngine,
    private readonly events: SystemEventLog,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly options: ModelRegistryOptions,
  ) {}

  private get sessions() {
    return this.dataSource.getRepository(ModelUploadSessionEntity);
  }

  async upload(files: UploadedFile[], uploadedBy: string): Promise<ModelUploadSessionEntity> {
    if (files.length !== 1) throw DomainError.invalid('MODEL_FILE_REQUIRED', `upload exactly one .onnx file (got ${files.length})`, [{ field: 'file', problems: ['one .onnx file required'] }]);
    const [file] = files;
    if (!/\.onnx$/i.test(file.name)) throw DomainError.invalid('MODEL_FORMAT_UNSUPPORTED', `${file.name}: only ONNX models (.onnx) can run here`, [{ field: 'file', problems: ['must be an .onnx file'] }]);
    if (file.content.length === 0 || file.content.length > MAX_MODEL_BYTES) {
      throw DomainError.invalid('MODEL_SIZE_INVALID', `${file.name} has ${file.content.length} bytes; a model must have 1 byte to ${MAX_MODEL_BYTES / 1024 / 1024} MiB`, [{ field: 'file', problems: ['empty or too large'] }]);
    }
    const id = this.ids.uuid();
    const dir = join(this.options.storageDir, id);
    const storagePath = join(dir, 'model.onnx');
    await mkdir(dir, { recursive: true });
    await writeFile(storagePath, file.content);
    const now = this.clock.now();
    await insertRow(this.dataSource.manager, ModelUploadSessionEntity, {
      id,
      sessionType: 'models',
      status: 'validating',
      isLive: false,
      isFallback: false,
      engineName: engineNameOf(id),
      modelFormat: 'onnx',
      fileCount: 1,
      fileNames: [file.name.slice(0, 255)],
      storagePath,
      checksum: createHash('sha256').update(file.content).digest('hex'),
      validationResult: null,
      errorMessage: null,
      uploadedBy,
      createdAt: now,
      validatedAt: null,
      activatedAt: null,
      updatedAt: now,
    });

    const validation = await this.validate(storagePath);
    const done = this.clock.now();
    const patch = validation.ok
      ? { status: 'pending', validationResult: { ...validation }, validatedAt: done, updatedAt: done }
      : { status: 'rejected', validationResult: { ...validation }, errorMessage: validation.problems.join('; ').slice(0, 4000), storagePath: null, validatedAt: done, updatedAt: done };
    await this.sessions.save(Object.assign(await this.get(id), patch));
    if (!validation.ok) await rm(dir, { recursive: true, force: true });
    await this.events.record({
      eventType: validation.ok ? 'ml_model_validated' : 'ml_model_rejected',
      component: 'MOD-VAL-01',
      severity: validation.ok ? 'info' : 'warning',
      message: validation.ok ? `Model ${file.name} passed validation and awaits activation` : `Model ${file.name} was refused: ${validation.problems.join('; ')}`.slice(0, 1000),
      metadata: { session_id: id, uploaded_by: uploadedBy },
    });
    await this.prune();
    return this.get(id);
  }

  /** Loads the model in an isolated process with a time limit and checks its answer to the contract's test vector. */
  async validate(path: string): Promise<ModelValidation> {
    const input = contractTestVector();
    const matrix = featureMatrix(input);
    const run = await runModelIsolated(path, matrix, this.options.validationTimeoutMs);
    if (!run.ok) return { ok: false, problems: [run.error ?? 'the model failed'], probabilities: null, duration_ms: run.durationMs };
    const problems = modelOutputProblems(run.values ?? null, run.dims ?? null, matrix.rows);
    if (problems.length === 0) {
      // The answer must also make a decision that honours the engines' I/O contract.
      const values = run.values as number[];
      const engine = new RiskRankingEngine('validation', '0', async () => (poolId) => ({ risk: values[matrix.poolIds.indexOf(poolId)] ?? 0, evidenceWeight: 1, referencePrice: null, explanation: poolId }));
      problems.push(...outputProblems(await engine.decide(input), input));
    }
    return { ok: problems.length === 0, problems, probabilities: run.values ?? null, duration_ms: run.durationMs };
  }

  async list(page: PageRequest): Promise<Page<ModelUploadSessionEntity>> {
    const [items, total] = await this.sessions.findAndCount({ order: { createdAt: 'DESC', id: 'DESC' }, take: page.limit, skip: page.offset });
    return { items, total, limit: page.limit, offset: page.offset };
  }

  async get(id: string): Promise<ModelUploadSessionEntity> {
    const session = await this.sessions.findOneBy({ id });
    if (!session) throw DomainError.notFound('Model session', id);
    return session;
  }

  /** Makes a validated model live at once (hot reload); the model live until now becomes the fallback. */
  async activate(id: string, by: string): Promise<ModelUploadSessionEntity> {
    const target = await this.get(id);
    if (target.isLive) throw DomainError.conflict('MODEL_ALREADY_LIVE', `Model session ${id} is already live`);
    if (!['pending', 'fallback'].includes(target.status) || !target.storagePath) {
      throw DomainError.conflict('MODEL_NOT_ACTIVATABLE', `Model session ${id} is ${target.status}: only a validated (pending) or fallback model can be activated`);
    }
    // Load it in this process first: a model that cannot load here never becomes live.
    let engine: OnnxModelEngine;
    try {
      engine = await OnnxModelEngine.load(target.storagePath, engineNameOf(id), target.checksum?.slice(0, 12) ?? '1');
    } catch (error) {
      throw DomainError.conflict('MODEL_LOAD_FAILED', `Model session ${id} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
    const now = this.clock.now();
    const previous = await this.transactions.run(async (manager) => {
      const repo = manager.getRepository(ModelUploadSessionEntity);
      const live = await repo.find({ where: { isLive: true }, lock: writeLock(manager) });
      await repo.update({ isFallback: true, id: Not(In([id, ...live.map((s) => s.id)])) }, { isFallback: false, status: 'retired', updatedAt: now });
      if (live.length > 0) await repo.update({ id: In(live.map((s) => s.id)) }, { isLive: false, isFallback: true, status: 'fallback', updatedAt: now });
      await repo.update({ id }, { isLive: true, isFallback: false, status: 'activated', activatedAt: now, updatedAt: now });
      return live[0] ?? null;
    });
    await this.active.install(id, engine);
    await this.events.record({
      eventType: 'ml_model_activated',
      component: 'MOD-AI-01',
      message: `Model ${engineNameOf(id)} is live${previous ? `; ${engineNameOf(previous.id)} kept as fallback` : ''}`,
      metadata: { session_id: id, fallback_session_id: previous?.id ?? null, by },
    });
    await this.prune();
    return this.get(id);
  }

  /** Retires the live model; the fallback becomes live again (or the built-in engine answers when there is none). */
  async rollback(by: string): Promise<{ retired: ModelUploadSessionEntity; live: ModelUploadSessionEntity | null }> {
    const live = await this.sessions.findOne({ where: { isLive: true } });
    if (!live) throw DomainError.conflict('NO_LIVE_MODEL', 'No uploaded model is live: the built-in engine is already answering');
    const fallback = await this.sessions.findOne({ where: { isFallback: true }, order: { activatedAt: 'DESC' } });
    let engine: OnnxModelEngine | null = null;
    if (fallback?.storagePath) {
      try {
        engine = await OnnxModelEngine.load(fallback.storagePath, engineNameOf(fallback.id), fallback.checksum?.slice(0, 12) ?? '1');
      } catch {
        engine = null;
      }
    }
    const now = this.clock.now();
    await this.transactions.run(async (manager) => {
      const repo = manager.getRepository(ModelUploadSessionEntity);
      await repo.update({ id: live.id }, { isLive: false, isFallback: false, status: 'retired', updatedAt: now });
      if (fallback && engine) await repo.update({ id: fallback.id }, { isLive: true, isFallback: false, status: 'activated', activatedAt: now, updatedAt: now });
    });
    await this.active.install(engine && fallback ? fallback.id : null, engine);
    await this.events.record({
      eventType: 'ml_model_rolled_back',
      component: 'MOD-AI-01',
      severity: 'warning',
      message: `Model ${engineNameOf(live.id)} rolled back; ${engine && fallback ? `${engineNameOf(fallback.id)} is live again` : 'the built-in engine answers'}`,
      metadata: { retired_session_id: live.id, live_session_id: engine && fallback ? fallback.id : null, by },
    });
    return { retired: await this.get(live.id), live: engine && fallback ? await this.get(fallback.id) : null };
  }

  /** Keeps the newest MODEL_SESSIONS_KEPT sessions plus the live and fallback ones. */
  private async prune(): Promise<void> {
    const keep = await this.sessions.find({ select: { id: true }, order: { createdAt: 'DESC', id: 'DESC' }, take: MODEL_SESSIONS_KEPT });
    const old = await this.sessions.find({ where: { id: Not(In(keep.map((s) => s.id))), isLive: false, isFallback: false } });
    for (const session of old) {
      await this.sessions.delete({ id: session.id });
      await rm(join(this.options.storageDir, session.id), { recursive: true, force: true });
    }
  }
}
