'use strict';
// What `npm start` runs: API and scheduler, and the demo fleet unless DEMO_FLEET turns it off.
// The demo is optional: its exit does not stop the others.
function processesFor(env) {
  const demo = !['0', 'false', 'off', 'no'].includes(String(env.DEMO_FLEET ?? '1').trim().toLowerCase());
  return [
    { name: 'api', entry: 'dist/apps/api/src/main.js', optional: false },
    { name: 'scheduler', entry: 'dist/apps/scheduler/src/main.js', optional: false },
    ...(demo ? [{ name: 'demo', entry: 'dist/apps/agent/src/demo-main.js', optional: true }] : []),
  ];
}

module.exports = { processesFor };
