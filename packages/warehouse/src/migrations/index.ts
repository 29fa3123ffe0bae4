// The schema's migrations, in order. Add a new file with the next version; never edit or
// renumber one that has been released (its checksum is recorded where it ran).
import { networkEvents } from './001-network-events.ts';
import { botPipeline } from './002-bot-pipeline.ts';
import { feed } from './003-feed.ts';
import { scores } from './004-scores.ts';
import { botMinute } from './005-bot-minute.ts';
import { rankingInputs } from './006-ranking-inputs.ts';
import { retention } from './007-retention.ts';
import { accountEvents } from './008-account-events.ts';
import { streamMessages } from './009-stream-messages.ts';
import { llmCalls } from './010-llm-calls.ts';
import { seasonSnapshots } from './011-season-snapshots.ts';
import type { Migration } from './migration.ts';

export type { Migration } from './migration.ts';

export const MIGRATIONS: readonly Migration[] = [
  networkEvents,
  botPipeline,
  feed,
  scores,
  botMinute,
  rankingInputs,
  retention,
  accountEvents,
  streamMessages,
  llmCalls,
  seasonSnapshots,
];
