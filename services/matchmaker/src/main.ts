// Runs matchmaker as its own process: config from the environment, ops server, SIGTERM/SIGINT.
import { runService } from '@botsky/kit';
import { matchmakerDefinition } from './service.ts';

process.exitCode = await runService(matchmakerDefinition);
