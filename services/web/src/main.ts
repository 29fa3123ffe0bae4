// Runs web as its own process: config from the environment, ops server, SIGTERM/SIGINT.
import { runService } from '@botsky/kit';
import { webDefinition } from './service.ts';

process.exitCode = await runService(webDefinition);
