export * from './config.ts';
export * from './context.ts';
export * from './service.ts';
