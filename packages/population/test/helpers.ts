// Test helpers: reading what landed on the devnet PDS, and a bot that writes like BotSky's would.
import { RichText, type AtpAgent } from '@atproto/api';

export interface Listed {
  uri: string;
  cid: string;
  value: Record<string, unknown>;
}

export interface PostValue {
  text: string;
  reply?: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } };
}

export async function listAll(agent: AtpAgent, repo: string, collection: string): Promise<Listed[]> {
  const out: Listed[] = [];
  let cursor: string | undefined;
  do {
    const res = await agent.com.atproto.repo.listRecords({ repo, collection, limit: 100, cursor });
    out.push(...res.data.records.map((r) => ({ uri: r.uri, cid: r.cid, value: r.value as Record<string, unknown> })));
    cursor = res.data.cursor;
  } while (cursor);
  return out;
}

/** A reply by a bot, with the mention facets the PDS resolves (as a real client writes them). */
export async function botReply(bot: AtpAgent, parent: Listed, text: string): Promise<{ uri: string; cid: string }> {
  const rt = new RichText({ text });
  await rt.detectFacets(bot);
  const parentRef = { uri: parent.uri, cid: parent.cid };
  const root = (parent.value as unknown as PostValue).reply?.root ?? parentRef;
  return bot.post({ text: rt.text, facets: rt.facets, reply: { root, parent: parentRef } });
}
