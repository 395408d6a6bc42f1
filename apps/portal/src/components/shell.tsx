'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, errorMessage, session } from '../api/client';
import { SessionContext, useSession, type Me } from '../lib/session';
import { LIVE_INTERVAL_MS } from '../lib/use-poll';

const CLIENT_LINKS = [
  { href: '/dashboard', label: 'Dashboard' },
  { href: '/instances', label: 'Instances' },
  { href: '/agents', label: 'Agents' },
  { href: '/replicas', label: 'Replicas' },
  { href: '/token', label: 'Client token' },
];
const ADMIN_LINKS = [
  { href: '/admin/clients', label: 'Clients' },
  { href: '/admin/health', label: 'System health' },
  { href: '/admin/data-quality', label: 'Data quality' },
  { href: '/admin/models', label: 'ML models' },
];

/** Signed-in frame: navigation, unread count, logout. Sends visitors without a session to /login. */
export function Shell({ children }: { children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const [me, setMe] = useState<Me>();
  const [unread, setUnread] = useState(0);
  const [menuOpen, setMenuOpen] = useState(false);
  const [loadError, setLoadError] = useState<string>();

  useEffect(() => {
    if (!session.token()) {
      router.replace('/login');
      return;
    }
    void api.GET('/api/auth/me').then(({ data, error }) => {
      if (data) setMe(data);
      else setLoadError(errorMessage(error)); // a 401 has already sent the visitor to /login
    });
  }, [router]);

  const refreshUnread = useCallback(() => {
    void api.GET('/api/notifications', { params: { query: { limit: 1, unread_only: true } } }).then(({ data }) => {
      if (data) setUnread(data.unread_count);
    });
  }, []);

  useEffect(() => {
    if (!me?.client_id) return undefined;
    refreshUnread();
    const timer = setInterval(refreshUnread, LIVE_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [me, refreshUnread]);

  useEffect(() => setMenuOpen(false), [pathname]);

  async function logout() {
    await api.POST('/api/auth/logout');
    session.clear();
    router.replace('/login');
  }

  if (!me) {
    return loadError ? (
      <main className="centered">
        <div className="stack">
          <p role="alert" className="error">{loadError}</p>
          <button type="button" onClick={() => window.location.reload()}>Try again</button>
        </div>
      </main>
    ) : (
      <main className="centered" aria-busy="true">Loading…</main>
    );
  }

  const link = (l: { href: string; label: string }) => (
    <li key={l.href}>
      <Link href={l.href} aria-current={pathname === l.href || pathname.startsWith(`${l.href}/`) ? 'page' : undefined}>
        {l.label}
      </Link>
    </li>
  );

  return (
    <SessionContext.Provider value={{ me, unread, refreshUnread }}>
      <header className="topbar">
        <Link href="/dashboard" className="brand">Spot Optimizer</Link>
        <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <nav id="main-nav" aria-label="Main" className={menuOpen ? 'open' : undefined}>
          <ul>
            {me.client_id && CLIENT_LINKS.map(link)}
            {me.client_id && (
            <li>
              <Link href="/notifications" aria-current={pathname === '/notifications' ? 'page' : undefined}>
                Notifications <span className="badge" data-testid="unread-count" aria-label={`${unread} unread`}>{unread}</span>
              </Link>
            </li>
            )}
            {me.role === 'super_admin' && ADMIN_LINKS.map(link)}
          </ul>
        </nav>
        <div className="who">
          <span title={me.email}>{me.client_name}</span>
          <button type="button" className="secondary" onClick={() => void logout()}>Log out</button>
        </div>
      </header>
      <main className="content">{children}</main>
    </SessionContext.Provider>
  );
}

/** Admin pages: only a super-admin sees their content. */
export function AdminOnly({ children }: { children: ReactNode }) {
  const { me } = useSession();
  if (me.role !== 'super_admin') return <p role="alert" className="error">This page is for super-admins.</p>;
  return <>{children}</>;
}
