// Runs gateway as its own process: config from the environment, ops server, SIGTERM/SIGINT.
import { runService } from '@botsky/kit';
import { gatewayDefinition } from './service.ts';

process.exitCode = await runService(gatewayDefinition);
