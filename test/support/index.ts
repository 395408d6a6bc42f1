export * from './databases';
export * from './api-app';
export * from './fixtures';
export * from './lib-context';
export * from './prices';
export * from './onnx-models';
export * from './scheduler-app';
export * from './virtual-timers';
