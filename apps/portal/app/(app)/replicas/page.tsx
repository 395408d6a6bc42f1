'use client';
import { useSearchParams } from 'next/navigation';
import { Suspense, useState, type FormEvent } from 'react';
import { api, errorMessage, type Schemas } from '../../../src/api/client';
import { Modal } from '../../../src/components/dialog';
import { hourly, when } from '../../../src/lib/format';
import { requireClient, useSession } from '../../../src/lib/session';
import { unwrap } from '../../../src/lib/unwrap';
import { usePoll } from '../../../src/lib/use-poll';

type Replica = Schemas['ReplicaDto'];
type Agent = Schemas['AgentSummaryDto'];

async function loadReplicas(clientId: string) {
  const path = { id: clientId };
  const [replicas, agents, instances] = await Promise.all([
    unwrap(api.GET('/api/client/{id}/replicas', { params: { path, query: { limit: 200 } } })),
    unwrap(api.GET('/api/client/{id}/agents', { params: { path, query: { limit: 200 } } })),
    unwrap(api.GET('/api/client/{id}/instances', { params: { path, query: { status: 'active', limit: 200 } } })),
  ]);
  return { replicas: replicas.items, agents: agents.items, instances: instances.items };
}

function CreateReplica({ agents, instances, initialAgent, onCreated }: { agents: Agent[]; instances: Schemas['InstanceDto'][]; initialAgent: string; onCreated: () => void }) {
  const { me } = useSession();
  const [agentId, setAgentId] = useState(initialAgent || agents[0]?.id || '');
  const instance = instances.find((i) => i.agent_id === agentId);
  const pricing = usePoll(
    async () => (instance ? unwrap(api.GET('/api/client/{id}/instances/{instanceId}/pricing', { params: { path: { id: requireClient(me), instanceId: instance.id } } })) : undefined),
    instance?.id ?? 'none',
    0,
  );
  const pools = (pricing.data?.options ?? []).filter((o) => o.kind === 'spot' && o.pool_id);
  const zones = [...new Set(pools.map((o) => o.az).filter((z): z is string => !!z))].sort();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const pool = String(form.get('pool_id') ?? '');
    const body: Schemas['CreateReplicaRequestDto'] = { created_by: me.email };
    if (pool) body.pool_id = pool;
    const excluded = form.getAll('exclude_zones').map(String);
    if (excluded.length) body.exclude_zones = excluded;
    setBusy(true);
    setError(undefined);
    const { data, error: failure } = await api.POST('/api/agents/{id}/replicas', { params: { path: { id: agentId } }, body });
    setBusy(false);
    if (!data) {
      setError(errorMessage(failure));
      return;
    }
    onCreated();
  }

  if (!agents.length) return <p className="muted">No agents yet.</p>;
  return (
    <form onSubmit={(e) => void submit(e)} className="stack" aria-label="Create a replica">
      <div className="row">
        <label>
          Agent
          <select value={agentId} onChange={(e) => setAgentId(e.target.value)} name="agent_id">
            {agents.map((a) => <option key={a.id} value={a.id}>{a.logical_agent_id} ({a.instance_type}, {a.az})</option>)}
          </select>
        </label>
        <label>
          Pool
          <select name="pool_id" defaultValue="">
            <option value="">Automatic (cheapest safe pool)</option>
            {pools.map((o) => <option key={o.pool_id} value={o.pool_id ?? ''}>{o.instance_type} {o.az} — {hourly(o.hourly_price)}</option>)}
          </select>
        </label>
      </div>
      {zones.length > 0 && (
        <fieldset className="row">
          <legend>Exclude zones (automatic choice only)</legend>
          {zones.map((z) => (
            <label key={z} className="inline"><input type="checkbox" name="exclude_zones" value={z} /> {z}</label>
          ))}
        </fieldset>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      <div><button type="submit" disabled={busy || !agentId}>{busy ? 'Creating…' : 'Create replica'}</button></div>
    </form>
  );
}

function Replicas() {
  const { me } = useSession();
  const params = useSearchParams();
  const agentFilter = params.get('agent') ?? '';
  const { data, error, reload } = usePoll(() => loadReplicas(requireClient(me)), 'replicas');
  const [promoting, setPromoting] = useState<Replica>();
  const [demote, setDemote] = useState(true);
  const [actionError, setActionError] = useState<string>();

  async function promote() {
    if (!promoting) return;
    const { error: failure } = await api.POST('/api/agents/{id}/replicas/{rid}/promote', { params: { path: { id: promoting.agent_id, rid: promoting.id } }, body: { demote_old_primary: demote } });
    setActionError(failure ? errorMessage(failure) : undefined);
    setPromoting(undefined);
    void reload();
  }

  async function remove(replica: Replica) {
    const { error: failure } = await api.DELETE('/api/agents/{id}/replicas/{rid}', { params: { path: { id: replica.agent_id, rid: replica.id } } });
    setActionError(failure ? errorMessage(failure) : undefined);
    void reload();
  }

  if (error) return <p role="alert" className="error">{error}</p>;
  if (!data) return <p aria-busy="true">Loading…</p>;
  const agentName = (id: string) => data.agents.find((a) => a.id === id)?.logical_agent_id ?? id.slice(0, 8);
  const replicas = data.replicas.filter((r) => !agentFilter || r.agent_id === agentFilter);

  return (
    <>
      <h1>Replicas</h1>
      <section className="card">
        <h2>New replica</h2>
        <p className="muted">A standby instance in another pool, kept in sync, that you can promote to primary. Needs manual replica mode on the agent.</p>
        <CreateReplica agents={data.agents} instances={data.instances} initialAgent={agentFilter} onCreated={() => void reload()} />
      </section>
      {actionError && <p role="alert" className="error">{actionError}</p>}
      <section className="card table-wrap">
        <h2>Replicas{agentFilter && ` of ${agentName(agentFilter)}`}</h2>
        {replicas.length === 0 ? (
          <p className="muted">No replicas.</p>
        ) : (
          <table>
            <thead><tr><th scope="col">Agent</th><th scope="col">Pool</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Sync</th><th scope="col">Created</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {replicas.map((r) => (
                <tr key={r.id} data-replica={r.id} data-status={r.status}>
                  <td>{agentName(r.agent_id)}</td>
                  <td>{r.instance_type} {r.az}<br /><span className="muted">{hourly(r.hourly_price)} · {r.instance_id ?? 'launching'}</span></td>
                  <td>{r.replica_type}</td>
                  <td><span className={`badge ${r.status === 'ready' ? 'green' : r.status === 'failed' ? 'red' : r.status === 'promoted' ? 'blue' : 'grey'}`}>{r.status}</span></td>
                  <td style={{ minWidth: '8rem' }}>
                    <div className="progress" role="progressbar" aria-label={`Sync of replica ${r.id.slice(0, 8)}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={r.sync_progress}>
                      <span style={{ width: `${r.sync_progress}%` }} />
                    </div>
                    <span className="muted">{r.sync_progress}%{r.sync_status ? ` · ${r.sync_status}` : ''}</span>
                  </td>
                  <td>{when(r.created_at)}</td>
                  <td>
                    {r.is_active && (
                      <div className="row">
                        <button type="button" className="success" disabled={r.status !== 'ready'} onClick={() => { setDemote(true); setPromoting(r); }}>Promote</button>
                        <button type="button" className="danger" onClick={() => void remove(r)} aria-label={`Delete replica ${r.id.slice(0, 8)}`}>Delete</button>
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <Modal open={!!promoting} title="Promote the replica" onClose={() => setPromoting(undefined)}>
        {promoting && (
          <div className="stack">
            <p>{promoting.instance_type} in {promoting.az} becomes the primary of {agentName(promoting.agent_id)}.</p>
            <label className="inline">
              <input type="checkbox" checked={demote} onChange={(e) => setDemote(e.target.checked)} /> Keep the old primary as a standby (demote it) instead of terminating it
            </label>
            <div className="row">
              <button type="button" onClick={() => void promote()}>Promote</button>
              <button type="button" className="secondary" onClick={() => setPromoting(undefined)}>Cancel</button>
            </div>
          </div>
        )}
      </Modal>
    </>
  );
}

export default function ReplicasPage() {
  return (
    <Suspense fallback={<p aria-busy="true">Loading…</p>}>
      <Replicas />
    </Suspense>
  );
}
