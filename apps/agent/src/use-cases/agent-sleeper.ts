import { HookRunner, ProcessHookRunner, Sleeper } from '@spot/continuity';
import { AgentContext } from '../agent-context';

/** The continuity lib's pauses on the agent's timers (virtual time in tests, real on an instance). */
export function agentSleeper(ctx: AgentContext): Sleeper {
  return { sleep: (ms: number) => ctx.timers.sleep(ms) };
}

/** The workload's hooks: the injected runner, else /bin/sh on this instance. */
export function hookRunnerOf(ctx: AgentContext): HookRunner {
  return ctx.ports.hooks ?? DEFAULT_HOOKS;
}

const DEFAULT_HOOKS = new ProcessHookRunner();
