'use client';
import Link from 'next/link';
import { useState } from 'react';
import { api, errorMessage } from '../../../src/api/client';
import { Modal } from '../../../src/components/dialog';
import { OneTimeSecret } from '../../../src/components/secret';
import { requireClient, useSession } from '../../../src/lib/session';
import { unwrap } from '../../../src/lib/unwrap';
import { usePoll } from '../../../src/lib/use-poll';

/**
 * The client token (agents register with it as CLIENT_TOKEN). The API keeps only its hash, so it
 * can never be shown again: a lost or leaked one is rotated here (POST /api/client/{id}/client-token),
 * and the new one is shown once.
 */
export default function ClientTokenPage() {
  const { me } = useSession();
  const { data, error: loadError, reload } = usePoll(() => unwrap(api.GET('/api/client/{id}', { params: { path: { id: requireClient(me) } } })), 'client', 0);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [fresh, setFresh] = useState<string>();

  async function rotate() {
    setBusy(true);
    setError(undefined);
    const { data: rotated, error: failure } = await api.POST('/api/client/{id}/client-token', { params: { path: { id: requireClient(me) } } });
    setBusy(false);
    setConfirming(false);
    if (!rotated) {
      setError(errorMessage(failure));
      return;
    }
    setFresh(rotated.client_token);
    void reload();
  }

  return (
    <>
      <h1>Client token</h1>
      {loadError && <p role="alert" className="error">{loadError}</p>}
      <div className="card stack">
        <p>
          Agents register with this token: it is the <code>CLIENT_TOKEN</code> in <code>/opt/spot-agent/.env</code> on each instance
          (<Link href="/agents/install">install instructions</Link>). It was shown once, when it was created; only its end is kept to tell
          tokens apart.
        </p>
        <p>Current token: <code data-testid="client-token-hint">{data?.client_token_hint ?? '…'}</code></p>
        {fresh && (
          <>
            <OneTimeSecret label="New client token" value={fresh} />
            <p className="warning" data-testid="rotation-warning">
              The old token no longer works. Put the new one in <code>CLIENT_TOKEN</code> on every instance and in your user data or launch
              templates, then restart the agent (<code>sudo systemctl restart spot-optimizer-agent</code>).
            </p>
          </>
        )}
        {error && <p role="alert" className="error">{error}</p>}
        <div className="row">
          <button type="button" className="danger" onClick={() => setConfirming(true)}>Rotate the client token…</button>
        </div>
      </div>
      <Modal open={confirming} title="Rotate the client token?" onClose={() => setConfirming(false)}>
        <div className="stack">
          <p><strong>The current token stops working at once.</strong></p>
          <p>
            Agents already running keep working: they use their own agent tokens, which rotation does not touch. But every agent registers
            again with <code>CLIENT_TOKEN</code> when it starts — after a restart, and on the new instances a switch or a replica launches
            from its image — and with the old token that registration is refused. Update <code>CLIENT_TOKEN</code> on every instance right
            after rotating.
          </p>
          <p>The new token is shown only once, on this page.</p>
          <div className="row">
            <button type="button" className="danger" onClick={() => void rotate()} disabled={busy}>{busy ? 'Rotating…' : 'Rotate the token'}</button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>Cancel</button>
          </div>
        </div>
      </Modal>
    </>
  );
}
