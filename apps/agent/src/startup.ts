import { StructuredLogger } from '@spot/core';
import { AgentTimers } from './agent-context';
import { AgentSettingsError, InstanceIdentity, InstanceIdentitySource } from './agent-settings';

/** Between two attempts to read the instance identity at start (IMDS not up yet, a firewall…). */
export const IDENTITY_RETRY_MS = 5_000;

/**
 * The instance identity at start, retried until IMDS answers: on EC2 it may come up after the
 * agent's unit (or a hop limit, a firewall rule is wrong). Each failure is one plain log line that
 * names the real cause (e.g. "connection refused at <url>"), never a stack trace and an exit. A
 * misconfigured identity (SPOT_IDENTITY=env with bad values) is not retried: it needs a person.
 */
export async function readIdentityPatiently(source: InstanceIdentitySource, logger: StructuredLogger, timers: AgentTimers, retryMs = IDENTITY_RETRY_MS): Promise<InstanceIdentity> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await source.read();
    } catch (error) {
      if (error instanceof AgentSettingsError) throw error;
      const cause = error instanceof Error ? error.message : String(error);
      logger.event({ level: 'warn', component: 'CORE-AGENT', action: 'IDENTITY', result: 'WAITING', message: `cannot read this instance's identity (attempt ${attempt}): ${cause}; retrying in ${Math.round(retryMs / 1000)}s` });
      await timers.sleep(retryMs);
    }
  }
}
