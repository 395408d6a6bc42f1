import { ApiActor, bearer, describeEachDatabase, startTestApi, TestApi } from '@spot/testing';
import { buildOpenApiDocument } from '../src/bootstrap';

/**
 * Who may call each route. Every route the API serves must appear here (the first test checks
 * it against the OpenAPI document), so no route ships without a tenancy check.
 */
type Access = 'public' | 'user' | 'super_admin' | 'client_token' | 'agent' | 'agent_write' | 'client_scope' | 'client_instance' | 'agent_or_owner' | 'agent_owner' | 'agent_owner_user' | 'tenant';

const ROUTES: Record<string, Access> = {
  'GET /health': 'public',
  'POST /api/auth/signup': 'public',
  'POST /api/auth/token': 'public',
  'GET /api/auth/me': 'user',
  'POST /api/auth/logout': 'user',
  'POST /api/admin/clients': 'super_admin',
  'GET /api/admin/clients': 'super_admin',
  'POST /api/agents/register': 'client_token',
  'POST /api/agents/{id}/heartbeat': 'agent',
  'POST /api/agents/{id}/pricing-report': 'agent',
  'GET /api/admin/data-quality': 'super_admin',
  'GET /api/admin/data-quality/on-demand-prices': 'super_admin',
  'POST /api/admin/pricing/gap-fill': 'super_admin',
  'POST /api/admin/ml-models/upload': 'super_admin',
  'GET /api/admin/ml-models': 'super_admin',
  'GET /api/admin/ml-models/{id}': 'super_admin',
  'POST /api/admin/ml-models/activate': 'super_admin',
  'POST /api/admin/ml-models/rollback': 'super_admin',
  'GET /api/agents/{id}/config': 'agent',
  'GET /api/agents/{id}/pending-commands': 'agent',
  'POST /api/agents/{id}/commands/{commandId}/executed': 'agent_write',
  'POST /api/agents/{id}/decide': 'agent',
  'GET /api/agents/{id}/switch-recommendation': 'agent',
  'POST /api/agents/{id}/issue-switch-command': 'agent',
  'POST /api/agents/{id}/switch-report': 'agent_write',
  'POST /api/agents/{id}/cleanup-report': 'agent_write',
  'GET /api/client/{id}': 'client_scope',
  'GET /api/client/{id}/agents': 'client_scope',
  'GET /api/client/{id}/instances': 'client_scope',
  'POST /api/client/{id}/client-token': 'client_scope',
  'GET /api/client/{id}/pools/{poolId}/price-history': 'client_scope',
  'GET /api/client/{id}/instances/{instanceId}/price-history': 'client_scope',
  'GET /api/client/{id}/instances/{instanceId}/pricing': 'client_scope',
  'GET /api/client/{id}/data-quality': 'client_scope',
  'GET /api/client/{id}/switches': 'client_scope',
  'GET /api/client/{id}/savings': 'client_scope',
  'GET /api/client/{id}/agents/decisions': 'client_scope',
  'POST /api/client/instances/{id}/force-switch': 'client_instance',
  'GET /api/client/instances/{id}/commands/{commandId}': 'client_instance',
  'GET /api/client/{id}/replicas': 'client_scope',
  'POST /api/agents/{id}/rebalance-recommendation': 'agent',
  'POST /api/agents/{id}/create-emergency-replica': 'agent',
  'POST /api/agents/{id}/termination': 'agent',
  'POST /api/agents/{id}/termination-imminent': 'agent',
  'POST /api/agents/{id}/interruption': 'agent',
  'POST /api/agents/{id}/replicas': 'agent_or_owner',
  'GET /api/agents/{id}/replicas': 'agent_or_owner',
  'POST /api/agents/{id}/replicas/{rid}/promote': 'agent_or_owner',
  'DELETE /api/agents/{id}/replicas/{rid}': 'agent_or_owner',
  'PUT /api/agents/{id}/replicas/{rid}': 'agent_or_owner',
  'POST /api/agents/{id}/replicas/{rid}/status': 'agent_or_owner',
  'POST /api/agents/{id}/replicas/{rid}/sync-status': 'agent_or_owner',
  'POST /api/client/agents/{id}/config': 'agent_owner',
  'PUT /api/client/agents/{id}/continuity': 'agent_owner_user',
  'GET /api/notifications': 'tenant',
  'POST /api/notifications/read-all': 'tenant',
  'POST /api/notifications/{id}/read': 'tenant',
  'GET /api/admin/system-health': 'super_admin',
  'GET /api/admin/growth': 'super_admin',
  'GET /api/admin/safe-mode': 'super_admin',
  'PUT /api/admin/safe-mode': 'super_admin',
};

/** A well-formed id nobody has, for the second path parameter. */
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface Tenant {
  clientId: string;
  userToken: string;
  clientToken: string;
  agentId: string;
  agentToken: string;
  /** The record id of the tenant's instance, for routes under instances/{instanceId}. */
  instanceId: string;
  /** Its EC2 instance id, which interruption notices name. */
  ec2InstanceId: string;
}

describeEachDatabase('tenancy on every route', (db) => {
  let api: TestApi;
  let admin: string;
  let a: Tenant;
  let b: Tenant;

  const tenant = async (actor: ApiActor, name: string): Promise<Tenant> => {
    const signup = await actor.signup(name, `${name.toLowerCase()}@tenancy.test`);
    const agent = await actor.register(signup.clientToken, { logical_agent_id: `${name}-agent` });
    const instances = (await api.http().get(`/api/client/${signup.clientId}/instances`).set(bearer(signup.userToken)).expect(200)).body.items;
    return { ...signup, agentId: agent.agentId, agentToken: agent.agentToken, instanceId: instances[0].id, ec2InstanceId: instances[0].instance_id };
  };

  beforeAll(async () => {
    api = await startTestApi(db());
    const actor = new ApiActor(api);
    admin = await actor.adminToken();
    a = await tenant(actor, 'Alpha');
    b = await tenant(actor, 'Bravo');
    // A known pool, so pool routes can answer 200 to those allowed.
    await api.http().post(`/api/agents/${a.agentId}/pricing-report`).set(bearer(a.agentToken))
      .send({ observations: [{ instance_type: 'm5.large', az: 'eu-west-1a', spot_price: 0.04, observed_at: '2026-11-24T11:55:00Z' }] })
      .expect(200);
  });

  afterAll(async () => api?.close());

  const call = (route: string, id: string, token?: string) => {
    const [method, template] = route.split(' ');
    // Ids below the client are Alpha's own: Bravo must not reach them through Alpha's client id either.
    const path = template.replace('{id}', id).replace('{instanceId}', a.instanceId).replace('{poolId}', 'm5.large.eu-west-1a').replace('{rid}', UNKNOWN_ID).replace('{commandId}', UNKNOWN_ID);
    const notice = /\/(rebalance-recommendation|create-emergency-replica|termination|termination-imminent|interruption)$/.test(route);
    const body = route.endsWith('/pricing-report')
      ? { observations: [{ instance_type: 'm5.large', az: 'eu-west-1a', spot_price: 0.04, observed_at: '2026-11-24T11:55:00Z' }] }
      : notice
        ? { instance_id: a.ec2InstanceId }
        : {};
    const req =
      method === 'GET' ? api.http().get(path) : method === 'DELETE' ? api.http().delete(path) : method === 'PUT' ? api.http().put(path).send(body) : api.http().post(path).send(body);
    return token ? req.set(bearer(token)) : req;
  };

  it('has a tenancy rule for every route the API serves', () => {
    const document = buildOpenApiDocument(api.app, api.config);
    const served = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(served.sort()).toEqual(Object.keys(ROUTES).sort());
  });

  const routesWith = (access: Access) => Object.entries(ROUTES).filter(([, rule]) => rule === access).map(([route]) => route);

  it.each(routesWith('client_scope'))("%s: another client's user and token get 404, agents and strangers 401", async (route) => {
    for (const token of [b.userToken, b.clientToken]) {
      const res = await call(route, a.clientId, token).expect(404);
      expect(res.body.details.code).toBe('CLIENT_NOT_FOUND');
    }
    await call(route, a.clientId, a.agentToken).expect(401);
    await call(route, a.clientId).expect(401);
    if (route.startsWith('GET')) {
      await call(route, a.clientId, a.userToken).expect(200);
      await call(route, a.clientId, a.clientToken).expect(200);
      await call(route, a.clientId, admin).expect(200);
    }
  });

  it.each(routesWith('agent'))("%s: only the agent's own token; another agent's gets 404", async (route) => {
    await call(route, a.agentId, b.agentToken).expect(404);
    for (const token of [a.clientToken, a.userToken, admin, undefined]) await call(route, a.agentId, token).expect(401);
    await call(route, a.agentId, a.agentToken).expect(200);
  });

  it.each(routesWith('agent_write'))("%s: only the agent's own token; another agent's gets 404", async (route) => {
    await call(route, a.agentId, b.agentToken).expect(404);
    for (const token of [a.clientToken, a.userToken, admin, undefined]) await call(route, a.agentId, token).expect(401);
    const own = await call(route, a.agentId, a.agentToken);
    expect(own.status).not.toBe(401); // past the guard: the empty body or unknown command is what it refuses
    expect(own.status).toBeLessThan(500);
  });

  it.each(routesWith('client_instance'))("%s: another client's user and token get 404, agents and strangers 401", async (route) => {
    for (const token of [b.userToken, b.clientToken]) {
      const res = await call(route, a.instanceId, token).expect(404);
      expect(res.body.details.code).toBe('INSTANCE_NOT_FOUND');
    }
    for (const token of [a.agentToken, undefined]) await call(route, a.instanceId, token).expect(401);
    // Past tenancy: the empty body is refused, an unknown command is not found.
    const allowed = route.startsWith('GET') ? 404 : 400;
    for (const token of [a.userToken, a.clientToken, admin]) {
      const res = await call(route, a.instanceId, token).expect(allowed);
      expect(res.body.details?.code).not.toBe('INSTANCE_NOT_FOUND');
    }
  });

  it.each(routesWith('agent_or_owner'))("%s: the agent, its client's people and super-admins; others get 404", async (route) => {
    for (const token of [b.userToken, b.clientToken, b.agentToken]) {
      const res = await call(route, a.agentId, token).expect(404);
      expect(res.body.details.code).toBe('AGENT_NOT_FOUND');
    }
    await call(route, a.agentId).expect(401);
    for (const token of [a.agentToken, a.userToken, a.clientToken, admin]) {
      const res = await call(route, a.agentId, token);
      expect([401, 403]).not.toContain(res.status);
      expect(res.body?.details?.code).not.toBe('AGENT_NOT_FOUND');
    }
  });

  it.each(routesWith('agent_owner'))("%s: the agent's client (users, client token) and super-admins; others get 404", async (route) => {
    for (const token of [b.userToken, b.clientToken]) {
      const res = await call(route, a.agentId, token).expect(404);
      expect(res.body.details.code).toBe('AGENT_NOT_FOUND');
    }
    for (const token of [a.agentToken, undefined]) await call(route, a.agentId, token).expect(401);
    for (const token of [a.userToken, a.clientToken, admin]) await call(route, a.agentId, token).expect(200);
  });

  it.each(routesWith('agent_owner_user'))("%s: the agent's client's users and super-admins, not its client token (hooks run commands on its instances); others get 404", async (route) => {
    for (const token of [b.userToken, b.clientToken]) {
      const res = await call(route, a.agentId, token).expect(404);
      expect(res.body.details.code).toBe('AGENT_NOT_FOUND');
    }
    for (const token of [a.agentToken, undefined]) await call(route, a.agentId, token).expect(401);
    const refused = await call(route, a.agentId, a.clientToken).expect(403);
    expect(refused.body.details.code).toBe('USER_REQUIRED');
    for (const token of [a.userToken, admin]) await call(route, a.agentId, token).expect(200);
  });

  it.each(routesWith('tenant'))("%s: users and client tokens, scoped to their own tenant; agents and strangers 401", async (route) => {
    for (const token of [a.agentToken, undefined]) await call(route, UNKNOWN_ID, token).expect(401);
    for (const token of [a.userToken, a.clientToken, admin]) {
      const res = await call(route, UNKNOWN_ID, token);
      expect(res.status).toBe(route.includes('{id}') ? 404 : 200);
    }
  });

  it.each(routesWith('super_admin'))('%s: super-admins only', async (route) => {
    await call(route, '', a.userToken).expect(403);
    for (const token of [a.clientToken, a.agentToken, undefined]) await call(route, '', token).expect(401);
  });

  it.each(routesWith('user'))('%s: a signed-in person only', async (route) => {
    for (const token of [a.clientToken, a.agentToken, undefined]) await call(route, '', token).expect(401);
  });

  it.each(routesWith('client_token'))('%s: the client token only', async (route) => {
    for (const token of [a.userToken, a.agentToken, admin, undefined]) await call(route, '', token).expect(401);
  });
});
