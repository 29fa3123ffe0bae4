// The gateway's HTTP API as `botsky keys` and `botsky bots` call it: --gateway URL (or
// BOTSKY_GATEWAY_URL), a bearer token, JSON both ways, and a refusal printed in one line.
import { type CliIo, type FlagValues, UsageError } from '../command.ts';

export const DEFAULT_GATEWAY = 'http://127.0.0.1:4000';

export type GatewayCall = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

/** The gateway's base URL from the flags or the environment, checked. */
export function gatewayBase(flags: FlagValues, io: CliIo, command: string): string {
  const base = (typeof flags.gateway === 'string' ? flags.gateway : (io.env.BOTSKY_GATEWAY_URL ?? DEFAULT_GATEWAY)).replace(/\/$/, '');
  try {
    const u = new URL(base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`${command}: --gateway must be an http(s) URL (got "${base}")`);
  }
  return base;
}

export function gatewayClient(base: string, token: string, command: string): GatewayCall {
  return async (method, path, body) => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new Error(`${command}: cannot reach the gateway at ${base}: ${(err as Error).message}`);
    }
    return { status: res.status, body: await res.json().catch(() => undefined) };
  };
}

/** Prints the gateway's refusal (its OpenAI-shaped error message); the exit code 1. */
export function refused(res: { status: number; body: unknown }, what: string, io: CliIo): number {
  const message = (res.body as { error?: { message?: string } } | undefined)?.error?.message ?? 'no reason given';
  io.err(`${what}: the gateway answered ${res.status}: ${message}`);
  return 1;
}
