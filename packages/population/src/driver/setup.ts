// Setting the population up on the PDS: accounts (the slow part, a password hash and a PLC
// operation each, so in parallel), then one applyWrites per person with the profile, the follow
// of the project account (the opt-in) and a few follows of like-minded people. Both steps skip
// what is already done, so a setup that failed half-way is finished by calling it again.
import { topicSimilarity } from '../people.ts';
import { mapBounded } from '@botsky/async';
import type { AccountFactory } from './accounts.ts';
import { SimulationError } from './errors.ts';
import { decisionRandom } from './seeds.ts';
import type { PersonState } from './state.ts';
import { applyPlanned, type PlannedWrite, type WriteResult } from './writes.ts';

export interface SetupContext {
  seed: number;
  projectDid: string;
  followsPerPerson: number;
  concurrency: number;
  accounts: AccountFactory;
  passwordOf: (s: PersonState) => string;
  onWritten?: (records: readonly WriteResult[]) => void;
}

/** Failures are returned, not thrown, so the others go on. */
export async function createAccounts(states: readonly PersonState[], ctx: SetupContext): Promise<SimulationError[]> {
  const failures: SimulationError[] = [];
  const missing = states.filter((s) => s.account === null);
  await mapBounded(missing, ctx.concurrency, async (s) => {
    try {
      s.account = await ctx.accounts({ handle: s.handle, password: ctx.passwordOf(s) });
    } catch (err) {
      failures.push(err instanceof SimulationError ? err : new SimulationError(`account ${s.handle} failed`, { cause: err }));
    }
  });
  return failures;
}

function chooseFollows(s: PersonState, states: readonly PersonState[], ctx: SetupContext): string[] {
  const rand = decisionRandom(ctx.seed, 'follows', s.person.index);
  const candidates = new Map<number, number>();
  for (let i = 0; i < Math.min(12, states.length * 2); i++) {
    const c = states[Math.floor(rand() * states.length)] as PersonState;
    if (c === s || !c.account) continue;
    candidates.set(c.person.index, topicSimilarity(c.person.interests, s.person.interests));
  }
  return [...candidates]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, ctx.followsPerPerson)
    .map(([i]) => (states[i] as PersonState).account?.did ?? '');
}

function socialWrites(s: PersonState, states: readonly PersonState[], ctx: SetupContext): PlannedWrite[] {
  const topics = [...s.person.interests.keys()].join(', ');
  const writes: PlannedWrite[] = [{ kind: 'profile', displayName: s.person.name, description: `Simulated person. Into ${topics}.` }];
  if (s.consent === 'in') writes.push({ kind: 'follow', subject: ctx.projectDid });
  for (const did of chooseFollows(s, states, ctx)) writes.push({ kind: 'follow', subject: did });
  return writes;
}

async function hasProfile(s: PersonState): Promise<boolean> {
  const account = s.account;
  if (!account) return false;
  try {
    await account.agent.com.atproto.repo.getRecord({ repo: account.did, collection: 'app.bsky.actor.profile', rkey: 'self' });
    return true;
  } catch {
    return false;
  }
}

/** Profiles and follows; a person whose profile is already there was set up by an earlier call. */
export async function socialSetup(
  states: readonly PersonState[],
  ctx: SetupContext,
): Promise<{ writes: number; failures: SimulationError[] }> {
  const failures: SimulationError[] = [];
  let writes = 0;
  const todo = states.filter((s) => s.account !== null && !s.socialDone);
  await mapBounded(todo, ctx.concurrency, async (s) => {
    const planned = socialWrites(s, states, ctx);
    try {
      const results = await applyPlanned(s.account!, planned, new Date());
      ctx.onWritten?.(results);
      writes += planned.length;
      s.socialDone = true;
    } catch (err) {
      // The profile goes in with the follows in one commit: if it is there, so are they.
      if (await hasProfile(s)) s.socialDone = true;
      else failures.push(err as SimulationError);
    }
  });
  return { writes, failures };
}
