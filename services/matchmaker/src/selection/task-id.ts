// Deterministic ids: the same post and bot always give the same task id, so two replicas or a
// replay never dispatch a task twice (the bus drops the duplicate by message id).
import { createHash } from 'node:crypto';

export function replyTaskId(postUri: string, botId: string): string {
  return createHash('sha256').update(`reply\n${postUri}\n${botId}`).digest('hex').slice(0, 32);
}

export function battleId(postUri: string, bots: readonly string[]): string {
  return createHash('sha256').update(`battle\n${postUri}\n${[...bots].sort().join('\n')}`).digest('hex').slice(0, 32);
}
