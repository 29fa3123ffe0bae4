export * from './vocabulary.ts';
export * from './people.ts';
export * from './text.ts';
export * from './reactions.ts';
export * from './ground-truth.ts';
export { decisionSeed, decisionRandom, poisson } from './driver/seeds.ts';
