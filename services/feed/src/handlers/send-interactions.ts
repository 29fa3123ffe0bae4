// app.bsky.feed.sendInteractions: the client tells us what the viewer saw and did with our items
// ("seen" is the real exposure). Each interaction becomes a ClientInteraction event; the
// feedContext we attached joins it back to its impression. The viewer comes from the token, so
// this method always needs one.
import { InvalidRequestError, type Server } from '@atproto/xrpc-server';
import { ClientInteractionSchema, encode, InteractionEvent, nowUs, SUBJECTS } from '@botsky/contracts';
import type { OutgoingMessage } from '@botsky/bus';
import type { Viewer } from '../auth.ts';
import type { FeedState } from './feed-state.ts';

const NSID = 'app.bsky.feed.sendInteractions';
const MAX_INTERACTIONS = 1000;
const TOKEN_PREFIX = 'app.bsky.feed.defs#';

const EVENTS: Readonly<Record<string, InteractionEvent>> = {
  interactionSeen: InteractionEvent.SEEN,
  interactionLike: InteractionEvent.LIKE,
  interactionRepost: InteractionEvent.REPOST,
  interactionReply: InteractionEvent.REPLY,
  interactionQuote: InteractionEvent.QUOTE,
  interactionShare: InteractionEvent.SHARE,
  requestMore: InteractionEvent.REQUEST_MORE,
  requestLess: InteractionEvent.REQUEST_LESS,
  clickthroughItem: InteractionEvent.CLICKTHROUGH_ITEM,
  clickthroughAuthor: InteractionEvent.CLICKTHROUGH_AUTHOR,
  clickthroughReposter: InteractionEvent.CLICKTHROUGH_REPOSTER,
  clickthroughEmbed: InteractionEvent.CLICKTHROUGH_EMBED,
};

interface Interaction {
  item?: string;
  event?: string;
  feedContext?: string;
  reqId?: string;
}

export function eventOf(token: string): InteractionEvent {
  return token.startsWith(TOKEN_PREFIX)
    ? (EVENTS[token.slice(TOKEN_PREFIX.length)] ?? InteractionEvent.UNSPECIFIED)
    : InteractionEvent.UNSPECIFIED;
}

/** A bounded metric label: the known token's name, or "other" (clients may send anything). */
function eventLabel(token: string): string {
  const name = token.slice(TOKEN_PREFIX.length);
  return token.startsWith(TOKEN_PREFIX) && name in EVENTS ? name : 'other';
}

export function addSendInteractions(server: Server, state: FeedState): void {
  server.method(NSID, {
    auth: async ({ req }) => ({ credentials: await state.auth(req.headers.authorization, NSID, true) }),
    handler: async ({ input, auth }) => {
      const viewer = (auth as { credentials: Viewer }).credentials.did as string;
      const body = (input as { body: { feed?: string; interactions: Interaction[] } }).body;
      if (body.feed !== undefined && body.feed !== state.feedUri) throw new InvalidRequestError(`unknown feed ${body.feed}`, 'UnknownFeed');
      if (body.interactions.length > MAX_INTERACTIONS)
        throw new InvalidRequestError(`at most ${MAX_INTERACTIONS} interactions per request`);
      const messages = body.interactions.filter((i) => i.item).map((i) => toMessage(state, viewer, i));
      if (messages.length > 0) await state.bus.publishMany(messages);
      for (const i of body.interactions) if (i.item) state.metrics.interactions.inc({ event: eventLabel(i.event ?? '') });
      return { encoding: 'application/json', body: {} };
    },
  });
}

function toMessage(state: FeedState, viewer: string, i: Interaction): OutgoingMessage {
  const item = i.item as string;
  const token = i.event ?? '';
  const feedContext = i.feedContext ?? '';
  // The request id is the part of our feedContext before the slash, when the client did not echo reqId.
  const requestId = i.reqId ?? feedContext.split('/')[0] ?? '';
  const data = encode(ClientInteractionSchema, {
    viewerDid: viewer,
    itemUri: item,
    event: eventOf(token),
    eventToken: token,
    feedContext,
    requestId,
    botId: state.store.get(item)?.botId ?? '',
    receivedAtUs: nowUs(),
  });
  return { subject: SUBJECTS.feedInteraction, data, msgId: `int:${viewer}:${item}:${token}:${feedContext}` };
}
