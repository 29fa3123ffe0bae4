// Deterministic ids. Delivery is at least once and matchmaker runs as several replicas, so ids
// are derived from what the event is about, never drawn at random: the same post always yields
// the same decision, battle and task ids, and consumers deduplicate on them.

import { createHash } from 'node:crypto';

/** Id of the reply task for `slot` (0, or 0 and 1 in a battle) of a post. */
export function replyTaskId(postUri: string, slot: number): string {
  if (!Number.isInteger(slot) || slot < 0) throw new RangeError(`slot must be a non-negative integer, got ${slot}`);
  return `rt_${digest('reply-task', postUri, String(slot))}`;
}

/**
 * Id of the reply task of `botId` for a post: the issue asks for one task per (post, bot), and
 * matchmaker stores its decision per post before publishing, so a replay re-publishes the same
 * bots and therefore the same ids.
 */
export function replyTaskIdForBot(postUri: string, botId: string): string {
  if (botId.length === 0) throw new RangeError('botId must not be empty');
  return `rt_${digest('reply-task-bot', postUri, botId)}`;
}

/** Id of matchmaker's decision about a post. */
export function matchDecisionId(postUri: string): string {
  return `md_${digest('match-decision', postUri)}`;
}

/** Id of the battle over a post (a post has at most one battle). */
export function battleId(postUri: string): string {
  return `bt_${digest('battle', postUri)}`;
}

// 128 bits of SHA-256: collisions are out of reach at any realistic volume, and ids stay short
// enough for NATS message ids and ClickHouse keys. Parts are joined with "\n", which URIs cannot
// contain, so different parts can never produce the same input.
function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}
