// Runs feed as its own process: config from the environment, ops server, SIGTERM/SIGINT.
import { runService } from '@botsky/kit';
import { feedDefinition } from './service.ts';

process.exitCode = await runService(feedDefinition);
