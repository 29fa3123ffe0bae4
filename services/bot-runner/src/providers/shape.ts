// Small readers for answers from the network. The SDKs type their results, but they only
// JSON.parse what the server sent: an OpenAI-compatible server (or a broken proxy) can send any
// shape, so each field is checked before use and a missing one is named in the error.

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A token count: a non-negative integer. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** The two token counts under `usage`, or a description of what is wrong with them. */
export function readUsage(body: JsonRecord, inKey: string, outKey: string): { tokensIn: number; tokensOut: number } | string {
  const usage = body.usage;
  if (!isRecord(usage)) return 'usage is missing';
  const tokensIn = usage[inKey];
  const tokensOut = usage[outKey];
  if (!isCount(tokensIn)) return `usage.${inKey} is not a token count`;
  if (!isCount(tokensOut)) return `usage.${outKey} is not a token count`;
  return { tokensIn, tokensOut };
}

/** A short, printable sample of a body for an error message. */
export function sample(value: unknown, max = 120): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
