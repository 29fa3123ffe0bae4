// What GET /api/thread answers (types only: the browser client imports this file too).
import type { LiveEvent } from './event-types.ts';

export type ThreadPost = LiveEvent & { depth: number };

export interface ThreadView {
  /** The post asked about. */
  focus: string;
  /** The thread from its oldest known post, each reply after its parent, with its depth. */
  posts: ThreadPost[];
}
