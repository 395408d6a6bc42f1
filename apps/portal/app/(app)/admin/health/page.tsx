'use client';
import { api } from '../../../../src/api/client';
import { AdminOnly } from '../../../../src/components/shell';
import { when } from '../../../../src/lib/format';
import { unwrap } from '../../../../src/lib/unwrap';
import { usePoll } from '../../../../src/lib/use-poll';

function Health() {
  const { data, error } = usePoll(async () => {
    const [system, api_] = await Promise.all([unwrap(api.GET('/api/admin/system-health')), unwrap(api.GET('/health'))]);
    return { system, api: api_ };
  }, 'health');
  if (error) return <p role="alert" className="error">{error}</p>;
  if (!data) return <p aria-busy="true">Loading…</p>;
  const { system } = data;
  const badge = (ok: boolean, text: string) => <span className={`badge ${ok ? 'green' : 'red'}`}>{text}</span>;
  return (
    <>
      <h1>System health {badge(system.status === 'ok', system.status)}</h1>
      <section className="tiles" aria-label="Components">
        <div className="tile"><span className="label">API</span><span className="value">{badge(data.api.status === 'ok', data.api.status)}</span><span className="sub">version {data.api.version} · up {Math.round(data.api.uptime_seconds / 60)} min</span></div>
        <div className="tile"><span className="label">Database</span><span className="value">{badge(system.database.status === 'ok', system.database.status)}</span><span className="sub">{system.database.dialect} · {system.database.latency_ms} ms{system.database.error ? ` · ${system.database.error}` : ''}</span></div>
        <div className="tile"><span className="label">Agents</span><span className="value">{system.agents.online} online</span><span className="sub">{system.agents.offline} offline of {system.agents.total}</span></div>
        <div className="tile"><span className="label">Commands pending</span><span className="value">{system.pending_commands}</span><span className="sub">{system.queued_emergencies} emergencies queued</span></div>
      </section>
      <section className="card table-wrap">
        <h2>Scheduler jobs</h2>
        {system.jobs.length === 0 ? (
          <p className="muted">No job has run yet: is the scheduler running?</p>
        ) : (
          <table>
            <thead><tr><th scope="col">Job</th><th scope="col">Last run</th><th scope="col">Status</th><th scope="col">Duration</th><th scope="col">Runs / failures</th><th scope="col">Message</th></tr></thead>
            <tbody>
              {system.jobs.map((j) => (
                <tr key={j.job}>
                  <td>{j.job}</td>
                  <td>{when(j.last_finished_at ?? j.last_started_at)}</td>
                  <td>{badge(j.last_status === 'completed', j.last_status)}</td>
                  <td>{j.last_duration_ms ?? '—'} ms</td>
                  <td>{j.run_count} / {j.failure_count}</td>
                  <td className="muted">{j.last_message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

export default function AdminHealthPage() {
  return (
    <AdminOnly>
      <Health />
    </AdminOnly>
  );
}
