'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { api, errorMessage, session } from '../../src/api/client';

export default function LoginPage() {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    const { data, error: failure } = await api.POST('/api/auth/token', {
      body: { email: String(form.get('email')), password: String(form.get('password')) },
    });
    setBusy(false);
    if (!data) {
      setError(errorMessage(failure));
      return;
    }
    session.save(data.access_token);
    router.replace(data.role === 'super_admin' ? '/admin/clients' : '/dashboard');
  }

  return (
    <main className="auth">
      <h1>Sign in to Spot Optimizer</h1>
      <form onSubmit={(e) => void submit(e)} className="card stack">
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      <p>
        No account yet? <Link href="/signup">Create one</Link>
      </p>
    </main>
  );
}
