// How each table leaves the warehouse in a research export (docs/research-data.md): one SELECT per
// file, run by ClickHouse itself, in which every person's DID becomes a keyed hash (SipHash-128
// under a key made for this export and never written), every record URI keeps its collection
// and its author (hashed, unless a bot) and hashes its record key, every id derived from a post
// (task, battle, impression, interaction ids, CIDs) is hashed, and post text is left out unless
// asked for and its author opted in. The bots' accounts are public and kept as they are, so the
// leaderboard names them. Equal values stay equal and different ones different, so everything
// the ranking compares survives; nothing in a file can be joined back to the network without the
// key. A deleted post, and the posts of an account that is gone, keep no text whatever was asked.

import { botDids } from '../queries/bot-dids.ts';
import { postStands } from '../queries/withdrawn.ts';
import { quoteString } from '../sql-literal.ts';

/** The per-export key: two 64-bit halves, inlined into the export's queries (never stored). */
export interface ExportKey {
  k0: bigint;
  k1: bigint;
}

export interface AnonymiseOptions {
  database: string;
  key: ExportKey;
  /** Include the text of opted-in people's posts (and of the bots'), handles in it replaced by `@person`. */
  withText: boolean;
  /** The project account whose followers are the opted-in people (BOTSKY_PROJECT_DID); required with withText. */
  projectDid?: string;
}

export class Anonymiser {
  readonly #o: AnonymiseOptions;
  readonly #key: string;

  constructor(o: AnonymiseOptions) {
    if (o.withText && !o.projectDid)
      throw new Error('an export with text needs the project account (BOTSKY_PROJECT_DID): its followers are the opted-in people');
    this.#o = o;
    this.#key = `(toUInt64(${o.key.k0}), toUInt64(${o.key.k1}))`;
  }

  #hash(expr: string): string {
    return `lower(hex(sipHash128Keyed(${this.#key}, ${expr})))`;
  }

  /** A DID: kept for a bot and for '', a keyed hash (`did:anon:...`) for anyone else. */
  did(col: string): string {
    return `if(${col} = '' OR ${col} IN ${botDids(this.#o.database)}, ${col}, concat('did:anon:', ${this.#hash(col)}))`;
  }

  /** An at:// URI: its author as did() maps it, its collection kept, its record key hashed. */
  uri(col: string): string {
    const parts = `splitByChar('/', ${col})`;
    return `if(${col} = '' OR NOT startsWith(${col}, 'at://'), ${col},
      concat('at://', ${this.did(`${parts}[3]`)}, '/', ${parts}[4], '/', ${this.#hash(col)}))`;
  }

  /** An id derived from a post (task, battle, impression, interaction, decision ids; a CID): hashed, its `xx_` prefix kept. */
  id(col: string): string {
    const prefix = `if(match(${col}, '^[a-z]{2,3}_'), splitByChar('_', ${col})[1] || '_', '')`;
    return `if(${col} = '', '', concat(${prefix}, ${this.#hash(col)}))`;
  }

  /** A DID given as a value (the project account in the method's settings), as did() maps it. */
  didLiteral(value: string): string {
    return this.did(quoteString(value));
  }

  /** An array of DIDs. */
  dids(col: string): string {
    return `arrayMap(x -> ${this.did('x')}, ${col})`;
  }

  /**
   * A post's text: with text asked for, an opted-in person's (or a bot's) unless deleted; else
   * only a bare "stop" (the opt-out the ranking counts as harm, not engagement), never words.
   */
  postText(text: string, authorDid: string, uri: string): string {
    const db = this.#o.database;
    const stop = `if(lowerUTF8(trimBoth(${text})) = 'stop', 'stop', '')`;
    if (!this.#o.withText) return stop;
    const optedIn = `(SELECT actor_did FROM ${db}.interactions WHERE kind = 'follow' AND subject_did = ${quoteString(this.#o.projectDid ?? '')}
      AND uri NOT IN (SELECT uri FROM ${db}.interactions WHERE kind = 'delete'))`;
    // Deleted or gone by now, even if after the export's end (its text is purged by now anyway).
    const shown = `(${authorDid} IN ${botDids(db)} OR ${authorDid} IN ${optedIn}) AND ${postStands(db, 'now64(3)', uri, authorDid)}`;
    // Handles written in the text (a bot's introduction names the person) become `@person`.
    const unnamed = `replaceRegexpAll(${text}, '@[A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9]', '@person')`;
    return `if(${shown}, ${unnamed}, ${stop})`;
  }
}
