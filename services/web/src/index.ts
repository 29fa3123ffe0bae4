export * from './config.ts';
export * from './context.ts';
export * from './service.ts';
export * from './app.ts';
export * from './metrics.ts';
export * from './live/events.ts';
export * from './live/hub.ts';
export { buildClient, ensureClient } from './client-build.ts';
