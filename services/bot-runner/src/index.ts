export * from './config.ts';
export * from './context.ts';
export * from './service.ts';
export { loadRegistryFile, parseRegistry, RegistryError, type BotEntry } from './registry/load.ts';
export { replyRecordKey } from './tasks/record-key.ts';
export { OFFLINE_STYLE_NAMES, offlineReply } from './providers/index.ts';
export type { ReplyRequest } from './providers/types.ts';
