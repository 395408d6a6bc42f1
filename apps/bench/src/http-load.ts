import { Worker } from 'node:worker_threads';

/**
 * POSTs JSON bodies with a bearer token from a worker thread, so the process under test does
 * only its own work. `urls` are used in turn (round-robin), one request after another per
 * in-flight slot; it stops after `bodies` or at `deadlineMs`, whichever comes first.
 */
const HTTP_LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { urls, token, warmup, bodies, concurrency, deadlineMs } = workerData;
let turn = 0;
const send = async (body) => {
  const url = urls[turn++ % urls.length];
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error('POST ' + url + ' answered ' + res.status);
  return performance.now() - t0;
};
(async () => {
  for (const body of warmup) await send(body);
  const latencies = [];
  let next = 0;
  const started = performance.now();
  const stopAt = started + deadlineMs;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < bodies.length && performance.now() < stopAt) latencies.push(await send(bodies[next++]));
  }));
  parentPort.postMessage({ latencies, elapsedMs: performance.now() - started });
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;

export interface HttpLoad {
  urls: string[];
  token: string;
  warmup: string[];
  bodies: string[];
  concurrency: number;
  /** The measured part stops here even when bodies are left (default 10 minutes). */
  deadlineMs?: number;
}

export function runHttpLoad(work: HttpLoad): Promise<{ latencies: number[]; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(HTTP_LOAD_WORKER, { eval: true, workerData: { deadlineMs: 600_000, ...work } });
    worker.once('message', (message: { latencies: number[]; elapsedMs: number; error?: string }) => {
      void worker.terminate();
      if (message.error) reject(new Error(message.error));
      else resolve(message);
    });
    worker.once('error', reject);
  });
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
