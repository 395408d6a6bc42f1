'use client';
import { useState, type FormEvent } from 'react';
import { api, errorMessage, type Schemas } from '../../../../src/api/client';
import { AdminOnly } from '../../../../src/components/shell';
import { OneTimeSecret } from '../../../../src/components/secret';
import { usd, when } from '../../../../src/lib/format';
import { unwrap } from '../../../../src/lib/unwrap';
import { usePoll } from '../../../../src/lib/use-poll';

function Clients() {
  const { data, error, reload } = usePoll(() => unwrap(api.GET('/api/admin/clients', { params: { query: { limit: 200 } } })), 'clients', 0);
  const [created, setCreated] = useState<Schemas['ClientCreatedDto']>();
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const body: Schemas['CreateClientRequestDto'] = { name: String(form.get('name')) };
    const email = String(form.get('email') ?? '');
    if (email) body.email = email;
    const maxAgents = String(form.get('max_agents') ?? '');
    if (maxAgents) body.max_agents = Number(maxAgents);
    setBusy(true);
    setFormError(undefined);
    const { data: client, error: failure } = await api.POST('/api/admin/clients', { body });
    setBusy(false);
    if (!client) {
      setFormError(errorMessage(failure));
      return;
    }
    setCreated(client);
    formElement.reset();
    void reload();
  }

  return (
    <>
      <h1>Clients</h1>
      <section className="card">
        <h2>New client</h2>
        <form onSubmit={(e) => void submit(e)} className="row">
          <label>Name<input name="name" required maxLength={255} /></label>
          <label>Email (optional)<input name="email" type="email" /></label>
          <label>Max agents<input name="max_agents" type="number" min={1} max={10000} /></label>
          <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create client'}</button>
        </form>
        {formError && <p role="alert" className="error">{formError}</p>}
        {created && <OneTimeSecret label={`Client token of ${created.name}`} value={created.client_token} />}
      </section>
      {error && <p role="alert" className="error">{error}</p>}
      {data && (
        <div className="card table-wrap">
          <table>
            <caption className="muted">{data.total} client(s)</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Plan</th><th scope="col">Agents</th><th scope="col">Savings</th><th scope="col">Token</th><th scope="col">Created</th></tr></thead>
            <tbody>
              {data.items.map((c) => (
                <tr key={c.id}>
                  <td>{c.name} {!c.is_active && <span className="badge grey">inactive</span>}</td>
                  <td>{c.email}</td>
                  <td>{c.plan}</td>
                  <td>{c.agent_count} / {c.max_agents}</td>
                  <td>{usd(c.total_savings)}</td>
                  <td><code>{c.client_token_hint}</code></td>
                  <td>{when(c.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export default function AdminClientsPage() {
  return (
    <AdminOnly>
      <Clients />
    </AdminOnly>
  );
}
