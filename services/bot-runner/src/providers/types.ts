// What every provider receives and returns. The prompt builder turns a reply task into a
// `ReplyRequest`; a provider turns it into text (OpenAI, Anthropic, an external gRPC bot, or a
// built-in offline bot).

export interface PersonContext {
  /** Verified handle, or the DID when there is none. */
  handle: string;
  did: string;
  displayName?: string;
  description?: string;
  /** Newest first, read from where their repository lives (or an AppView). */
  recentPosts: string[];
  /** Heaviest interest terms, as the matchmaker saw them. */
  interests: string[];
  /** Whether they acted on the network lately (the author of the post always has). */
  activeRecently?: boolean;
  /** When they were last seen acting, ISO 8601, when known. */
  lastActiveAt?: string;
}

/** A post of the thread above the one answered, with who wrote it. */
export interface ThreadItem {
  authorDid: string;
  /** Verified handle, or '' when it does not verify. */
  authorHandle: string;
  text: string;
}

export interface ReplyRequest {
  taskId: string;
  botId: string;
  model: string;
  systemPrompt: string;
  post: { uri: string; text: string };
  /** From the top of the thread down to the post's parent. */
  thread: ThreadItem[];
  author: PersonContext;
  /** Who to pull in, why (in words), and how similar their interests are to the author's, in [0, 1]. */
  mention: (PersonContext & { reason: string; similarity?: number }) | undefined;
  maxGraphemes: number;
  allowLinks: boolean;
  temperature?: number;
  maxTokens?: number;
  /** Set on the one retry after a reply failed the output check: why it failed. */
  retryReason?: string;
  /** The bot account's handle, so a model (or an external bot) can recognise itself in the thread. */
  botHandle?: string;
  /** Languages the reply should be in (usually the post's); absent or empty means any. */
  langs?: string[];
}

export interface ReplyResult {
  text: string;
  model: string;
  tokensIn: number;
  tokensOut: number;
  /** What the call cost in USD when the provider itself says (an external gRPC bot may). */
  costUsd?: number;
}

export interface Provider {
  readonly name: string;
  generate(req: ReplyRequest, signal: AbortSignal): Promise<ReplyResult>;
  /** Releases what the provider holds open (a gRPC channel); absent when there is nothing. */
  close?(): void;
}
