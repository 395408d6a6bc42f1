'use client';
import { api } from '../api/client';
import { when } from '../lib/format';
import { unwrap } from '../lib/unwrap';
import { usePoll } from '../lib/use-poll';

/**
 * Admin data quality, issue 23: where on-demand prices come from, and the region/type pairs that
 * online agents run without one (their decisions cannot measure savings and say so).
 */
export function OnDemandPriceQuality() {
  const { data, error } = usePoll(() => unwrap(api.GET('/api/admin/data-quality/on-demand-prices')), 'dq-ondemand', 60_000);
  if (error) return <p role="alert" className="error">{error}</p>;
  if (!data) return <p aria-busy="true">Loading…</p>;
  const od = data.on_demand;
  return (
    <section className="card" aria-labelledby="ondemand-heading">
      <h2 id="ondemand-heading">On-demand prices</h2>
      <p>
        Source: <strong>{od.source}</strong>
        {od.last_refresh_at ? <> · last refresh {when(od.last_refresh_at)}</> : <> · never refreshed from the Price List API</>}
        {od.skipped_entries ? <> · {od.skipped_entries} malformed entries skipped</> : null}
      </p>
      {od.fallback_reason ? <p role="status" className="error">{od.fallback_reason}</p> : null}
      <h3>Missing on-demand prices</h3>
      {data.missing.length ? (
        <table>
          <thead><tr><th scope="col">Region</th><th scope="col">Instance type</th><th scope="col">Online agents</th><th scope="col">Effect</th></tr></thead>
          <tbody>{data.missing.map((m) => <tr key={`${m.region}|${m.instance_type}`}><td>{m.region}</td><td>{m.instance_type}</td><td>{m.agents}</td><td>{m.reason}</td></tr>)}</tbody>
        </table>
      ) : (
        <p className="muted">Every online agent&apos;s region and type has an on-demand price.</p>
      )}
      <details>
        <summary>Regions covered ({od.regions.length})</summary>
        <table>
          <thead><tr><th scope="col">Region</th><th scope="col">Types</th><th scope="col">Source</th><th scope="col">Fetched</th></tr></thead>
          <tbody>{od.regions.map((r) => <tr key={r.region}><td>{r.region}</td><td>{r.types}</td><td>{r.source}</td><td>{r.fetched_at ? when(r.fetched_at) : '—'}</td></tr>)}</tbody>
        </table>
      </details>
    </section>
  );
}
