/**
 * Jest's node environment, with the typed-array constructors of the real Node realm. Native
 * addons (onnxruntime-node) return typed arrays created outside Jest's sandbox, which fail the
 * sandbox's `instanceof Float32Array` checks; suites that run models in process use this
 * environment through a `@jest-environment` docblock.
 */
const NodeEnvironment = require('jest-environment-node').TestEnvironment;

const TYPED_ARRAYS = ['Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint16Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array', 'ArrayBuffer'];

class NativeTypedArraysEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = NativeTypedArraysEnvironment;
