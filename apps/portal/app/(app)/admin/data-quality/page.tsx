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
