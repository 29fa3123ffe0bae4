export * from './interest-profile.ts';
export * from './bot-picker.ts';
export * from './pair-sampling.ts';
export * from './candidates.ts';
export * from './term-stats.ts';
