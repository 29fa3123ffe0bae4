// "stop" as a reply to a bot (or a post tagging one): a short message whose words, @mentions
// aside, include "stop" or "unsubscribe". Deliberately broad ("don't stop" counts too): a
// wrong opt-out costs little, a missed one is spam.
const STOP_WORDS = new Set(['stop', 'unsubscribe', 'optout']);

export function isStopRequest(text: string): boolean {
  const words =
    text
      .toLowerCase()
      .replace(/@[\w.:-]+/g, ' ')
      .replace(/opt[\s-]+out/g, 'optout')
      .match(/[\p{L}\p{N}']+/gu) ?? [];
  return words.length > 0 && words.length <= 4 && words.some((w) => STOP_WORDS.has(w));
}

/** The DID of an at:// URI's repository, or undefined. */
export function didOfUri(uri: string): string | undefined {
  const m = /^at:\/\/(did:[^/]+)\//.exec(uri);
  return m?.[1];
}
