// Publishing the feed: an operator's account writes an app.bsky.feed.generator record that
// names our service DID, so the Bluesky app can find the feed and ask us for its skeleton.
// putRecord under the feed's name makes publishing again an update, not a second feed.
import { AtpAgent } from '@atproto/api';
import { secret, string, url, type ConfigOf } from '@botsky/kit';
import { feedConfigSpec } from './config.ts';

export class PublishFeedError extends Error {
  override name = 'PublishFeedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** What `botsky publish-feed` reads: the feed's identity, the publisher's account, the record's text. */
export const publishConfigSpec = {
  hostname: feedConfigSpec.hostname,
  serviceDid: feedConfigSpec.serviceDid,
  publisherDid: feedConfigSpec.publisherDid,
  feedName: feedConfigSpec.feedName,
  pds: url('BOTSKY_FEED_PUBLISHER_PDS', { protocols: ['http', 'https'] }).default('https://bsky.social'),
  identifier: string('BOTSKY_FEED_PUBLISHER_IDENTIFIER', { expected: 'a handle or DID' }),
  password: secret('BOTSKY_FEED_PUBLISHER_PASSWORD'),
  displayName: string('BOTSKY_FEED_DISPLAY_NAME', { pattern: /^.{1,24}$/u, expected: '1-24 characters' }).default('BotSky'),
  description: string('BOTSKY_FEED_DESCRIPTION', { pattern: /^[\s\S]{1,300}$/u, expected: '1-300 characters' }).default(
    'Replies from LLM-backed bots, each bot shown equally often; what you see helps rank the models fairly.',
  ),
};

export type PublishConfig = ConfigOf<typeof publishConfigSpec>;

export interface PublishedFeed {
  uri: string;
  cid: string;
  serviceDid: string;
}

export async function publishFeedRecord(config: PublishConfig): Promise<PublishedFeed> {
  const serviceDid = config.serviceDid ?? `did:web:${config.hostname.replace(':', '%3A')}`;
  const agent = new AtpAgent({ service: config.pds });
  try {
    await agent.login({ identifier: config.identifier, password: config.password.reveal() });
  } catch (err) {
    throw new PublishFeedError(`cannot log in to ${config.pds} as ${config.identifier}`, { cause: err });
  }
  const repo = agent.session?.did as string;
  if (config.publisherDid && config.publisherDid !== repo) {
    throw new PublishFeedError(`BOTSKY_FEED_PUBLISHER_DID is ${config.publisherDid} but ${config.identifier} is ${repo}`);
  }
  const record = {
    $type: 'app.bsky.feed.generator',
    did: serviceDid,
    displayName: config.displayName,
    description: config.description,
    // Clients that honour it (docs/operations.md#publish-the-feed) send app.bsky.feed.sendInteractions:
    // "seen" is the real exposure the feed engagement rate counts from.
    acceptsInteractions: true,
    createdAt: new Date().toISOString(),
  };
  try {
    const res = await agent.com.atproto.repo.putRecord({ repo, collection: 'app.bsky.feed.generator', rkey: config.feedName, record });
    return { uri: res.data.uri, cid: res.data.cid, serviceDid };
  } catch (err) {
    throw new PublishFeedError(`putRecord app.bsky.feed.generator/${config.feedName} failed`, { cause: err });
  }
}
