export * from './databases';
export * from './api-app';
