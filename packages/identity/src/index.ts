export * from './config.ts';
export * from './identities.ts';
export * from './fetch.ts';
