export * from './config.ts';
export * from './context.ts';
export * from './service.ts';
export * from './scores/leaderboard.ts';
export * from './scores/battles.ts';
export * from './scores/engagement-v2.ts';
export * from './scores/influence.ts';
export { buildLeaderboardApp } from './handlers/http.ts';
export { leaderboardJson } from './handlers/leaderboard-view.ts';
