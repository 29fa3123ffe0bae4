// Runs bot-runner as its own process: config from the environment, ops server, SIGTERM/SIGINT.
import { runService } from '@botsky/kit';
import { botRunnerDefinition } from './service.ts';

process.exitCode = await runService(botRunnerDefinition);
