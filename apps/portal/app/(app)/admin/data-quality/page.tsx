'use client';
import { api } from '../../../../src/api/client';
import { BarChart } from '../../../../src/components/charts';
import { OnDemandPriceQuality } from '../../../../src/components/ondemand-price-quality';
import { AdminOnly } from '../../../../src/components/shell';
import { percent, shortDate } from '../../../../src/lib/format';
import { unwrap } from '../../../../src/lib/unwrap';
import { usePoll } from '../../../../src/lib/use-poll';

function DataQuality() {
  const { data, error } = usePoll(() => unwrap(api.GET('/api/admin/data-quality', { params: { query: { days: 30 } } })), 'dq', 60_000);
  if (error) return <p role="alert" className="error">{error}</p>;
  if (!data) return <p aria-busy="true">Loading…</p>;
  const days = [...data.items].sort((a, b) => a.date.localeCompare(b.date));
  return (
    <>
      <h1>Data quality</h1>
      <section className="card">
        <h2>Share of interpolated prices per day</h2>
        {days.length ? (
          <BarChart
            title={`Interpolated share of the clean price series, last ${data.days} days`}
            bars={days.map((d) => ({ label: shortDate(d.date), value: d.pct_interpolated }))}
            format={(v) => percent(v)}
            table={
              <table>
                <thead><tr><th scope="col">Day</th><th scope="col">Points</th><th scope="col">Interpolated</th><th scope="col">Share</th></tr></thead>
                <tbody>{days.map((d) => <tr key={d.date}><td>{d.date}</td><td>{d.total_points}</td><td>{d.interpolated_points}</td><td>{percent(d.pct_interpolated)}</td></tr>)}</tbody>
              </table>
            }
          />
        ) : (
          <p className="muted">No prices yet.</p>
        )}
      </section>
      <OnDemandPriceQuality />
      <section className="card">
        <h2>Clients whose prices are held</h2>
        <p className="muted">
          Spot prices are a consensus of clients: a price far from the other clients&apos;, or a jump no second source confirms, is held and never reaches
          another client&apos;s prices or decisions. These clients were held at least 3 times in the last 24 hours.
        </p>
        {data.held_sources.length ? (
          <table>
            <thead>
              <tr><th scope="col">Client</th><th scope="col">Held</th><th scope="col">Confirmed later</th><th scope="col">Pools</th><th scope="col">Latest held</th><th scope="col">Last held at</th></tr>
            </thead>
            <tbody>
              {data.held_sources.map((h) => (
                <tr key={h.client_id}>
                  <td>{h.client_name ?? h.client_id}</td>
                  <td>{h.held_count}</td>
                  <td>{h.confirmed_count}</td>
                  <td>{h.pools}</td>
                  <td>{h.latest ? `${h.latest.pool_id}: ${h.latest.spot_price} vs ${h.latest.reference_price ?? '—'} (${h.latest.reason.replace(/_/g, ' ')})` : '—'}</td>
                  <td>{h.last_held_at.slice(0, 16).replace('T', ' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No client is being held.</p>
        )}
      </section>
    </>
  );
}

export default function AdminDataQualityPage() {
  return (
    <AdminOnly>
      <DataQuality />
    </AdminOnly>
  );
}
