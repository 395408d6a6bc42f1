import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReportQueue } from '../src';

describe('ReportQueue (on-disk outbox)', () => {
  let n = 0;
  const key = () => `k-${++n}`;
  const file = () => join(mkdtempSync(join(tmpdir(), 'spot-queue-')), 'reports.jsonl');

  it('keeps reports in order across a restart; acknowledged ones never come back', () => {
    const path = file();
    const first = new ReportQueue(path, key);
    const a = first.enqueue('pricing-report', 'POST', '/api/agents/{agent}/pricing-report', { n: 1 });
    first.enqueue('pricing-report', 'POST', '/api/agents/{agent}/pricing-report', { n: 2 });
    first.enqueue('switch-report', 'POST', '/api/agents/{agent}/switch-report', { n: 3 }, 'switch:cmd-1');
    first.ack(a.seq);

    const reopened = new ReportQueue(path, key);
    expect(reopened.pending().map((r) => [r.body.n, r.key])).toEqual([[2, 'k-2'], [3, 'switch:cmd-1']]);
    const next = reopened.enqueue('pricing-report', 'POST', '/x', { n: 4 });
    expect(next.seq).toBe(4);
  });

  it('ignores a torn last line (power cut mid-write) and carries on', () => {
    const path = file();
    const q = new ReportQueue(path, key);
    q.enqueue('a', 'POST', '/a', { n: 1 });
    appendFileSync(path, '{"put":{"seq":2,"key":"x","kind":"a","meth');
    const reopened = new ReportQueue(path, key);
    expect(reopened.pending().map((r) => r.body.n)).toEqual([1]);
    reopened.enqueue('a', 'POST', '/a', { n: 2 });
    expect(new ReportQueue(path, key).pending().map((r) => r.body.n)).toEqual([1, 2]);
  });

  it('a dropped report is remembered as dropped, not re-sent', () => {
    const path = file();
    const q = new ReportQueue(path, key);
    const bad = q.enqueue('a', 'POST', '/a', { n: 1 });
    q.drop(bad.seq, '400 bad');
    expect(new ReportQueue(path, key).size).toBe(0);
    expect(readFileSync(path, 'utf8')).toContain('"drop":1');
  });
});
