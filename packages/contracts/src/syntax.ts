// The one DID syntax every service checks against (config values, events, list items). Loose on
// purpose: a method, then the method's id characters; a stricter check where a DID is resolved
// belongs to the resolver (packages/identity, packages/firehose).

/** A DID's pattern, unanchored, to build larger patterns from (an at:// URI's authority). */
export const DID_SOURCE = 'did:[a-z]+:[A-Za-z0-9._:%-]+';

/** A whole string that is a DID. */
export const DID_PATTERN = new RegExp(`^${DID_SOURCE}$`);

export function isDid(s: string): boolean {
  return DID_PATTERN.test(s);
}
