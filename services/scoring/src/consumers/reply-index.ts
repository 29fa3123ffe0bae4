// Which post URIs are bot replies, and whom each mentioned: a bounded map filled from BotOutcome
// events (and warmed from the warehouse at start), so the recorder can fill posts.parent_bot_id,
// posts.answers_mention and interactions.subject_bot_id, which the per-minute aggregates count.
// Best effort by design: an engagement seen before its bot's outcome is recorded with the columns
// empty. Scores never depend on them: they join the raw tables (see computeLeaderboard).

export interface BotReplyInfo {
  botId: string;
  mentionDid: string;
}

export class ReplyIndex {
  readonly #max: number;
  readonly #byUri = new Map<string, BotReplyInfo>();

  constructor(max = 200_000) {
    this.#max = max;
  }

  get size(): number {
    return this.#byUri.size;
  }

  add(uri: string, info: BotReplyInfo): void {
    if (uri === '') return;
    this.#byUri.delete(uri);
    this.#byUri.set(uri, info);
    // Oldest first out: Map keeps insertion order, and add() re-inserts what it refreshes.
    while (this.#byUri.size > this.#max) {
      const oldest = this.#byUri.keys().next().value as string;
      this.#byUri.delete(oldest);
    }
  }

  get(uri: string): BotReplyInfo | undefined {
    return uri === '' ? undefined : this.#byUri.get(uri);
  }
}
