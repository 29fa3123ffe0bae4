// What an upstream is to the chat handler: OpenAI's request in, OpenAI's answer (or chunks) and the usage out.

export interface ChatRequest {
  messages: Array<{ role: string; content: unknown; name?: string }>;
  max_tokens: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
}

export interface Upstream {
  complete(req: ChatRequest, signal: AbortSignal): Promise<{ body: Record<string, unknown>; usage: Usage | undefined }>;
  /** Chunks as OpenAI streams them; `usage` is set once the stream has ended, when the upstream reported it. */
  stream(req: ChatRequest, signal: AbortSignal): { chunks: AsyncIterable<Record<string, unknown>>; usage(): Usage | undefined };
}
