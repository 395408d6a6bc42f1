import { SavingsLedger } from '@spot/decisions';
import { ClientEntity, InstanceEntity } from '@spot/persistence';
import { ReplicaService } from '@spot/replicas';
import { EmergencyFallback } from '@spot/sentinel';
import { ApiActor, bearer, describeEachDatabase, freshInstanceId, putSpotPrices, startTestApi, TestApi } from '@spot/testing';

/**
 * Issue 22 finding 10: a failover touches only what the failover needs. It neither writes nor
 * locks the client row (failovers of one client used to queue on it because the switch refreshed
 * total_savings inside the transaction), and the API's totals stay right, derived on read.
 */
const M5_LARGE_ON_DEMAND = 0.107; // eu-west-1, resources/aws-data

describeEachDatabase('failover hot path', (db) => {
  let api: TestApi;
  let actor: ApiActor;
  let adminToken: string;

  beforeAll(async () => {
    api = await startTestApi(db());
    actor = new ApiActor(api);
    adminToken = await actor.adminToken();
    await putSpotPrices(api.dataSource, api.clock, [{ instanceType: 'm5.large', az: 'eu-west-1b', price: 0.045 }, { instanceType: 'm5.large', az: 'eu-west-1c', price: 0.05 }]);
  });
  afterAll(async () => api?.close());

  /** A spot agent at $0.035/h with a ready standby, set up through the libs. */
  const agentWithReadyReplica = async (clientToken: string, logicalId: string) => {
    const instanceId = freshInstanceId();
    const agent = await actor.register(clientToken, { logical_agent_id: logicalId, instance_id: instanceId, az: 'eu-west-1a', instance_type: 'm5.large', mode: 'spot' });
    await api.dataSource.getRepository(InstanceEntity).update({ instanceId }, { spotPrice: 0.035, ondemandPrice: M5_LARGE_ON_DEMAND });
    const rebalance = await api.app.get(EmergencyFallback).handle(agent.agentId, { route: 'create-emergency-replica', signalType: 'rebalance-recommendation', forceReplica: true });
    const replicaId = rebalance.event.replicaId as string;
    const replicas = api.app.get(ReplicaService);
    await replicas.attachReplicaAgent(agent.agentId, replicaId, freshInstanceId());
    await replicas.updateSync(agent.agentId, replicaId, { progress: 100 });
    return { ...agent, instanceId };
  };
  const notice = (a: { agentId: string; agentToken: string; instanceId: string }) =>
    api.http().post(`/api/agents/${a.agentId}/termination-imminent`).set(bearer(a.agentToken)).send({ instance_id: a.instanceId });

  it('leaves the client row alone, and the client and admin views show the derived total', async () => {
    const client = await actor.createClient(adminToken, { name: 'Hot path', max_agents: 10, max_instances: 40 });
    const agent = await agentWithReadyReplica(client.clientToken, 'web');
    const before = await api.dataSource.getRepository(ClientEntity).findOneByOrFail({ id: client.id });

    api.clock.advanceSeconds(10 * 3600); // 10 h on spot at $0.035 instead of $0.107
    const res = await notice(agent).expect(200);
    expect(res.body).toMatchObject({ response_action: 'promoted-existing-replica', failover_completed: true });

    const after = await api.dataSource.getRepository(ClientEntity).findOneByOrFail({ id: client.id });
    expect(after.updatedAt.getTime()).toBe(before.updatedAt.getTime());
    expect(after.totalSavings).toBe(before.totalSavings);

    const expected = await api.app.get(SavingsLedger).totalFor(client.id);
    expect(expected).toBeCloseTo(10 * (M5_LARGE_ON_DEMAND - 0.035), 4);
    const info = await api.http().get(`/api/client/${client.id}`).set(bearer(client.clientToken)).expect(200);
    expect(info.body.totals.total_savings).toBeCloseTo(expected, 4);
    const admin = await api.http().get('/api/admin/clients?limit=200').set(bearer(adminToken)).expect(200);
    expect(admin.body.items.find((c: { id: string }) => c.id === client.id).total_savings).toBeCloseTo(expected, 4);
    const savings = await api.http().get(`/api/client/${client.id}/savings`).set(bearer(client.clientToken)).expect(200);
    expect(savings.body.total_savings).toBeCloseTo(expected, 4);
  });

  it('fails over while other transactions of the client share-lock its row, as every in-flight failover does (MySQL row locks)', async () => {
    if (api.dataSource.options.type === 'better-sqlite3') return; // SQLite has no row locks: its transactions are serialised whole
    const client = await actor.createClient(adminToken, { name: 'Locked client', max_agents: 10, max_instances: 40 });
    const agents = [await agentWithReadyReplica(client.clientToken, 'a'), await agentWithReadyReplica(client.clientToken, 'b')];
    const holder = api.dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      // What each failover's inserts of the client's rows (instances, notifications) take through their foreign keys.
      await holder.query('SELECT id FROM clients WHERE id = ? LOCK IN SHARE MODE', [client.id]);
      const answers = await Promise.all(agents.map((a) => notice(a)));
      expect(answers.map((r) => r.body.response_action)).toEqual(['promoted-existing-replica', 'promoted-existing-replica']);
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
  });
});
