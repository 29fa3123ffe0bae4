// The one way to poll until something holds: every test uses it (through `@botsky/kit/testing`,
// or from here where a package sits below the kit, as the bus does).
import { inspect } from 'node:util';

export interface EventuallyOptions {
  /** How long to keep trying; 20 s unless told. */
  timeoutMs?: number;
  /** The pause between two checks; 25 ms unless told. */
  intervalMs?: number;
}

const PENDING = Symbol('pending');

/** "Not yet", with the state to report if time runs out: what a check returns instead of a falsy value. */
export interface Pending {
  readonly [PENDING]: true;
  readonly state: unknown;
}

export function pending(state: unknown): Pending {
  return { [PENDING]: true, state };
}

function isPending(value: unknown): value is Pending {
  return typeof value === 'object' && value !== null && PENDING in value;
}

export type NotYet = Pending | false | undefined | null | 0 | '';

function describe(last: { value: unknown } | { error: unknown } | undefined): string {
  if (last === undefined) return 'not checked';
  if ('error' in last) return `error: ${last.error instanceof Error ? last.error.message : String(last.error)}`;
  const value = isPending(last.value) ? last.value.state : last.value;
  const text = typeof value === 'string' ? value : inspect(value, { depth: 3, breakLength: Infinity });
  return text.length > 500 ? `${text.slice(0, 500)}...` : text;
}

/**
 * Calls `check` until it returns a truthy value that is not `pending(...)`, and returns that value.
 * A check that throws is tried again. Past `timeoutMs` it throws an error naming `what` and the
 * last state: the last `pending(state)`, falsy value or error the check gave.
 */
export async function eventually<T>(what: string, check: () => T | Promise<T>, opts: EventuallyOptions = {}): Promise<Exclude<T, NotYet>> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const intervalMs = opts.intervalMs ?? 25;
  const started = Date.now();
  let last: { value: unknown } | { error: unknown } | undefined;
  for (;;) {
    try {
      const value = await check();
      if (value && !isPending(value)) return value as Exclude<T, NotYet>;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() - started >= timeoutMs) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms (last: ${describe(last)})`);
}
