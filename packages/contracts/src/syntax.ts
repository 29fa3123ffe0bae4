// The one DID syntax: the AT Protocol's (a method in lower case, then the method's id characters,
// not ending in ':' or '%', at most 2048 characters). Config values, the firehose decoder, list
// items and the chart's values schema all check against it; resolving a DID is the resolver's job
// (packages/identity).

/** A DID's pattern, unanchored, to build larger patterns from (an at:// URI's authority). */
export const DID_SOURCE = 'did:[a-z]+:[A-Za-z0-9._:%-]*[A-Za-z0-9._-]';

/** A whole string that is a DID (the length limit is isDid's). */
export const DID_PATTERN = new RegExp(`^${DID_SOURCE}$`);

export const MAX_DID_LENGTH = 2048;

export function isDid(s: string): boolean {
  return s.length <= MAX_DID_LENGTH && DID_PATTERN.test(s);
}
