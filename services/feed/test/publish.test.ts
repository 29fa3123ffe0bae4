// Publishing the feed record on a real PDS (the devnet): the record names the service DID and
// accepts interactions, a second publish updates the same record, and a wrong password is a clear PublishFeedError.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@botsky/kit';
import { startDevnet, type Devnet, type DevnetAccount } from '@botsky/devnet';
import { publishConfigSpec, publishFeedRecord, PublishFeedError } from '../src/publish.ts';

describe('publish-feed', () => {
  let net: Devnet;
  let operator: DevnetAccount;
  before(async () => {
    net = await startDevnet();
    operator = await net.createAccount({ handle: 'feedop', password: 'op-pw' });
  });
  after(async () => {
    await net.stop();
  });

  const config = (extra: Record<string, string> = {}) =>
    loadConfig(publishConfigSpec, {
      BOTSKY_FEED_PUBLISHER_PDS: net.pdsUrl,
      BOTSKY_FEED_PUBLISHER_IDENTIFIER: operator.handle,
      BOTSKY_FEED_PUBLISHER_PASSWORD: 'op-pw',
      BOTSKY_FEED_HOSTNAME: 'feed.example.com',
      ...extra,
    });

  it('writes app.bsky.feed.generator/<name> naming the service DID, and updates it in place', async () => {
    const first = await publishFeedRecord(config());
    assert.equal(first.uri, `at://${operator.did}/app.bsky.feed.generator/botsky`);
    assert.equal(first.serviceDid, 'did:web:feed.example.com');
    const again = await publishFeedRecord(config({ BOTSKY_FEED_DISPLAY_NAME: 'BotSky 2' }));
    assert.equal(again.uri, first.uri);
    const rec = await operator.agent.com.atproto.repo.getRecord({
      repo: operator.did,
      collection: 'app.bsky.feed.generator',
      rkey: 'botsky',
    });
    const value = rec.data.value as Record<string, unknown>;
    assert.equal(value.did, 'did:web:feed.example.com');
    assert.equal(value.displayName, 'BotSky 2');
    assert.equal(value.acceptsInteractions, true, 'clients are asked to send interactions');
    const list = await operator.agent.com.atproto.repo.listRecords({ repo: operator.did, collection: 'app.bsky.feed.generator' });
    assert.equal(list.data.records.length, 1);
  });

  it('a wrong password or a mismatched publisher DID is a PublishFeedError naming the problem', async () => {
    await assert.rejects(
      publishFeedRecord(config({ BOTSKY_FEED_PUBLISHER_PASSWORD: 'nope' })),
      (err: unknown) => err instanceof PublishFeedError && /cannot log in/.test(err.message),
    );
    await assert.rejects(
      publishFeedRecord(config({ BOTSKY_FEED_PUBLISHER_DID: 'did:plc:someoneelse' })),
      /BOTSKY_FEED_PUBLISHER_DID is did:plc:someoneelse/,
    );
  });
});
