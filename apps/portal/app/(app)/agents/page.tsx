'use client';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { api, errorMessage, type Schemas } from '../../../src/api/client';
import { AgentInstall } from '../../../src/components/agent-install';
import { Modal } from '../../../src/components/dialog';
import { when } from '../../../src/lib/format';
import { requireClient, useSession } from '../../../src/lib/session';
import { unwrap } from '../../../src/lib/unwrap';
import { usePoll } from '../../../src/lib/use-poll';

type Agent = Schemas['AgentSummaryDto'];
type Change = Schemas['UpdateAgentSettingsRequestDto'];
type Continuity = Schemas['ContinuitySettingsDto'];

const CONTINUITY_EXAMPLE = `{
  "target_groups": { "discover": true },
  "elastic_ip": { "current": true },
  "data_volumes": [{ "tag": { "key": "app", "value": "db-data" } }],
  "hooks": { "pre_switch": { "command": "/opt/app/drain.sh", "timeout_seconds": 30 } }
}`;

/**
 * Continuity settings (docs/continuity.md): target groups, Elastic IP, DNS record, data volumes,
 * network interface, hooks, as the API's JSON. Saved on their own (PUT …/continuity); a refused
 * setting shows the API's message, which names the field.
 */
function ContinuityForm({ agent, onSaved }: { agent: Agent; onSaved: () => void }) {
  const [text, setText] = useState(agent.continuity ? JSON.stringify(agent.continuity, null, 2) : '');
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  async function save() {
    let body: Continuity;
    try {
      body = text.trim() ? (JSON.parse(text) as Continuity) : {};
    } catch {
      setError('Continuity settings must be JSON (see the example).');
      return;
    }
    setBusy(true);
    setError(undefined);
    setSaved(false);
    const { data, error: failure } = await api.PUT('/api/client/agents/{id}/continuity', { params: { path: { id: agent.id } }, body });
    setBusy(false);
    if (!data) {
      setError(errorMessage(failure));
      return;
    }
    setSaved(true);
    onSaved();
  }

  return (
    <fieldset className="stack" data-testid="continuity-settings">
      <legend>Continuity: what follows the workload on a switch or failover</legend>
      <label>
        Settings (JSON; empty clears them)
        <textarea rows={8} value={text} onChange={(e) => setText(e.target.value)} name="continuity" placeholder={CONTINUITY_EXAMPLE} spellCheck={false} />
      </label>
      {error && <p role="alert" className="error" data-testid="continuity-error">{error}</p>}
      {saved && <p className="ok">Continuity settings saved.</p>}
      <div className="row">
        <button type="button" onClick={() => void save()} disabled={busy}>{busy ? 'Saving…' : 'Save continuity settings'}</button>
      </div>
    </fieldset>
  );
}

function on(value: boolean): string {
  return value ? 'on' : 'off';
}

/** The configuration modal of seed 004: four toggles, the wait time, and the rules in place. */
function ConfigForm({ agent, onSaved, onCancel }: { agent: Agent; onSaved: () => void; onCancel: () => void }) {
  const [autoSwitch, setAutoSwitch] = useState(agent.auto_switch_enabled);
  const [autoTerminate, setAutoTerminate] = useState(agent.auto_terminate_enabled);
  const [wait, setWait] = useState(agent.terminate_wait_seconds);
  const [autoReplica, setAutoReplica] = useState(agent.auto_replica_enabled);
  const [manualReplica, setManualReplica] = useState(agent.manual_replica_enabled);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    // Only what changed is sent: the API judges the mutual-exclusion rules on the resulting state.
    const change: Change = {};
    if (autoSwitch !== agent.auto_switch_enabled) change.auto_switch = autoSwitch;
    if (autoTerminate !== agent.auto_terminate_enabled) change.auto_terminate = autoTerminate;
    if (wait !== agent.terminate_wait_seconds) change.terminate_wait_seconds = wait;
    if (autoReplica !== agent.auto_replica_enabled) change.auto_replica = autoReplica;
    if (manualReplica !== agent.manual_replica_enabled) change.manual_replica = manualReplica;
    setBusy(true);
    setError(undefined);
    const { data, error: failure } = await api.POST('/api/client/agents/{id}/config', { params: { path: { id: agent.id } }, body: change });
    setBusy(false);
    if (!data) {
      setError(errorMessage(failure));
      return;
    }
    onSaved();
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="stack">
      <label className="inline">
        <input type="checkbox" checked={autoSwitch} onChange={(e) => setAutoSwitch(e.target.checked)} name="auto_switch" />
        Auto-switch: the engine&apos;s recommendations switch the instance automatically
      </label>
      <label className="inline">
        <input type="checkbox" checked={autoTerminate} onChange={(e) => setAutoTerminate(e.target.checked)} name="auto_terminate" />
        Auto-terminate the old instance after a switch
      </label>
      <label>
        Wait before terminating (seconds)
        <input type="number" min={0} max={86400} value={wait} onChange={(e) => setWait(Number(e.target.value))} name="terminate_wait_seconds" disabled={!autoTerminate} />
      </label>
      <label className="inline">
        <input type="checkbox" checked={autoReplica} onChange={(e) => setAutoReplica(e.target.checked)} name="auto_replica" />
        Auto-replica: launch a standby on rebalance and termination notices (emergencies always do)
      </label>
      <label className="inline">
        <input type="checkbox" checked={manualReplica} onChange={(e) => setManualReplica(e.target.checked)} name="manual_replica" />
        Manual replica: keep a standby you control and promote yourself
      </label>
      {error && (
        <div role="alert" className="error" data-testid="config-error">
          <p><strong>{error}</strong></p>
          <p>
            Auto-switch (and auto-terminate, which acts on its moves) and manual replica mode cannot be on together: the engine would move the
            instance away from the standby you keep by hand. Turn one off in the same change to turn the other on.
          </p>
        </div>
      )}
      <div className="row">
        <button type="submit" disabled={busy}>{busy ? 'Saving…' : 'Save'}</button>
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

export default function AgentsPage() {
  const { me } = useSession();
  const { data, error, reload } = usePoll(() => unwrap(api.GET('/api/client/{id}/agents', { params: { path: { id: requireClient(me) }, query: { limit: 200 } } })), 'agents');
  const [editing, setEditing] = useState<Agent>();

  return (
    <>
      <div className="row">
        <h1>Agents</h1>
        <Link className="button" href="/agents/install">Install an agent</Link>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {!data ? (
        <p aria-busy="true">Loading…</p>
      ) : data.items.length === 0 ? (
        <>
          <p className="muted" data-testid="no-agents">No agents yet: install the agent on an instance with your client token.</p>
          <AgentInstall />
        </>
      ) : (
        <div className="card table-wrap">
          <table>
            <thead>
              <tr><th scope="col">Agent</th><th scope="col">Status</th><th scope="col">Instance</th><th scope="col">Settings</th><th scope="col">Replicas</th><th scope="col">Last heartbeat</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {data.items.map((a) => (
                <tr key={a.id} data-agent={a.logical_agent_id}>
                  <td>{a.logical_agent_id}<br /><span className="muted">{a.hostname}</span></td>
                  <td><span className={`badge ${a.status === 'online' ? 'green' : 'grey'}`}>{a.status}</span></td>
                  <td>{a.instance_id}<br /><span className="muted">{a.instance_type} · {a.az} · {a.current_mode}</span></td>
                  <td className="muted">
                    auto-switch {on(a.auto_switch_enabled)} · auto-terminate {on(a.auto_terminate_enabled)}
                    {a.auto_terminate_enabled && ` (${a.terminate_wait_seconds} s)`} · auto-replica {on(a.auto_replica_enabled)} · manual replica {on(a.manual_replica_enabled)}
                  </td>
                  <td><Link href={`/replicas?agent=${a.id}`}>{a.replica_count}</Link></td>
                  <td>{when(a.last_heartbeat_at)}</td>
                  <td><button type="button" onClick={() => setEditing(a)} aria-label={`Configure ${a.logical_agent_id}`}>Configure</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Modal open={!!editing} title={`Configure ${editing?.logical_agent_id ?? ''}`} onClose={() => setEditing(undefined)}>
        {editing && (
          <>
            <ConfigForm
              agent={editing}
              onCancel={() => setEditing(undefined)}
              onSaved={() => {
                setEditing(undefined);
                void reload();
              }}
            />
            <ContinuityForm agent={editing} onSaved={() => void reload()} />
          </>
        )}
      </Modal>
    </>
  );
}
