/**
 * @jest-environment ./test/support/native-typed-arrays-environment.js
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContractEnforcer, DecisionEngine, RuleBasedEngine } from '@spot/decisions';
import { ActiveModelEngine, contractTestVector, LIVE_MODEL_CHECK_MS, MODEL_SESSIONS_KEPT } from '@spot/learning';
import { ModelUploadSessionEntity, SystemEventEntity } from '@spot/persistence';
import { ApiActor, bearer, describeEachDatabase, garbageModel, goodModel, hangingModel, outOfContractModel, startTestApi, TestApi, wrongInputModel } from '@spot/testing';


/**
 * Seed 004 Scenario 6 through HTTP with real ONNX files: upload → validated in an isolated
 * process with a time limit → pending → activate (hot reload) → live, the previous live model
 * kept as fallback → rollback; models that crash, hang or break the contract never go live.
 */
describeEachDatabase('ML model registry end to end', (db) => {
  let api: TestApi;
  let admin: string;
  let storage: string;

  beforeAll(async () => {
    storage = mkdtempSync(join(tmpdir(), 'spot-models-'));
    api = await startTestApi(db(), { env: { MODEL_STORAGE_DIR: storage, MODEL_VALIDATION_TIMEOUT_MS: '4000' } });
    admin = await new ApiActor(api).adminToken();
  });
  afterAll(async () => {
    await api?.close();
    rmSync(storage, { recursive: true, force: true });
  });

  const http = () => api.http();
  const upload = (content: Buffer, name = 'risk.onnx') => http().post('/api/admin/ml-models/upload').set(bearer(admin)).attach('file', content, name);
  const active = () => api.app.get(ActiveModelEngine);
  const answerTestVector = () => active().decide(contractTestVector());

  it('takes a good model from upload to live without a restart, keeps the old one as fallback, and rolls back', async () => {
    expect(active().name).toBe('learned');

    const first = await upload(goodModel(-3), 'risk-v1.onnx').expect(201);
    expect(first.body).toMatchObject({ status: 'pending', is_live: false, is_fallback: false, model_format: 'onnx', file_names: ['risk-v1.onnx'], uploaded_by: 'admin@spot.test', validation: { ok: true, problems: [] } });
    expect(first.body.validation.probabilities).toHaveLength(3);
    // Pending is not live.
    expect(active().name).toBe('learned');

    // Another process (the scheduler) has its own active engine over the same database.
    const otherProcess = new ActiveModelEngine(api.dataSource, new RuleBasedEngine(), api.clock);
    await otherProcess.decide(contractTestVector());
    expect(otherProcess.name).toBe('rule-based');

    const live1 = await http().post('/api/admin/ml-models/activate').set(bearer(admin)).send({ session_id: first.body.id }).expect(200);
    expect(live1.body).toMatchObject({ id: first.body.id, status: 'activated', is_live: true });
    expect(active().name).toBe(first.body.engine_name);
    const v1 = await answerTestVector();
    expect(v1.interruption_probability).toBeCloseTo(first.body.validation.probabilities[0], 4);
    // It picks the live model up on its next check, without a restart.
    api.clock.advance(LIVE_MODEL_CHECK_MS);
    expect((await otherProcess.decide(contractTestVector())).interruption_probability).toBe(v1.interruption_probability);
    expect(otherProcess.name).toBe(first.body.engine_name);

    // A second model: activating it demotes the first to fallback.
    const second = await upload(goodModel(1), 'risk-v2.onnx').expect(201);
    await http().post('/api/admin/ml-models/activate').set(bearer(admin)).send({ session_id: second.body.id }).expect(200);
    expect(active().name).toBe(second.body.engine_name);
    expect((await answerTestVector()).interruption_probability).toBeGreaterThan(v1.interruption_probability);
    const listed = await http().get('/api/admin/ml-models').set(bearer(admin)).expect(200);
    expect(listed.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(listed.body.items.map((s: { id: string; status: string; is_live: boolean; is_fallback: boolean }) => [s.id, s.status, s.is_live, s.is_fallback])).toEqual([
      [second.body.id, 'activated', true, false],
      [first.body.id, 'fallback', false, true],
    ]);

    // Decisions are answered by the live model, through the contract enforcer, without falling back.
    expect(api.app.get(DecisionEngine, { strict: false })).toBe(active());
    const enforced = await new ContractEnforcer(new RuleBasedEngine()).run(api.app.get(DecisionEngine, { strict: false }), contractTestVector());
    expect(enforced).toMatchObject({ engine: { name: second.body.engine_name }, fallbackUsed: false });

    const rolled = await http().post('/api/admin/ml-models/rollback').set(bearer(admin)).expect(200);
    expect(rolled.body).toMatchObject({ retired: { id: second.body.id, status: 'retired', is_live: false }, live: { id: first.body.id, status: 'activated', is_live: true }, active_engine: first.body.engine_name });
    expect(active().name).toBe(first.body.engine_name);
    expect((await answerTestVector()).interruption_probability).toBeCloseTo(v1.interruption_probability, 6);

    // Rolling back the last uploaded model hands decisions back to the built-in engine.
    const back = await http().post('/api/admin/ml-models/rollback').set(bearer(admin)).expect(200);
    expect(back.body).toMatchObject({ live: null, active_engine: 'learned' });
    expect(active().name).toBe('learned');
    api.clock.advance(LIVE_MODEL_CHECK_MS);
    await otherProcess.decide(contractTestVector());
    expect(otherProcess.name).toBe('rule-based');
    const none = await http().post('/api/admin/ml-models/rollback').set(bearer(admin)).expect(409);
    expect(none.body.details.code).toBe('NO_LIVE_MODEL');
    // A retired model cannot be activated again by mistake; a fallback could.
    expect((await http().post('/api/admin/ml-models/activate').set(bearer(admin)).send({ session_id: second.body.id }).expect(409)).body.details.code).toBe('MODEL_NOT_ACTIVATABLE');

    const events = await api.dataSource.getRepository(SystemEventEntity).find({ where: { component: 'MOD-AI-01' } });
    expect(events.map((e) => e.eventType).sort()).toEqual(['ml_model_activated', 'ml_model_activated', 'ml_model_rolled_back', 'ml_model_rolled_back']);
  }, 60_000);

  it.each([
    ['crashes on load (not a model)', garbageModel(), /Protobuf parsing failed/],
    ['crashes when called (wrong input)', wrongInputModel(), /must take "features"/],
    ['hangs', hangingModel(), /did not answer the test vector within 4000 ms/],
    ['breaks the contract (answers logits, not probabilities)', outOfContractModel(), /probabilities in \[0, 1\]/],
  ])('refuses a model that %s: it is rejected, its file deleted, and it can never go live', async (_what, content, reason) => {
    const before = active().name;
    const res = await upload(content, 'bad.onnx').expect(400);
    expect(res.body.details).toMatchObject({ code: 'MODEL_REJECTED' });
    expect(res.body.message).toMatch(reason);
    const sessionId = res.body.details.session_id as string;
    const session = await http().get(`/api/admin/ml-models/${sessionId}`).set(bearer(admin)).expect(200);
    expect(session.body).toMatchObject({ status: 'rejected', is_live: false, validation: { ok: false } });
    expect(session.body.error_message).toMatch(reason);
    expect(readdirSync(storage)).not.toContain(sessionId);
    const activate = await http().post('/api/admin/ml-models/activate').set(bearer(admin)).send({ session_id: sessionId }).expect(409);
    expect(activate.body.details.code).toBe('MODEL_NOT_ACTIVATABLE');
    expect(active().name).toBe(before);
  }, 30_000);

  it('validates the request: one .onnx file, a session id, super-admins only', async () => {
    expect((await http().post('/api/admin/ml-models/upload').set(bearer(admin)).expect(400)).body.details.code).toBe('MODEL_FILE_REQUIRED');
    expect((await upload(goodModel(), 'model.pkl').expect(400)).body.details.code).toBe('MODEL_FORMAT_UNSUPPORTED');
    await http().post('/api/admin/ml-models/activate').set(bearer(admin)).send({ session_id: 'nope' }).expect(400);
    await http().post('/api/admin/ml-models/activate').set(bearer(admin)).send({ session_id: '00000000-0000-4000-8000-000000000000' }).expect(404);
    const client = await new ApiActor(api).signup('Mallory', 'mallory@models.test');
    await http().post('/api/admin/ml-models/upload').set(bearer(client.userToken)).attach('file', goodModel(), 'x.onnx').expect(403);
  });

  it(`keeps only the last ${MODEL_SESSIONS_KEPT} sessions (plus the live and fallback ones), deleting older files`, async () => {
    for (let i = 0; i < MODEL_SESSIONS_KEPT + 2; i++) await upload(goodModel(-i), `m${i}.onnx`).expect(201);
    const rows = await api.dataSource.getRepository(ModelUploadSessionEntity).find();
    const liveOrFallback = rows.filter((r) => r.isLive || r.isFallback);
    expect(rows.length).toBe(MODEL_SESSIONS_KEPT + liveOrFallback.length);
    const onDisk = readdirSync(storage);
    for (const r of rows.filter((x) => x.status === 'pending')) expect(onDisk).toContain(r.id);
    expect(onDisk.length).toBe(rows.filter((r) => r.storagePath !== null).length);
  }, 60_000);
});
