/*
 * Loads a TypeScript entry file the way the built app would (swc → CommonJS, @spot/* aliases from
 * tsconfig.json) in a fresh process, without running it to the end, and prints every module file
 * that was required. agent-dependencies.spec.ts reads the list.
 *   node load-entry.js <repo root> <entry.ts>
 */
const Module = require('node:module');
const { readFileSync, writeSync } = require('node:fs');
const { join, resolve } = require('node:path');
const [root, entry] = process.argv.slice(2);
const swc = require(join(root, 'node_modules/@swc/core'));
const config = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
const paths = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')).compilerOptions.paths;

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const alias = paths[request];
  return resolveFilename.call(this, alias ? resolve(root, alias[0]) : request, parent, ...rest);
};
Module._extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(readFileSync(filename, 'utf8'), { ...config, filename, sourceMaps: false, jsc: { ...config.jsc, baseUrl: root, paths: undefined } });
  module._compile(code, filename);
};
// The entry starts its main() on load; it must not end this process before the list is out.
process.exit = () => undefined;
process.chdir(process.env.TMPDIR || '/tmp');
for (const name of Object.keys(process.env)) if (/^(CLIENT_TOKEN|CENTRAL_SERVER_URL|SPOT_)/.test(name)) delete process.env[name];
require(resolve(root, entry));
writeSync(1, JSON.stringify(Object.keys(require.cache)));
