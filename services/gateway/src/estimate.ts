// The most a chat request could cost, before it is sent: its prompt in tokens is at most its
// UTF-8 bytes (every token of a byte-level BPE tokenizer, OpenAI's and Anthropic's alike, covers
// at least one byte) plus a few per message for the roles and separators; its completion at most
// its max_tokens (which the gateway sets when the request does not, and never lets exceed
// BOTSKY_GATEWAY_MAX_TOKENS).

const PER_MESSAGE = 8;
const PER_REQUEST = 16;

export interface ChatMessageIn {
  role: string;
  content: unknown;
  name?: string;
}

/** Every text of a message's content (a string, or an array of parts with text). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((p) =>
        typeof p === 'object' && p !== null && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '',
      )
      .join('');
  return '';
}

export function promptTokensUpperBound(messages: readonly ChatMessageIn[]): number {
  let n = PER_REQUEST;
  for (const m of messages)
    n += PER_MESSAGE + Buffer.byteLength(m.role) + Buffer.byteLength(m.name ?? '') + Buffer.byteLength(contentText(m.content));
  return n;
}
