import { join } from 'node:path';

const { processesFor } = require(join(__dirname, '../../../scripts/processes.js')) as {
  processesFor: (env: Record<string, string | undefined>) => Array<{ name: string; entry: string; args: string[]; optional: boolean }>;
};

describe('npm start processes', () => {
  it('runs the portal, and the demo fleet by default as an optional fourth process', () => {
    expect(processesFor({})).toEqual([
      { name: 'api', entry: 'dist/apps/api/src/main.js', args: [], optional: false },
      { name: 'scheduler', entry: 'dist/apps/scheduler/src/main.js', args: [], optional: false },
      { name: 'portal', entry: 'node_modules/next/dist/bin/next', args: ['start', 'apps/portal', '-p', '3000'], optional: false },
      { name: 'demo', entry: 'dist/apps/agent/src/demo-main.js', args: [], optional: true },
    ]);
    expect(processesFor({ PORTAL_PORT: '18090' }).find((p) => p.name === 'portal')?.args).toEqual(['start', 'apps/portal', '-p', '18090']);
  });

  it.each(['0', 'false', 'off', 'no', ' FALSE '])('DEMO_FLEET=%s turns it off', (value) => {
    expect(processesFor({ DEMO_FLEET: value }).map((p) => p.name)).toEqual(['api', 'scheduler', 'portal']);
  });
});
