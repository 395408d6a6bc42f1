import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One report waiting for the control plane. `{agent}` in the path is the agent id at delivery. */
export interface QueuedReport {
  seq: number;
  /** Idempotency key, stable across re-sends: the API answers a repeat without counting it twice. */
  key: string;
  kind: string;
  /** The command or replica id the route names (AgentOutbox sets it). */
  ref?: string;
  method: 'POST' | 'PUT';
  path: string;
  body: Record<string, unknown>;
  enqueuedAt: string;
}

type JournalLine = { put: QueuedReport } | { ack: number } | { drop: number; reason: string };

/**
 * The agent's outbox on disk: an append-only journal (one JSON line per put, ack or drop, each
 * flushed with fsync), replayed at start. Reports are delivered in the order they were queued;
 * one that is not acknowledged stays at the head. A torn last line (power cut mid-write) is
 * ignored. When everything is delivered the journal is truncated.
 */
export class ReportQueue {
  private readonly items: QueuedReport[] = [];
  private nextSeq = 1;
  private writes = 0;

  constructor(
    private readonly file: string,
    private readonly newKey: () => string,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      this.replay(text);
      // End a torn last line, so the next entry does not glue onto it.
      if (text.length && !text.endsWith('\n')) appendFileSync(file, '\n');
    }
  }

  get size(): number {
    return this.items.length;
  }

  head(): QueuedReport | undefined {
    return this.items[0];
  }

  pending(): readonly QueuedReport[] {
    return this.items;
  }

  enqueue(kind: string, method: QueuedReport['method'], path: string, body: Record<string, unknown>, key = this.newKey(), ref?: string): QueuedReport {
    const item: QueuedReport = { seq: this.nextSeq++, key, kind, ...(ref !== undefined ? { ref } : {}), method, path, body, enqueuedAt: new Date().toISOString() };
    this.append({ put: item });
    this.items.push(item);
    return item;
  }

  ack(seq: number): void {
    this.remove(seq, { ack: seq });
  }

  /** Given up on (the control plane refuses it for good): kept in the journal's history, not re-sent. */
  drop(seq: number, reason: string): void {
    this.remove(seq, { drop: seq, reason });
  }

  private remove(seq: number, line: JournalLine): void {
    const index = this.items.findIndex((i) => i.seq === seq);
    if (index < 0) return;
    this.append(line);
    this.items.splice(index, 1);
    if (this.items.length === 0 && this.writes > 200) this.truncate();
  }

  private replay(text: string): void {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    for (const raw of lines) {
      let line: JournalLine;
      try {
        line = JSON.parse(raw) as JournalLine;
      } catch {
        continue; // a torn write: the report it carried was never acknowledged to its producer either
      }
      if ('put' in line) {
        this.items.push(line.put);
        this.nextSeq = Math.max(this.nextSeq, line.put.seq + 1);
      } else {
        const seq = 'ack' in line ? line.ack : line.drop;
        const index = this.items.findIndex((i) => i.seq === seq);
        if (index >= 0) this.items.splice(index, 1);
      }
    }
    this.writes = lines.length;
  }

  private append(line: JournalLine): void {
    const fd = openSync(this.file, 'a');
    try {
      appendFileSync(fd, JSON.stringify(line) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.writes += 1;
  }

  private truncate(): void {
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, '');
    renameSync(temp, this.file);
    this.writes = 0;
  }
}
