export * from './config.ts';
export * from './context.ts';
export * from './keys.ts';
export * from './models.ts';
export * from './service.ts';
export * from './usage.ts';
