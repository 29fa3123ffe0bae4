// `botsky publish-feed`: writes the feed's app.bsky.feed.generator record to the operator's
// account, pointing at the feed service's DID. Config from the environment (the password only
// from there, never a flag, so it stays out of shell history), flags win for the rest.
import { publishConfigSpec, publishFeedRecord, PublishFeedError } from '@botsky/feed';
import { loadConfigOrUsage, type Command, type FlagValues } from '../command.ts';

const FLAG_ENV: Readonly<Record<string, string>> = {
  pds: 'BOTSKY_FEED_PUBLISHER_PDS',
  identifier: 'BOTSKY_FEED_PUBLISHER_IDENTIFIER',
  name: 'BOTSKY_FEED_NAME',
  'service-did': 'BOTSKY_FEED_SERVICE_DID',
  'display-name': 'BOTSKY_FEED_DISPLAY_NAME',
  description: 'BOTSKY_FEED_DESCRIPTION',
};

function envWithFlags(env: Readonly<Record<string, string | undefined>>, flags: FlagValues): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  for (const [flag, variable] of Object.entries(FLAG_ENV)) {
    const v = flags[flag];
    if (typeof v === 'string') out[variable] = v;
  }
  return out;
}

export const publishFeed: Command = {
  name: 'publish-feed',
  summary: "publish (or update) the feed generator record on the operator's account",
  usage: '[--pds URL] [--identifier HANDLE] [--name RKEY] [--service-did DID] [--display-name TEXT] [--description TEXT]',
  details: [
    "--pds URL            the publisher's PDS (BOTSKY_FEED_PUBLISHER_PDS, default https://bsky.social)",
    "--identifier HANDLE  the publisher's handle or DID (BOTSKY_FEED_PUBLISHER_IDENTIFIER)",
    "--name RKEY          the feed record's name (BOTSKY_FEED_NAME, default botsky)",
    '--service-did DID    the feed service (BOTSKY_FEED_SERVICE_DID, default did:web:BOTSKY_FEED_HOSTNAME)',
    '--display-name TEXT  shown in the app (BOTSKY_FEED_DISPLAY_NAME, default BotSky)',
    '--description TEXT   shown in the app (BOTSKY_FEED_DESCRIPTION)',
    'The password (an app password) is read from BOTSKY_FEED_PUBLISHER_PASSWORD only.',
    "Prints the feed's at:// URI: give it to the feed service as its feed (BOTSKY_FEED_PUBLISHER_DID, BOTSKY_FEED_NAME).",
  ],
  options: {
    pds: { type: 'string' },
    identifier: { type: 'string' },
    name: { type: 'string' },
    'service-did': { type: 'string' },
    'display-name': { type: 'string' },
    description: { type: 'string' },
  },
  async run(flags, _positionals, io) {
    const config = loadConfigOrUsage(publishConfigSpec, envWithFlags(io.env, flags));
    try {
      const published = await publishFeedRecord(config);
      io.out(`published ${published.uri} (service ${published.serviceDid})`);
      return 0;
    } catch (err) {
      if (!(err instanceof PublishFeedError)) throw err;
      const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
      io.err(`publish-feed: ${err.message}${cause}`);
      return 1;
    }
  },
};
