/*
 * Loads a TypeScript entry file (see ts-register.js) in a fresh process without letting it end
 * the process, and prints every module file that was required, as JSON. agent-dependencies.spec.ts
 * reads the list.   node load-entry.js <entry.ts>
 */
require('./ts-register');
const { writeSync } = require('node:fs');
const { resolve } = require('node:path');
const entry = resolve(process.argv[2]);
// The entry starts its main() on load; it must not end this process before the list is out.
process.exit = () => undefined;
process.chdir(require('node:os').tmpdir());
for (const name of Object.keys(process.env)) if (/^(CLIENT_TOKEN|CENTRAL_SERVER_URL|SPOT_)/.test(name)) delete process.env[name];
require(entry);
writeSync(1, JSON.stringify(Object.keys(require.cache)));
