// What every provider receives and returns. The prompt builder turns a reply task into a
// `ReplyRequest`; a provider turns it into text (OpenAI, Anthropic, an external gRPC bot, or a
// built-in offline bot).

export interface PersonContext {
  handle: string;
  did: string;
  displayName?: string;
  description?: string;
  recentPosts: string[];
  /** Heaviest interest terms, as the matchmaker saw them. */
  interests: string[];
}

export interface ReplyRequest {
  taskId: string;
  botId: string;
  model: string;
  systemPrompt: string;
  post: { uri: string; text: string };
  thread: string[];
  author: PersonContext;
  mention: (PersonContext & { reason: string }) | undefined;
  maxGraphemes: number;
  allowLinks: boolean;
  temperature?: number;
  maxTokens?: number;
  /** Set on the one retry after a reply failed the output check: why it failed. */
  retryReason?: string;
}

export interface ReplyResult {
  text: string;
  model: string;
  tokensIn: number;
  tokensOut: number;
}

export interface Provider {
  readonly name: string;
  generate(req: ReplyRequest, signal: AbortSignal): Promise<ReplyResult>;
}
