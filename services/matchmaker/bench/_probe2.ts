import { AtpAgent } from '../../bot-runner/node_modules/@atproto/api/dist/index.js';
import { startDevnet } from '@botsky/devnet';
import { generatePopulation } from '@botsky/population';
import { Simulation } from '@botsky/population/driver';
const devnet = await startDevnet();
const project = await devnet.createAccount({ handle: 'botsky', password: 'x' });
const sim = new Simulation({ pdsUrl: devnet.pdsUrl, people: generatePopulation({ size: 5, seed: 1 }), seed: 1, projectDid: project.did, botQuality: new Map(), accounts: (r) => devnet.createAccount(r), onWritten: (rs) => console.log('written', JSON.stringify(rs).slice(0,300)) });
await sim.setup();
const agent = new AtpAgent({ service: devnet.pdsUrl });
for (const a of sim.accounts()) {
  const f = await agent.com.atproto.repo.listRecords({ repo: a.did, collection: 'app.bsky.graph.follow' });
  const p = await agent.com.atproto.repo.listRecords({ repo: a.did, collection: 'app.bsky.actor.profile' });
  console.log(a.handle, a.consent, f.data.records.length, p.data.records.length);
}
console.log(sim.stats);
await sim.close(); await devnet.stop();
