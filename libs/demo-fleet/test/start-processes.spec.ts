import { join } from 'node:path';

const { processesFor } = require(join(__dirname, '../../../scripts/processes.js')) as {
  processesFor: (env: Record<string, string | undefined>) => Array<{ name: string; entry: string; optional: boolean }>;
};

describe('npm start processes', () => {
  it('runs the demo fleet by default, as an optional third process', () => {
    expect(processesFor({})).toEqual([
      { name: 'api', entry: 'dist/apps/api/src/main.js', optional: false },
      { name: 'scheduler', entry: 'dist/apps/scheduler/src/main.js', optional: false },
      { name: 'demo', entry: 'dist/apps/agent/src/demo-main.js', optional: true },
    ]);
  });

  it.each(['0', 'false', 'off', 'no', ' FALSE '])('DEMO_FLEET=%s turns it off', (value) => {
    expect(processesFor({ DEMO_FLEET: value }).map((p) => p.name)).toEqual(['api', 'scheduler']);
  });
});
