import { DecisionInput, DecisionLoop } from '@spot/decisions';
import { AgentDecisionHistoryEntity, AgentEntity, CommandEntity, SystemEventEntity } from '@spot/persistence';
import { ApiActor, bearer, describeEachDatabase, freshInstanceId, startTestApi, TestApi } from '@spot/testing';

const M5_LARGE_OD = 0.107; // eu-west-1, resources/aws-data

/**
 * Prices in → decision loop → automatic command (auto-switch on) or a recommendation only (off)
 * → the agent claims it → executed → switch-report → instance, switch and savings records; and a
 * force-switch (manual, 75) replacing a pending automatic command. All through HTTP.
 */
describeEachDatabase('decisions end to end', (db) => {
  let api: TestApi;
  let actor: ApiActor;
  let client: { clientId: string; userToken: string; clientToken: string };

  beforeAll(async () => {
    api = await startTestApi(db());
    actor = new ApiActor(api);
    client = await actor.signup('Sarah Store', 'sarah@decisions.test');
  });
  afterAll(async () => api?.close());

  const http = () => api.http();
  const loop = () => api.app.get(DecisionLoop).runOnce();
  const setAutoSwitch = (agentId: string, on: boolean) => api.dataSource.getRepository(AgentEntity).update({ id: agentId }, { autoSwitchEnabled: on });
  /** Prices come in the way agents send them: the pricing-report route, through the data valve. */
  const prices = async (agent: { agentId: string; agentToken: string }) => {
    const observed_at = api.clock.now().toISOString();
    const observations = [
      { instance_type: 'm5.large', az: 'eu-west-1a', spot_price: 0.045, observed_at },
      { instance_type: 'm5.large', az: 'eu-west-1b', spot_price: 0.041, observed_at },
      { instance_type: 'm5a.large', az: 'eu-west-1b', spot_price: 0.03, observed_at },
      { instance_type: 'c5.large', az: 'eu-west-1a', spot_price: 0.015, observed_at }, // 4 GiB: too small for an m5.large workload
    ];
    const res = await http().post(`/api/agents/${agent.agentId}/pricing-report`).set(bearer(agent.agentToken)).send({ observations }).expect(200);
    expect(res.body).toMatchObject({ accepted: observations.length, rejected: [] });
  };

  it('auto-switch on: the loop queues an automatic switch, the agent carries it out and reports, savings add up', async () => {
    const agent = await actor.register(client.clientToken, { logical_agent_id: 'web-1', mode: 'on-demand' });
    await prices(agent);

    const summary = await loop();
    expect(summary.outcomes['command-issued']).toBe(1);

    const poll = await http().get(`/api/agents/${agent.agentId}/pending-commands`).set(bearer(agent.agentToken)).expect(200);
    expect(poll.body.commands).toHaveLength(1);
    const command = poll.body.commands[0];
    expect(command).toMatchObject({ command_type: 'switch', origin: 'automatic', priority: 50, status: 'executing' });
    expect(command.payload).toMatchObject({ target: 'pool', mode: 'spot', pool_id: 'm5a.large.eu-west-1b', instance_type: 'm5a.large', az: 'eu-west-1b', expected_price_per_h: 0.03 });
    // Claimed once: a second poll gets nothing.
    expect((await http().get(`/api/agents/${agent.agentId}/pending-commands`).set(bearer(agent.agentToken)).expect(200)).body.commands).toEqual([]);

    const decisions = await http().get(`/api/client/${client.clientId}/agents/decisions`).set(bearer(client.userToken)).expect(200);
    const mine = decisions.body.items.find((i: { agent_id: string }) => i.agent_id === agent.agentId);
    expect(mine.decision).toMatchObject({ engine_name: 'learned', command_id: command.id, fallback_used: false, recommendation: { target: 'pool', pool_id: 'm5a.large.eu-west-1b' } });
    expect(mine.decision.recommendation.reasons.join(' ')).toMatch(/similar type m5a\.large/);

    const started = api.clock.now();
    api.clock.advanceSeconds(90);
    const newInstanceId = freshInstanceId();
    await http()
      .post(`/api/agents/${agent.agentId}/commands/${command.id}/executed`)
      .set(bearer(agent.agentToken))
      .send({ success: true, result: { new_instance_id: newInstanceId } })
      .expect(200)
      .expect((res) => expect(res.body).toMatchObject({ already_recorded: false, command: { status: 'completed', execution_duration_ms: 90_000 } }));
    const report = {
      command_id: command.id,
      new_instance_id: newInstanceId,
      mode: 'spot',
      pool_id: 'm5a.large.eu-west-1b',
      price: 0.03,
      success: true,
      initiated_at: started.toISOString(),
      ami_created_at: new Date(started.getTime() + 40_000).toISOString(),
      instance_launched_at: new Date(started.getTime() + 70_000).toISOString(),
      instance_ready_at: new Date(started.getTime() + 85_000).toISOString(),
      old_terminated_at: new Date(started.getTime() + 90_000).toISOString(),
      downtime_ms: 3000,
    };
    const recorded = await http().post(`/api/agents/${agent.agentId}/switch-report`).set(bearer(agent.agentToken)).send(report).expect(200);
    expect(recorded.body).toMatchObject({ duplicate: false, switch: { trigger: 'automatic', new_pool_id: 'm5a.large.eu-west-1b', new_mode: 'spot', old_mode: 'on-demand', ami_created_at: report.ami_created_at } });
    expect(recorded.body.impact.after.savings_per_h).toBeCloseTo(M5_LARGE_OD - 0.03, 6);
    expect((await http().post(`/api/agents/${agent.agentId}/switch-report`).set(bearer(agent.agentToken)).send(report).expect(200)).body.duplicate).toBe(true);

    const instances = await http().get(`/api/client/${client.clientId}/instances?status=all`).set(bearer(client.userToken)).expect(200);
    const byId = new Map(instances.body.items.map((i: { instance_id: string }) => [i.instance_id, i]));
    expect(byId.get(newInstanceId)).toMatchObject({ is_active: true, current_mode: 'spot', current_pool_id: 'm5a.large.eu-west-1b', instance_type: 'm5a.large', spot_price: 0.03, ondemand_price: 0.096 });

    const switches = await http().get(`/api/client/${client.clientId}/switches`).set(bearer(client.clientToken)).expect(200);
    expect(switches.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect(switches.body.items[0]).toMatchObject({ command_id: command.id, new_instance_id: newInstanceId, downtime_ms: 3000, success: true });

    // Ten hours on spot at $0.03 instead of m5a.large's $0.096 on-demand.
    api.clock.advanceSeconds(10 * 3600);
    const savings = await http().get(`/api/client/${client.clientId}/savings`).set(bearer(client.userToken)).expect(200);
    expect(savings.body.total_savings).toBeCloseTo(10 * (0.096 - 0.03), 4);
    expect(savings.body.current_savings_per_h).toBeCloseTo(0.066, 6);
    expect(savings.body.projected_monthly).toBeCloseTo(0.066 * 730, 4);
    expect(savings.body.projected_yearly).toBeCloseTo(0.066 * 8760, 4);
    expect(savings.body.daily).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
  });

  it('auto-switch off: the loop only records a recommendation, and issue-switch-command is refused', async () => {
    const agent = await actor.register(client.clientToken, { logical_agent_id: 'web-2', mode: 'on-demand' });
    await setAutoSwitch(agent.agentId, false);
    await prices(agent);
    const before = await api.dataSource.getRepository(CommandEntity).countBy({ agentId: agent.agentId });

    await loop();
    expect(await api.dataSource.getRepository(CommandEntity).countBy({ agentId: agent.agentId })).toBe(before);
    const recommendation = await http().get(`/api/agents/${agent.agentId}/switch-recommendation`).set(bearer(agent.agentToken)).expect(200);
    expect(recommendation.body).toMatchObject({ outcome: 'recommendation-only', command: null, decision: { command_id: null, recommendation: { target: 'pool' } } });
    expect(recommendation.body.note).toMatch(/latest decision/);

    const refused = await http().post(`/api/agents/${agent.agentId}/issue-switch-command`).set(bearer(agent.agentToken)).send({}).expect(409);
    expect(refused.body.details.code).toBe('AUTO_SWITCH_DISABLED');
    const decided = await http().post(`/api/agents/${agent.agentId}/decide`).set(bearer(agent.agentToken)).send({}).expect(200);
    expect(decided.body).toMatchObject({ outcome: 'recommendation-only', command: null });
    expect(decided.body.note).toMatch(/auto-switch is off/);
    expect((await http().get(`/api/agents/${agent.agentId}/pending-commands`).set(bearer(agent.agentToken)).expect(200)).body.commands).toEqual([]);

    await setAutoSwitch(agent.agentId, true);
    const issued = await http().post(`/api/agents/${agent.agentId}/issue-switch-command`).set(bearer(agent.agentToken)).send({}).expect(200);
    expect(issued.body).toMatchObject({ outcome: 'command-issued', command: { origin: 'automatic', priority: 50, status: 'pending' } });
  });

  it('force-switch (manual, 75) replaces a pending automatic switch; the agent gets only the manual one', async () => {
    const agent = await actor.register(client.clientToken, { logical_agent_id: 'web-3', mode: 'on-demand' });
    await prices(agent);
    const decided = await http().post(`/api/agents/${agent.agentId}/decide`).set(bearer(agent.agentToken)).send({}).expect(200);
    const automatic = decided.body.command;
    expect(automatic).toMatchObject({ origin: 'automatic', status: 'pending' });

    const instances = await http().get(`/api/client/${client.clientId}/instances`).set(bearer(client.userToken)).expect(200);
    const instance = instances.body.items.find((i: { agent_id: string }) => i.agent_id === agent.agentId);
    const other = await actor.signup('Other Org', 'other@decisions.test');
    await http().post(`/api/client/instances/${instance.id}/force-switch`).set(bearer(other.userToken)).send({ target: 'on-demand' }).expect(404);
    const invalid = await http().post(`/api/client/instances/${instance.id}/force-switch`).set(bearer(client.userToken)).send({ target: 'pool' }).expect(400);
    expect(invalid.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['pool_id']);
    const unknownPool = await http().post(`/api/client/instances/${instance.id}/force-switch`).set(bearer(client.userToken)).send({ target: 'pool', pool_id: 'c5.large.eu-west-1a' }).expect(400);
    expect(unknownPool.body.details.code).toBe('POOL_NOT_A_CANDIDATE');

    const forced = await http().post(`/api/client/instances/${instance.id}/force-switch`).set(bearer(client.userToken)).send({ target: 'pool', pool_id: 'm5.large.eu-west-1b' }).expect(201);
    expect(forced.body.command).toMatchObject({ origin: 'manual', priority: 75, status: 'pending', created_by: 'sarah@decisions.test', payload: { pool_id: 'm5.large.eu-west-1b', mode: 'spot' } });
    expect(forced.body.superseded).toEqual([automatic.id]);

    const followed = () => http().get(`/api/client/instances/${instance.id}/commands/${forced.body.command.id}`).set(bearer(client.userToken)).expect(200);
    expect((await followed()).body).toMatchObject({ id: forced.body.command.id, status: 'pending' });
    const poll = await http().get(`/api/agents/${agent.agentId}/pending-commands`).set(bearer(agent.agentToken)).expect(200);
    expect(poll.body.commands.map((c: { id: string }) => c.id)).toEqual([forced.body.command.id]);
    // The portal follows the command's status (the superseded automatic one too); other clients get 404.
    expect((await followed()).body.status).toBe('executing');
    const elsewhere = await http().get(`/api/client/instances/${instance.id}/commands/${automatic.id}`).set(bearer(client.userToken)).expect(200);
    expect(elsewhere.body.status).toBe('superseded');
    await http().get(`/api/client/instances/${instance.id}/commands/${forced.body.command.id}`).set(bearer(other.userToken)).expect(404);
    const replaced = await api.dataSource.getRepository(CommandEntity).findOneByOrFail({ id: automatic.id });
    expect(replaced).toMatchObject({ status: 'superseded', supersededBy: forced.body.command.id });
    const events = await api.dataSource.getRepository(SystemEventEntity).findBy({ agentId: agent.agentId, component: 'CORE-CMD' });
    expect(events.map((e) => e.eventType).sort()).toEqual(['command.claimed', 'command.issued', 'command.issued', 'command.superseded']);

    // While the manual switch runs, the loop's automatic command is refused, not queued.
    const during = await http().post(`/api/agents/${agent.agentId}/decide`).set(bearer(agent.agentToken)).send({}).expect(200);
    expect(during.body).toMatchObject({ outcome: 'command-refused', command: null });
  });

  it("leaves flagged pools out and counts a pool's interruptions against it", async () => {
    const second = await actor.signup('Second Store', 'second@decisions.test'); // five agents a client on the free plan
    const agent = await actor.register(second.clientToken, { logical_agent_id: 'web-6', mode: 'on-demand' });
    await prices(agent);
    // Another client's spot instance in that pool gets its termination notice: the pool is flagged for everybody.
    const elsewhere = await actor.signup('Third Store', 'third@decisions.test');
    const victimInstance = freshInstanceId();
    const victim = await actor.register(elsewhere.clientToken, { logical_agent_id: 'victim', instance_id: victimInstance, instance_type: 'm5a.large', az: 'eu-west-1b', mode: 'spot' });
    await http().post(`/api/agents/${victim.agentId}/termination`).set(bearer(victim.agentToken)).send({ instance_id: victimInstance }).expect(200);
    const decided = await http().post(`/api/agents/${agent.agentId}/decide`).set(bearer(agent.agentToken)).send({}).expect(200);
    expect(decided.body.decision.recommendation.pool_id).not.toBe('m5a.large.eu-west-1b');
    expect(decided.body.decision.recommendation.reasons.join(' ')).toMatch(/flagged pool left out .*m5a\.large\.eu-west-1b/);
    const stored = await api.dataSource.getRepository(AgentDecisionHistoryEntity).findOneByOrFail({ id: decided.body.decision.id });
    const inputs = stored.inputs as unknown as DecisionInput;
    expect(inputs.candidates.find((c) => c.pool_id === 'm5a.large.eu-west-1b')).toMatchObject({ flagged: true, interruptions_7d: 1, spot_price: 0.03, advisor_bucket: 0 });
    expect(inputs.candidates.map((c) => c.pool_id)).not.toContain('c5.large.eu-west-1a');
    expect(inputs.workload).toMatchObject({ mode: 'on-demand', current_price_per_h: M5_LARGE_OD, vcpu: 2, memory_gib: 8 });
  });

  it('validates reports and keeps agents to their own commands', async () => {
    const a = await actor.register(client.clientToken, { logical_agent_id: 'web-4', mode: 'on-demand' });
    const b = await actor.register(client.clientToken, { logical_agent_id: 'web-5', mode: 'on-demand' });
    const bad = await http().post(`/api/agents/${a.agentId}/switch-report`).set(bearer(a.agentToken)).send({ new_instance_id: 'nope', mode: 'cheap', success: 'yes', downtime_ms: -1 }).expect(400);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['downtime_ms', 'mode', 'new_instance_id', 'success']);
    await prices(b);
    const decided = await http().post(`/api/agents/${b.agentId}/decide`).set(bearer(b.agentToken)).send({}).expect(200);
    await http().post(`/api/agents/${a.agentId}/commands/${decided.body.command.id}/executed`).set(bearer(a.agentToken)).send({ success: true }).expect(404);
    await http()
      .post(`/api/agents/${a.agentId}/switch-report`)
      .set(bearer(a.agentToken))
      .send({ command_id: decided.body.command.id, new_instance_id: freshInstanceId(), mode: 'on-demand', success: true })
      .expect(404);
    const notClaimed = await http().post(`/api/agents/${b.agentId}/commands/${decided.body.command.id}/executed`).set(bearer(b.agentToken)).send({ success: true }).expect(409);
    expect(notClaimed.body.details.code).toBe('COMMAND_NOT_CLAIMED');
  });
});
