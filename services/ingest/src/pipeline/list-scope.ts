// The community scope's rule for list blocks and list items. A list block names a list, and the
// list's members are the list owner's listitem records, so whether one of these events involves
// the community depends on events seen before it. What ingest can know cheaply is what it kept
// since it started, held here in bounded sets:
// - a list block is kept when its author is in the community, or when the list has an item
//   naming a bot or the project account (a stranger who list-blocks a bot is opted out like one
//   who blocks it);
// - a list item is kept when its author or its subject is in the community, or when its list is
//   one a list block kept here names (every member of a list a community member blocks);
// - a list block's deletion is always kept (it may lift a block; they are rare), a list item's
//   when its author is in the community or its creation was kept.
// After a restart the sets start empty. What is lost is bounded and errs towards blocking: the
// matchmaker reads a list's members from the owner's PDS when it sees the list block, so items
// from before are never missed; an item about a stranger added later (not kept) matters only if
// that stranger joins; the deletion of an item kept before the restart is dropped unless its
// author is in the community, leaving the member on the list in the matchmaker's view.
import type { NetworkEvent } from '@botsky/firehose';

const LISTBLOCK = 'app.bsky.graph.listblock';
const LISTITEM = 'app.bsky.graph.listitem';
/** Entries each set holds at most (oldest forgotten first). */
const MAX_ENTRIES = 100_000;

/** Whether the scope rule here decides the event (the others are the general rule's). */
export function isListEvent(e: NetworkEvent): boolean {
  return (
    e.kind === 'listblock' || e.kind === 'listitem' || (e.kind === 'delete' && (e.collection === LISTBLOCK || e.collection === LISTITEM))
  );
}

class BoundedSet {
  readonly #items = new Set<string>();

  add(v: string): void {
    this.#items.delete(v);
    this.#items.add(v);
    if (this.#items.size > MAX_ENTRIES) this.#items.delete(this.#items.values().next().value as string);
  }

  has(v: string): boolean {
    return this.#items.has(v);
  }
}

export class ListScope {
  /** Lists a kept list block names: every item of theirs is kept. */
  readonly #blocked = new BoundedSet();
  /** Lists with an item naming a bot or the project account. */
  readonly #guarding = new BoundedSet();
  /** Items kept, so that their deletion is kept too. */
  readonly #items = new BoundedSet();

  /** `inside`: in the community; `special`: a bot or the project account. */
  keeps(e: NetworkEvent, inside: (did: string) => boolean, special: (did: string) => boolean): boolean {
    switch (e.kind) {
      case 'listblock': {
        const keep = inside(e.did) || this.#guarding.has(e.list);
        if (keep) this.#blocked.add(e.list);
        return keep;
      }
      case 'listitem': {
        if (special(e.subject)) this.#guarding.add(e.list);
        const keep = inside(e.did) || inside(e.subject) || this.#blocked.has(e.list);
        if (keep) this.#items.add(e.uri);
        return keep;
      }
      case 'delete':
        return e.collection === LISTBLOCK || inside(e.did) || this.#items.has(e.uri);
      default:
        return false;
    }
  }
}
