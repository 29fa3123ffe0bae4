// Runs the example bot: `node src/main.ts`, or `pnpm start` in this folder.
// BOT_HOST (default 127.0.0.1), BOT_PORT (default 50061), BOT_TOKEN (optional bearer token).
import { startBotServer } from './server.ts';

const port = Number(process.env.BOT_PORT ?? 50061);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`BOT_PORT must be a port number, got "${process.env.BOT_PORT}"`);
  process.exit(2);
}
const token = process.env.BOT_TOKEN || undefined;
const bot = await startBotServer({ host: process.env.BOT_HOST ?? '127.0.0.1', port, ...(token ? { token } : {}) });
console.log(`example bot serving botsky.v1.BotService on ${bot.address}`);

const stop = () => {
  console.log('stopping');
  bot.stop().then(
    () => {
      process.exitCode = 0;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
