'use client';
import Link from 'next/link';
import { api, type Schemas } from '../../../src/api/client';
import { BarChart } from '../../../src/components/charts';
import { hourly, percent, shortDate, usd, when } from '../../../src/lib/format';
import { currentPrices } from '../../../src/lib/prices';
import { requireClient, useSession } from '../../../src/lib/session';
import { unwrap } from '../../../src/lib/unwrap';
import { usePoll } from '../../../src/lib/use-poll';

const HOURS_PER_MONTH = 730;

async function loadDashboard(clientId: string) {
  const path = { id: clientId };
  const [client, savings, instances, switches, notifications] = await Promise.all([
    unwrap(api.GET('/api/client/{id}', { params: { path } })),
    unwrap(api.GET('/api/client/{id}/savings', { params: { path, query: { limit: 60 } } })),
    unwrap(api.GET('/api/client/{id}/instances', { params: { path, query: { status: 'active', limit: 200 } } })),
    unwrap(api.GET('/api/client/{id}/switches', { params: { path, query: { limit: 5 } } })),
    unwrap(api.GET('/api/notifications', { params: { query: { limit: 5 } } })),
  ]);
  return { client, savings, instances, switches, notifications, spendPerHour: await hourlySpend(clientId, instances.items) };
}

async function hourlySpend(clientId: string, instances: Schemas['InstanceDto'][]): Promise<number> {
  return [...(await currentPrices(clientId, instances)).values()].reduce((sum, p) => sum + p, 0);
}

export default function DashboardPage() {
  const { me } = useSession();
  const { data, error } = usePoll(() => loadDashboard(requireClient(me)), me.user_id);

  if (error) return <p role="alert" className="error">{error}</p>;
  if (!data) return <p aria-busy="true">Loading…</p>;

  const { client, savings, switches, notifications, spendPerHour } = data;
  const month = new Date().toISOString().slice(0, 7);
  const days = [...savings.daily.items].sort((a, b) => a.date.localeCompare(b.date));
  const interruptions = days.reduce((sum, d) => sum + d.interruption_count, 0);
  // The daily rows are closed days; today so far is computed live and joins them here.
  const closed = days.filter((d) => d.date !== savings.today.date);
  const withToday = [...closed.map((d) => ({ ...d, live: false })), { ...savings.today, live: true }];
  const savedThisMonth = withToday.filter((d) => d.date.startsWith(month)).reduce((sum, d) => sum + d.savings, 0);
  const chartDays = withToday.slice(-30);
  const activity = [
    ...switches.items.map((s) => ({
      at: s.initiated_at ?? s.instance_ready_at ?? '',
      text: `${s.success ? 'Switched' : 'Switch failed'}: ${s.old_pool_id ?? s.old_mode} → ${s.new_pool_id ?? s.new_mode} (${s.trigger})`,
    })),
    ...notifications.items.map((n) => ({ at: n.created_at, text: `${n.title}: ${n.message}` })),
  ].sort((a, b) => b.at.localeCompare(a.at)).slice(0, 8);

  return (
    <>
      <h1>{client.name}</h1>
      <section className="tiles" aria-label="Key figures">
        <div className="tile"><span className="label">Spend now</span><span className="value" data-testid="spend-hourly">{hourly(spendPerHour)}</span><span className="sub">{usd(spendPerHour * HOURS_PER_MONTH)} per month at this rate</span></div>
        <div className="tile"><span className="label">Saved this month</span><span className="value" data-testid="savings-month">{usd(savedThisMonth)}</span><span className="sub">{usd(savings.total_savings)} in total</span></div>
        <div className="tile"><span className="label">Projected savings</span><span className="value" data-testid="savings-projected">{usd(savings.projected_monthly)}/mo</span><span className="sub">{usd(savings.projected_yearly)} per year · {hourly(savings.current_savings_per_h)} now</span></div>
        <div className="tile"><span className="label">Agents</span><span className="value" data-testid="agents-online">{client.totals.agents_online} online</span><span className="sub">{client.totals.agents - client.totals.agents_online} offline · {client.totals.instances_active} active instances</span></div>
        <div className="tile"><span className="label">Interruptions handled</span><span className="value" data-testid="interruptions">{interruptions}</span><span className="sub">{days.length ? `over the last ${days.length} days` : 'none so far'}</span></div>
      </section>

      <section className="card">
        <h2>Savings per day</h2>
        {chartDays.some((d) => d.on_demand_cost > 0) ? (
          <BarChart
            title="Savings per day (last 30 days)"
            bars={chartDays.map((d) => ({ label: d.live ? 'today' : shortDate(d.date), value: d.savings }))}
            format={(v) => usd(v)}
            table={
              <table>
                <thead><tr><th scope="col">Day</th><th scope="col">On-demand cost</th><th scope="col">Actual cost</th><th scope="col">Savings</th></tr></thead>
                <tbody>
                  {chartDays.map((d) => (
                    <tr key={d.date}><td>{d.date}{d.live ? ' (so far)' : ''}</td><td>{usd(d.on_demand_cost)}</td><td>{usd(d.actual_cost)}</td><td>{usd(d.savings)} ({percent(d.savings_percent)})</td></tr>
                  ))}
                </tbody>
              </table>
            }
          />
        ) : (
          <p className="muted">No savings recorded yet: they appear once agents run on spot capacity.</p>
        )}
      </section>

      <section className="card">
        <h2>Recent activity</h2>
        {activity.length ? (
          <ul className="activity" data-testid="recent-activity">
            {activity.map((a, i) => <li key={i}><time>{when(a.at)}</time> {a.text}</li>)}
          </ul>
        ) : (
          <p className="muted">Nothing yet.</p>
        )}
        <p><Link href="/instances">All instances →</Link></p>
      </section>
    </>
  );
}
