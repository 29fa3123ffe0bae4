export * from './config.ts';
export * from './context.ts';
export * from './service.ts';
// The picker on its own, for harnesses that check the sampling (packages/cli's validation).
export { BotPicker, type BattleSampling, type BotPick, type BotPickerOptions, type BotRatingView } from './selection/bot-picker.ts';
export { balanceSlack, type PairChance } from './selection/pair-sampling.ts';
// Consent as matchmaker keeps it in KV, for harnesses that wait for opt-ins (packages/cli's introductions benchmark).
export { ConsentStore } from './state/consent.ts';
export type { ConsentRecord } from '@botsky/contracts';
