export * from './exclusions';
export * from './ignore-files';
export * from './files';
export * from './git';
export * from './package-root';
export * from './test-code';
export * from './test-runners';
