export * from './elo.ts';
export * from './bradley-terry.ts';
export * from './intervals.ts';
export * from './random.ts';
export * from './simulate.ts';
