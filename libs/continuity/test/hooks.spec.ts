import { ProcessHookRunner, hookBaseEnv } from '@spot/continuity';

/** Real processes: the hook runner the agent uses on an instance. */
describe('ProcessHookRunner', () => {
  const runner = new ProcessHookRunner();

  it('reports the exit code and the end of the output (stdout and stderr), with the cut-over in the environment', async () => {
    const result = await runner.run('pre_switch', { command: 'for i in $(seq 1 3000); do echo "line $i"; done; echo "to $SPOT_NEW_INSTANCE_ID" >&2; exit 3', timeoutSeconds: 60 }, { SPOT_NEW_INSTANCE_ID: 'i-0abc' });
    expect(result).toMatchObject({ hook: 'pre_switch', ok: false, exitCode: 3, timedOut: false });
    expect(result.outputTail.length).toBeLessThanOrEqual(2000);
    expect(result.outputTail).toContain('line 3000');
    expect(result.outputTail.trim().endsWith('to i-0abc')).toBe(true);
    expect(await runner.run('post_switch', { command: 'true', timeoutSeconds: 5 }, {})).toMatchObject({ ok: true, exitCode: 0 });
  });

  it("never hands the agent's credentials to a hook (systemd loads CLIENT_TOKEN into the agent's environment)", async () => {
    const saved = { token: process.env.CLIENT_TOKEN, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.CLIENT_TOKEN = 'spc_must-not-leak';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret-must-not-leak';
    try {
      const result = await runner.run('pre_switch', { command: "env | grep -E '^(CLIENT_TOKEN|AWS_SECRET_ACCESS_KEY|SPOT_NEW_INSTANCE_ID|PATH)='", timeoutSeconds: 30 }, { SPOT_NEW_INSTANCE_ID: 'i-0abc' });
      expect(result.outputTail).toContain('SPOT_NEW_INSTANCE_ID=i-0abc');
      expect(result.outputTail).toContain('PATH=');
      expect(result.outputTail).not.toContain('must-not-leak');
    } finally {
      if (saved.token === undefined) delete process.env.CLIENT_TOKEN;
      else process.env.CLIENT_TOKEN = saved.token;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
    expect(Object.keys(hookBaseEnv({ CLIENT_TOKEN: 'x', AGENT_TOKEN: 'y', AWS_SESSION_TOKEN: 'z', ADMIN_PASSWORD: 'p', PATH: '/bin', HOME: '/root' })).sort()).toEqual(['HOME', 'PATH']);
  });

  it('kills a hook (and its children) at its time limit', async () => {
    const result = await runner.run('sync', { command: 'echo started; sleep 30 & wait', timeoutSeconds: 1 }, {});
    expect(result).toMatchObject({ ok: false, exitCode: null, timedOut: true });
    expect(result.outputTail).toContain('started');
    expect(result.outputTail).toContain('[killed after 1s]');
  });
});
