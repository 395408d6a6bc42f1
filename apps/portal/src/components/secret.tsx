'use client';
import { useState } from 'react';

/** A secret shown once (client tokens), with a copy button. */
export function OneTimeSecret({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }
  return (
    <div className="secret" role="status">
      <p>
        <strong>{label}</strong> — shown only this once: store it now.
      </p>
      <div className="secret-row">
        <code data-testid="one-time-secret">{value}</code>
        <button type="button" onClick={() => void copy()}>{copied ? 'Copied' : 'Copy'}</button>
      </div>
    </div>
  );
}
