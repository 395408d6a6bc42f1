'use client';
import { useState } from 'react';
import { api, errorMessage } from '../../../src/api/client';
import { when } from '../../../src/lib/format';
import { useSession } from '../../../src/lib/session';
import { unwrap } from '../../../src/lib/unwrap';
import { usePoll } from '../../../src/lib/use-poll';

const SEVERITY_BADGE = { info: 'blue', warning: '', error: 'red', critical: 'red' } as const;

export default function NotificationsPage() {
  const { refreshUnread } = useSession();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const { data, error, reload } = usePoll(() => unwrap(api.GET('/api/notifications', { params: { query: { limit: 100, unread_only: unreadOnly } } })), String(unreadOnly));
  const [actionError, setActionError] = useState<string>();

  async function after(call: Promise<{ error?: unknown }>) {
    const { error: failure } = await call;
    setActionError(failure ? errorMessage(failure) : undefined);
    await reload();
    refreshUnread();
  }

  return (
    <>
      <h1>Notifications</h1>
      <div className="row filters">
        <span data-testid="notifications-unread">{data ? `${data.unread_count} unread` : ''}</span>
        <label className="inline">
          <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> Unread only
        </label>
        <button type="button" disabled={!data?.unread_count} onClick={() => void after(api.POST('/api/notifications/read-all'))}>Mark all read</button>
      </div>
      {(error || actionError) && <p role="alert" className="error">{error ?? actionError}</p>}
      {!data ? (
        <p aria-busy="true">Loading…</p>
      ) : data.items.length === 0 ? (
        <p className="muted">No notifications.</p>
      ) : (
        <ul className="pools">
          {data.items.map((n) => (
            <li key={n.id} className={`pool ${n.is_read ? 'current' : ''}`} data-read={n.is_read}>
              <span className={`badge ${SEVERITY_BADGE[n.severity]}`}>{n.severity}</span>
              <span className="name">{n.title}</span>
              <span>{n.message}</span>
              <time className="muted">{when(n.created_at)}</time>
              {!n.is_read && (
                <button type="button" className="secondary" onClick={() => void after(api.POST('/api/notifications/{id}/read', { params: { path: { id: n.id } } }))} aria-label={`Mark "${n.title}" read`}>
                  Mark read
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
