import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * Redis suites run when REDIS_URL is set (.ci/run sets redis://127.0.0.1:6379/7). Every test
 * takes its own key prefix, so runs and parallel workers never see each other's keys; nothing is
 * ever flushed.
 */
export const describeWithRedis: jest.Describe = (process.env.REDIS_URL ? describe : describe.skip) as jest.Describe;

export function testRedisUrl(): string {
  return process.env.REDIS_URL as string;
}

export function uniqueRedisPrefix(label: string): string {
  return `spot-test:${label}:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A Redis of this test's own (no persistence), which the test may stop and start again. */
export class PrivateRedis {
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.startAgain();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  /** Starts (again) on the same port and returns once it answers PING. */
  async startAgain(): Promise<void> {
    execFileSync('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes']);
    for (let i = 0; i < 200; i++) {
      try {
        if (execFileSync('redis-cli', ['-p', String(this.port), 'ping']).toString().trim() === 'PONG') return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on ${this.port} did not start`);
  }

  /** Shuts it down (nothing saved), like a crash of a Redis without persistence. */
  stop(): void {
    try {
      execFileSync('redis-cli', ['-p', String(this.port), 'shutdown', 'nosave']);
    } catch {
      // redis-cli reports the dropped connection of a shutdown as an error
    }
  }
}
