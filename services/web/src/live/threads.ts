// Conversations as BotSky has seen them go by (the network's posts and the bots' replies from
// the live stream), for the thread view when no AppView is configured: each post by URI and the
// replies under it, bounded (the oldest posts are forgotten first).
import type { LiveEvent } from './event-types.ts';
import type { ThreadView } from './thread-view.ts';

export type { ThreadPost, ThreadView } from './thread-view.ts';

const MAX_POSTS = 50_000;
const MAX_THREAD = 500;

export class ThreadIndex {
  readonly #posts = new Map<string, LiveEvent>();
  readonly #children = new Map<string, string[]>();

  add(ev: LiveEvent): void {
    const known = this.#posts.get(ev.uri);
    // A bot's reply comes both as a network post and as an outcome: keep the outcome (it says more).
    if (known && (known.kind === 'reply' || ev.kind === 'post')) return;
    this.#posts.set(ev.uri, ev);
    if (!known && ev.parentUri) this.#children.set(ev.parentUri, [...(this.#children.get(ev.parentUri) ?? []), ev.uri]);
    if (this.#posts.size > MAX_POSTS) this.#forget(this.#posts.keys().next().value as string);
  }

  /** What the index holds of one post (a bot's reply with its disclosure), if it saw it. */
  get(uri: string): LiveEvent | undefined {
    return this.#posts.get(uri);
  }

  /** The thread around `uri`: up to the oldest known ancestor, then every known reply under it, in order. */
  thread(uri: string): ThreadView {
    let root = uri;
    for (let hops = 0; hops < 100; hops++) {
      const parent = this.#posts.get(root)?.parentUri;
      if (!parent || !this.#posts.has(parent)) break;
      root = parent;
    }
    const posts: ThreadView['posts'] = [];
    const walk = (at: string, depth: number) => {
      const ev = this.#posts.get(at);
      if (!ev || posts.length >= MAX_THREAD) return;
      posts.push({ ...ev, depth });
      for (const child of this.#children.get(at) ?? []) walk(child, depth + 1);
    };
    walk(root, 0);
    return { focus: uri, posts };
  }

  #forget(uri: string): void {
    const ev = this.#posts.get(uri);
    this.#posts.delete(uri);
    this.#children.delete(uri);
    if (ev?.parentUri) {
      const siblings = this.#children.get(ev.parentUri)?.filter((u) => u !== uri);
      if (siblings?.length) this.#children.set(ev.parentUri, siblings);
      else this.#children.delete(ev.parentUri);
    }
  }
}
