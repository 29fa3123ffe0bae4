// What BotSky holds about a person, as the consent page shows it: matchmaker's recent decisions
// about their posts and, from the decisions that considered introducing them, the interest terms
// matchmaker's profile of them had. Read from botsky.tasks.decision (from BOTSKY_WEB_REPLAY ago),
// bounded per person and in people (the least recently touched person is forgotten first).
import type { DecisionView, HeldAboutYou } from './decisions-view.ts';

export type { DecisionView, HeldAboutYou } from './decisions-view.ts';

const RECENT = 20;
const DEFAULT_PEOPLE = 50_000;

interface Held {
  decisions: DecisionView[];
  interests: string[];
  considered: number;
  chosen: number;
}

export interface DecisionInput extends DecisionView {
  authorDid: string;
  decisionId: string;
  /** Everyone considered for the introduction, with their interest terms as matchmaker had them. */
  candidates: Array<{ did: string; interests: string[] }>;
  chosenDid: string | null;
}

export class PersonDecisions {
  readonly #people = new Map<string, Held>();
  /** Decision ids already taken in, oldest first (a Map keeps insertion order). */
  readonly #seen = new Map<string, true>();
  readonly #maxPeople: number;

  constructor(maxPeople = DEFAULT_PEOPLE) {
    this.#maxPeople = maxPeople;
  }

  /** One decision; a repeat (a replica re-publishing it, a replay) is counted once. */
  add(d: DecisionInput): void {
    if (this.#seen.has(d.decisionId)) return;
    this.#remember(d.decisionId);
    const author = this.#held(d.authorDid);
    const { authorDid: _a, decisionId: _d, candidates: _c, chosenDid: _ch, ...view } = d;
    author.decisions.unshift(view);
    author.decisions.sort((a, b) => b.decidedAt - a.decidedAt);
    if (author.decisions.length > RECENT) author.decisions.length = RECENT;
    for (const c of d.candidates) {
      const held = this.#held(c.did);
      held.considered++;
      if (c.did === d.chosenDid) held.chosen++;
      if (c.interests.length > 0) held.interests = c.interests;
    }
  }

  view(did: string): HeldAboutYou {
    const h = this.#people.get(did);
    if (!h) return { decisions: [], interests: [], considered: 0, chosen: 0 };
    return { decisions: [...h.decisions], interests: [...h.interests], considered: h.considered, chosen: h.chosen };
  }

  get people(): number {
    return this.#people.size;
  }

  #held(did: string): Held {
    let h = this.#people.get(did);
    if (h) this.#people.delete(did);
    else h = { decisions: [], interests: [], considered: 0, chosen: 0 };
    this.#people.set(did, h);
    if (this.#people.size > this.#maxPeople) this.#people.delete(this.#people.keys().next().value as string);
    return h;
  }

  #remember(id: string): void {
    this.#seen.set(id, true);
    if (this.#seen.size > this.#maxPeople * 4) this.#seen.delete(this.#seen.keys().next().value as string);
  }
}
