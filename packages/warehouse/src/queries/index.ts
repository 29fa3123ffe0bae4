// The reads BotSky runs against the warehouse, each tested on embedded ClickHouse
// (test/queries.test.ts): windowed reads for dashboards and the live view, and scoring's as-of
// reads, which a rescore repeats from the warehouse alone.
export * from './windows.ts';
export * from './as-of.ts';
export * from './ranking.ts';
export * from './seasons.ts';
export * from './withdrawn.ts';
