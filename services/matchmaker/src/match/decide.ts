// Decides what happens to a post whose author may be answered: which bot (or two, a battle) and
// whom each pulls in. Bots the author blocks are never drawn; in a battle the two bots mention two
// different people, so each recommendation is judged on its own.
import { battleId, replyTaskIdForBot } from '@botsky/contracts';
import type { MatchmakerContext } from '../context.ts';
import { InterestProfile, type BattleSampling } from '../selection/index.ts';
import type { ConsentRecord } from '@botsky/contracts';
import { blockedBots } from '@botsky/contracts';
import type { DispatchPlan, SideDecision } from './dispatch.ts';
import { pickMention } from './mention.ts';
import type { MatchState } from './state.ts';

export interface PostFacts {
  uri: string;
  authorDid: string;
  text: string;
  decisionId: string;
  /** When the post was made (ms): who was online then is who can be introduced. */
  at: number;
}

/** The bots the author blocks and the ones an operator paused, as bot ids. */
function excludedBots(ctx: MatchmakerContext, consent: ConsentRecord | undefined): Set<string> {
  const out = new Set<string>(ctx.paused.list());
  for (const did of blockedBots(consent)) {
    const bot = ctx.roster.byDid(did);
    if (bot) out.add(bot.id);
  }
  return out;
}

/** The plan, or undefined when no bot may answer (none registered, or all blocked). */
export async function planDispatch(
  ctx: MatchmakerContext,
  st: MatchState,
  facts: PostFacts,
  consent: ConsentRecord | undefined,
  allowBattle = true,
): Promise<DispatchPlan | undefined> {
  st.picker.sync(ctx.roster.ids);
  const pick = st.picker.pick(excludedBots(ctx, consent), allowBattle);
  if (pick.bots.length === 0) return undefined;
  const post = InterestProfile.of(facts.text);
  const author = st.people.get(facts.authorDid)?.profile ?? post;
  const mentioned = new Set<string>();
  const sides: SideDecision[] = [];
  for (const botId of pick.bots) {
    const bot = ctx.roster.byId(botId);
    if (!bot) continue;
    const m = await pickMention(ctx, st, {
      botId,
      botDid: bot.did,
      authorDid: facts.authorDid,
      postText: facts.text,
      postAt: facts.at,
      post,
      author,
      exclude: mentioned,
    });
    if (m.chosen) mentioned.add(m.chosen.did);
    sides.push({
      botId,
      botDid: bot.did,
      taskId: replyTaskIdForBot(facts.uri, botId),
      mention: m.chosen,
      noMentionReason: m.chosen ? '' : m.reason,
      candidates: m.candidates,
    });
  }
  const battle = sides.length === 2;
  return {
    decisionId: facts.decisionId,
    battleId: battle ? battleId(facts.uri) : '',
    reason: battle ? battleReason(pick.sampling, pick.pairProbability) : 'least-assigned bot drawn at random',
    sides,
    pairProbability: battle ? pick.pairProbability : 0,
    sampling: battle ? pick.sampling : '',
  };
}

function battleReason(sampling: BattleSampling, p: number): string {
  const how =
    sampling === 'active'
      ? 'pair drawn among the balanced bots by how uncertain their order is'
      : 'two least-assigned bots drawn at random';
  return `battle (${sampling}): ${how}, pair probability ${p.toPrecision(3)}`;
}
