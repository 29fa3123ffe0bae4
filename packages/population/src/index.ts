export * from './vocabulary.ts';
export * from './people.ts';
export * from './text.ts';
export * from './reactions.ts';
export * from './ground-truth.ts';
