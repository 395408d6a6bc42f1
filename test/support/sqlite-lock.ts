import { spawn } from 'node:child_process';

export interface HeldSqliteLock {
  /** Resolves when the other process has let go of the lock and exited. */
  released: Promise<void>;
}

/**
 * Another process (as the scheduler is to the API) takes the SQLite file's write lock with
 * BEGIN IMMEDIATE, writes a row to `table` when given, holds the lock for `holdMs` and commits.
 * Resolves once the lock is held. The child blocks on a timer of its own (Atomics.wait), so it
 * holds the lock whatever this process does meanwhile.
 */
export function holdSqliteWriteLock(path: string, holdMs: number, write?: { sql: string }): Promise<HeldSqliteLock> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1], { timeout: 10000 });
    db.pragma('journal_mode = WAL');
    db.exec('BEGIN IMMEDIATE');
    if (process.argv[3]) db.exec(process.argv[3]);
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[2]));
    db.exec('COMMIT');
    db.close();
  `;
  const child = spawn(process.execPath, ['-e', script, path, String(holdMs), write?.sql ?? ''], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  const released = new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`lock holder exited with ${code}: ${stderr}`))));
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      if (String(chunk).includes('locked')) resolve({ released });
    });
    released.catch(reject);
  });
}
