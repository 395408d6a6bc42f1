import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * moto is one shared server and its `POST /moto-api/reset` clears everything: suites that use it
 * (libs/cloud, apps/agent) take this lock across Jest workers, so one never resets under another.
 * A lock left by a process that died is taken over.
 */
export async function acquireMotoLock(endpoint: string, waitMs = 5 * 60_000): Promise<() => void> {
  const file = join(tmpdir(), `spot-moto-${endpoint.replace(/[^A-Za-z0-9]/g, '_')}.lock`);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8').trim() || 0);
      if (holder && !alive(holder)) rmSync(file, { force: true });
      else if (Date.now() > deadline) throw new Error(`moto lock ${file} still held by process ${holder}`);
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
