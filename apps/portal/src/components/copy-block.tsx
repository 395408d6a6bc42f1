'use client';
import { useState } from 'react';

/** A block of text to paste elsewhere (a script, a config file), with a copy button. */
export function CopyBlock({ title, text, testId }: { title: string; text: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }
  return (
    <section className="copy-block" aria-label={title}>
      <div className="row">
        <h3>{title}</h3>
        <button type="button" className="secondary" onClick={() => void copy()} aria-label={`Copy ${title}`}>{copied ? 'Copied' : 'Copy'}</button>
      </div>
      <pre data-testid={testId}><code>{text}</code></pre>
    </section>
  );
}
