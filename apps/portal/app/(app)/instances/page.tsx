'use client';
import Link from 'next/link';
import { useState } from 'react';
import { api } from '../../../src/api/client';
import { hourly, when } from '../../../src/lib/format';
import { currentPrices } from '../../../src/lib/prices';
import { requireClient, useSession } from '../../../src/lib/session';
import { unwrap } from '../../../src/lib/unwrap';
import { usePoll } from '../../../src/lib/use-poll';

type Filter = 'active' | 'terminated';

export default function InstancesPage() {
  const { me } = useSession();
  const [filter, setFilter] = useState<Filter>('active');
  const { data, error } = usePoll(async () => {
    const clientId = requireClient(me);
    const page = await unwrap(api.GET('/api/client/{id}/instances', { params: { path: { id: clientId }, query: { status: filter, limit: 200 } } }));
    return { ...page, prices: await currentPrices(clientId, page.items) };
  }, filter);

  return (
    <>
      <h1>Instances</h1>
      <div className="filters" role="group" aria-label="Show instances">
        {(['active', 'terminated'] as const).map((f) => (
          <button key={f} type="button" className={filter === f ? undefined : 'secondary'} aria-pressed={filter === f} onClick={() => setFilter(f)}>
            {f === 'active' ? 'Active' : 'Terminated'}
          </button>
        ))}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {!data ? (
        <p aria-busy="true">Loading…</p>
      ) : data.items.length === 0 ? (
        <p className="muted">No {filter} instances.</p>
      ) : (
        <div className="card table-wrap">
          <table>
            <caption className="muted">{data.total} {filter} instance(s)</caption>
            <thead>
              <tr><th scope="col">Instance</th><th scope="col">Type</th><th scope="col">Zone</th><th scope="col">Mode</th><th scope="col">Price</th><th scope="col">{filter === 'active' ? 'Since' : 'Terminated'}</th></tr>
            </thead>
            <tbody>
              {data.items.map((i) => (
                <tr key={i.id}>
                  <td><Link href={`/instances/${i.id}`}>{i.instance_id}</Link></td>
                  <td>{i.instance_type}</td>
                  <td>{i.az}</td>
                  <td>{i.current_mode === 'spot' ? <span className="badge green">spot</span> : <span className="badge red">{i.current_mode}</span>}</td>
                  <td>{hourly(data.prices.get(i.id) ?? (i.current_mode === 'spot' ? i.spot_price : i.ondemand_price))}</td>
                  <td>{filter === 'active' || i.is_active ? when(i.last_switch_at ?? i.installed_at) : i.terminated_at ? when(i.terminated_at) : `replaced ${when(i.replaced_at)}, not terminated yet`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
