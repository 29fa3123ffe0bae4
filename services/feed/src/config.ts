// feed's variables: the ones every service reads, then its own (one line each).
import { commonConfigSpec, didField, duration, int, oneOf, string, url, type ConfigOf } from '@botsky/kit';

const HOSTNAME = /^[a-zA-Z0-9.-]+(:\d{1,5})?$/;

export const feedConfigSpec = {
  ...commonConfigSpec,
  port: int('BOTSKY_FEED_PORT', { min: 0, max: 65535 }).default(3000),
  host: string('BOTSKY_FEED_HOST').default('0.0.0.0'),
  hostname: string('BOTSKY_FEED_HOSTNAME', { pattern: HOSTNAME, expected: 'a host name (e.g. feed.example.com)' }).default('localhost'),
  serviceDid: didField('BOTSKY_FEED_SERVICE_DID').optional(),
  publisherDid: didField('BOTSKY_FEED_PUBLISHER_DID').optional(),
  feedName: string('BOTSKY_FEED_NAME', { pattern: /^[a-zA-Z0-9._~-]{1,512}$/, expected: 'a record key (A-Z, a-z, 0-9, . _ ~ -)' }).default(
    'botsky',
  ),
  auth: oneOf('BOTSKY_FEED_AUTH', ['optional', 'required'] as const).default('optional'),
  windowMs: duration('BOTSKY_FEED_WINDOW', { min: 1000 }).default(24 * 3_600_000),
  maxCandidates: int('BOTSKY_FEED_MAX_CANDIDATES', { min: 1, max: 1_000_000 }).default(50_000),
  impressionBuffer: int('BOTSKY_FEED_IMPRESSION_BUFFER', { min: 1, max: 10_000_000 }).default(100_000),
  plcUrl: url('BOTSKY_PLC_URL', { protocols: ['http', 'https'] }).default('https://plc.directory'),
};

export type FeedConfig = ConfigOf<typeof feedConfigSpec>;

/** The identities the feed's config implies: its service DID (did:web by default) and the feed's at:// URI. */
export function feedIdentity(config: FeedConfig): { serviceDid: string; feedUri: string } {
  const serviceDid = config.serviceDid ?? `did:web:${config.hostname.replace(':', '%3A')}`;
  const publisher = config.publisherDid ?? serviceDid;
  return { serviceDid, feedUri: `at://${publisher}/app.bsky.feed.generator/${config.feedName}` };
}
