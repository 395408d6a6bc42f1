#!/usr/bin/env node
// Runs the control plane on one machine: API (:8000), scheduler and the web portal (:3000, built
// by `npm run build:portal` in prestart), with prefixed output. API and scheduler migrate the
// database under a lock before serving; the portal forwards the browser's /api calls to the API.
// Ctrl-C stops everything; if one process dies, the others are stopped too, and the exit code says so.
'use strict';
const { spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
// The portal reads API_PORT / PORTAL_API_URL from its environment: give it the same .env the API reads.
if (existsSync(join(root, '.env'))) process.loadEnvFile(join(root, '.env'));
const portalPort = process.env.PORTAL_PORT || '3000';
const processes = [
  { name: 'api', entry: 'dist/apps/api/src/main.js' },
  { name: 'scheduler', entry: 'dist/apps/scheduler/src/main.js' },
  { name: 'portal', entry: 'node_modules/next/dist/bin/next', args: ['start', 'apps/portal', '-p', portalPort] },
];

let stopping = false;
let exitCode = 0;
const children = processes.map(({ name, entry, args = [] }) => {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  const child = spawn(process.execPath, [join(root, entry), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `${name.padEnd(9)}| `;
  for (const [stream, target] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) target.write(prefix + line + '\n');
    });
    stream.on('end', () => buffered && target.write(prefix + buffered + '\n'));
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${prefix}exited (${signal ?? code}); stopping the others\n`);
      exitCode = code || 1;
      stopAll('SIGTERM');
    }
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
  return child;
});

function stopAll(signal) {
  stopping = true;
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  setTimeout(() => process.exit(exitCode), 10_000).unref();
}

process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));

// npm exits on SIGTERM without passing it on: when our parent goes away, stop as well.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent && !stopping) {
    process.stderr.write('launcher | parent process exited; stopping\n');
    stopAll('SIGTERM');
  }
}, 1000).unref();
