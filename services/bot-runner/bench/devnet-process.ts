// The devnet (PDS and PLC) in a process of its own, so that a benchmark measures bot-runner
// without the PDS sharing its process: starts it, creates the accounts named on the command line
// (password `pw-<name>`), prints one line `{"devnet":{...},"accounts":[...]}` and runs until
// SIGTERM or SIGINT.
//
// Usage: node services/bot-runner/bench/devnet-process.ts <name>...
import { startDevnet } from '@botsky/devnet';

const devnet = await startDevnet();
const accounts: { name: string; handle: string; did: string }[] = [];
for (const name of process.argv.slice(2)) {
  const a = await devnet.createAccount({ handle: name, password: `pw-${name}` });
  accounts.push({ name, handle: a.handle, did: a.did });
}
const stop = () => void devnet.stop().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
console.log(JSON.stringify({ devnet: { pdsUrl: devnet.pdsUrl, plcUrl: devnet.plcUrl, firehoseUrl: devnet.firehoseUrl }, accounts }));
