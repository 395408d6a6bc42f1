'use client';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { api, errorMessage, session } from '../../src/api/client';
import { OneTimeSecret } from '../../src/components/secret';

export default function SignupPage() {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [clientToken, setClientToken] = useState<string>();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    const { data, error: failure } = await api.POST('/api/auth/signup', {
      body: { org_name: String(form.get('org_name')), email: String(form.get('email')), password: String(form.get('password')) },
    });
    setBusy(false);
    if (!data) {
      setError(errorMessage(failure));
      return;
    }
    session.save(data.access_token);
    setClientToken(data.client_token);
  }

  if (clientToken) {
    return (
      <main className="auth">
        <h1>Welcome aboard</h1>
        <div className="card stack">
          <p>
            Your agents register with this client token: it is the <code>CLIENT_TOKEN</code> in the agent&apos;s environment file
            (<code>/opt/spot-agent/.env</code>), next to <code>CENTRAL_SERVER_URL</code>.
          </p>
          <OneTimeSecret label="Client token" value={clientToken} />
          <div className="row">
            <Link className="button" href="/agents/install">Install an agent</Link>
            <Link className="button" href="/dashboard">Go to the dashboard</Link>
          </div>
        </div>
      </main>
    );
  }

  return (
    <main className="auth">
      <h1>Create your organisation</h1>
      <form onSubmit={(e) => void submit(e)} className="card stack">
        <label>
          Organisation name
          <input name="org_name" required maxLength={255} />
        </label>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password (8 characters or more)
          <input name="password" type="password" autoComplete="new-password" minLength={8} required />
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Sign up'}</button>
      </form>
      <p>
        Already have an account? <Link href="/login">Sign in</Link>
      </p>
    </main>
  );
}
