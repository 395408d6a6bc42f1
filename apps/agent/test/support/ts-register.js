/*
 * Lets a plain `node` process require this repository's TypeScript the way the build compiles it
 * (swc → CommonJS with .swcrc, @spot/* aliases from tsconfig.json). For tests that need a real,
 * separate agent process:  node -r ./ts-register.js -e "require('<entry>.ts')"
 */
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const root = resolve(__dirname, '..', '..', '..', '..');
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
