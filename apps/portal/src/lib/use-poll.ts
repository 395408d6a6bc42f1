'use client';
import { useCallback, useEffect, useRef, useState } from 'react';

/** Polling interval of the live pages: a failover shows up within this time, without a reload. */
export const LIVE_INTERVAL_MS = 5000;

export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => Promise<void>;
}

/**
 * Loads `load()` now and again every `intervalMs` (0: once) while the page is open. `load` returns
 * the data or throws an Error whose message is shown. Changing `key` reloads at once.
 */
export function usePoll<T>(load: () => Promise<T>, key: string, intervalMs = LIVE_INTERVAL_MS): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    try {
      const value = await loadRef.current();
      setData(value);
      setError(undefined);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    setLoading(true);
    void reload();
    if (!intervalMs) return undefined;
    const timer = setInterval(() => void reload(), intervalMs);
    return () => clearInterval(timer);
  }, [key, intervalMs, reload]);

  return { data, error, loading, reload };
}
