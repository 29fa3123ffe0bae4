// NATS subject wildcards, for the in-process adapter and topology checks: `*` matches one token,
// `>` matches one or more trailing tokens.

/** Whether a concrete subject matches a pattern that may hold wildcards. */
export function subjectMatches(pattern: string, subject: string): boolean {
  if (pattern === subject) return true;
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === '>') return s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return p.length === s.length;
}

/**
 * `subjectMatches(pattern, ·)` remembering its answers: a stream has a few dozen subjects, and
 * a cached answer saves splitting every message's subject (bounded, for a stream with many).
 */
export function cachedMatcher(pattern: string): (subject: string) => boolean {
  const cache = new Map<string, boolean>();
  return (subject) => {
    let hit = cache.get(subject);
    if (hit === undefined) {
      hit = subjectMatches(pattern, subject);
      if (cache.size < 1024) cache.set(subject, hit);
    }
    return hit;
  };
}

/** Whether every subject that `inner` matches is also matched by `outer`. */
export function patternWithin(inner: string, outer: string): boolean {
  const a = inner.split('.');
  const b = outer.split('.');
  for (let i = 0; i < b.length; i++) {
    const o = b[i];
    const t = a[i];
    if (t === undefined) return false;
    if (o === '>') return true;
    if (t === '>') return false;
    if (o !== '*' && (t === '*' || t !== o)) return false;
  }
  return a.length === b.length;
}

/** A concrete subject: non-empty tokens, no wildcards, no whitespace. */
export function isValidSubject(subject: string): boolean {
  if (subject.length === 0 || /\s/.test(subject)) return false;
  return subject.split('.').every((t) => t.length > 0 && t !== '*' && t !== '>');
}
