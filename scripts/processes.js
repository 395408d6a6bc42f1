'use strict';
// What `npm start` runs: API, scheduler and the web portal (PORTAL_PORT, default 3000), and the
// demo fleet unless DEMO_FLEET turns it off. The demo is optional: its exit does not stop the others.
function processesFor(env) {
  const demo = !['0', 'false', 'off', 'no'].includes(String(env.DEMO_FLEET ?? '1').trim().toLowerCase());
  const portalPort = String(env.PORTAL_PORT || '3000').trim();
  return [
    { name: 'api', entry: 'dist/apps/api/src/main.js', args: [], optional: false },
    { name: 'scheduler', entry: 'dist/apps/scheduler/src/main.js', args: [], optional: false },
    { name: 'portal', entry: 'node_modules/next/dist/bin/next', args: ['start', 'apps/portal', '-p', portalPort], optional: false },
    ...(demo ? [{ name: 'demo', entry: 'dist/apps/agent/src/demo-main.js', args: [], optional: true }] : []),
  ];
}

module.exports = { processesFor };
