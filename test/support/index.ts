export * from './databases';
export * from './api-app';
export * from './fixtures';
