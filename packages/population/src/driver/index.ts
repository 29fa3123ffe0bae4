export { Simulation, type RunOptions, type SimulationOptions } from './simulation.ts';
export type { SimulationStats } from './flush.ts';
export { decideReaction, type Decision } from './planning.ts';
export { reactionKey } from './state.ts';
export { pdsAccountFactory, type AccountFactory, type AccountRequest, type SimAccount } from './accounts.ts';
export { SimulationError } from './errors.ts';
export { watchFirehose, firehoseUrlOf, type FirehoseWatch } from './firehose-watch.ts';
export { decisionSeed, decisionRandom } from './seeds.ts';
