// Runs scoring as its own process: config from the environment, ops server, SIGTERM/SIGINT.
import { runService } from '@botsky/kit';
import { scoringDefinition } from './service.ts';

process.exitCode = await runService(scoringDefinition);
