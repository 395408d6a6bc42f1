#!/usr/bin/env node
// Runs the control plane on one machine: API (:8000) and scheduler, with prefixed output, and
// the demo fleet (a demo client whose simulated instances run the real agent; DEMO_FLEET=0 turns
// it off). API and scheduler migrate the database under a lock before serving. Ctrl-C stops
// everything; if the API or the scheduler dies, the rest is stopped too and the exit code says
// so. The demo is optional: its exit stops nothing.
'use strict';
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
if (require('node:fs').existsSync(join(root, '.env'))) process.loadEnvFile(join(root, '.env'));
const processes = require('./processes').processesFor(process.env);

let stopping = false;
let exitCode = 0;
const children = processes.map(({ name, entry, optional }) => {
  const child = spawn(process.execPath, [join(root, entry)], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
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
    if (optional && !stopping) {
      process.stderr.write(`${prefix}exited (${signal ?? code}); the others keep running\n`);
    } else if (!stopping) {
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
