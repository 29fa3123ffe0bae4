export * from './config.ts';
export * from './identities.ts';
