import { spawn } from 'node:child_process';
import { HookName, HookSpec } from './settings';

/**
 * The environment a customer's hook starts with: the agent's own, less its credentials. systemd
 * loads CLIENT_TOKEN (and any AWS keys) from the agent's env file into it, and a hook script that
 * logs its environment must not leak them.
 */
export function hookBaseEnv(agentEnv: NodeJS.ProcessEnv): Record<string, string> {
  const secret = /TOKEN|SECRET|PASSWORD|CREDENTIAL|^AWS_ACCESS_KEY_ID$|^AWS_SESSION/i;
  return Object.fromEntries(Object.entries(agentEnv).filter((entry): entry is [string, string] => entry[1] !== undefined && !secret.test(entry[0])));
}

export interface HookResult {
  hook: HookName;
  ok: boolean;
  /** null when it was killed (time limit) or could not start. */
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** The last bytes of stdout and stderr together. */
  outputTail: string;
}

/** Runs a workload's hook; injected so tests and the simulated fleet run hooks without a shell. */
export abstract class HookRunner {
  abstract run(hook: HookName, spec: HookSpec, env: Record<string, string>): Promise<HookResult>;
}

const TAIL_BYTES = 2000;

/**
 * Hooks as `/bin/sh -c <command>` on this machine, with the time limit enforced by killing the
 * process group (a hook's children die with it). Its duration is wall-clock: hooks are real.
 */
export class ProcessHookRunner extends HookRunner {
  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  run(hook: HookName, spec: HookSpec, env: Record<string, string>): Promise<HookResult> {
    const started = this.now();
    return new Promise((resolve) => {
      let tail = '';
      let timedOut = false;
      const keep = (chunk: Buffer) => {
        tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
      };
      const child = spawn('/bin/sh', ['-c', spec.command], { env: { ...hookBaseEnv(process.env), ...env, SPOT_HOOK: hook }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }, spec.timeoutSeconds * 1000);
      const finish = (exitCode: number | null, extra = '') => {
        clearTimeout(timer);
        const outputTail = (tail + extra).slice(-TAIL_BYTES);
        resolve({ hook, ok: !timedOut && exitCode === 0, exitCode: timedOut ? null : exitCode, timedOut, durationMs: this.now() - started, outputTail });
      };
      child.on('error', (error) => finish(null, `\n${error.message}`));
      child.on('close', (code) => finish(code, timedOut ? `\n[killed after ${spec.timeoutSeconds}s]` : ''));
    });
  }
}

/** A hook runner of canned results (the simulated fleet, tests): each hook takes `durationMs` of the clock. */
export class ScriptedHookRunner extends HookRunner {
  readonly ran: Array<{ hook: HookName; env: Record<string, string> }> = [];

  constructor(
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly outcomes: Partial<Record<HookName, { exitCode: number; durationMs: number; output?: string }>> = {},
  ) {
    super();
  }

  async run(hook: HookName, spec: HookSpec, env: Record<string, string>): Promise<HookResult> {
    this.ran.push({ hook, env });
    const outcome = this.outcomes[hook] ?? { exitCode: 0, durationMs: 1000 };
    const timedOut = outcome.durationMs > spec.timeoutSeconds * 1000;
    const durationMs = Math.min(outcome.durationMs, spec.timeoutSeconds * 1000);
    await this.sleep(durationMs);
    return { hook, ok: !timedOut && outcome.exitCode === 0, exitCode: timedOut ? null : outcome.exitCode, timedOut, durationMs, outputTail: (outcome.output ?? '').slice(-TAIL_BYTES) };
  }
}
