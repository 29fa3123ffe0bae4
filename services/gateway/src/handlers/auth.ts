// Who is calling: the operators' token (BOTSKY_GATEWAY_ADMIN_TOKEN, compared in constant time) or
// a builder's gateway key (its record names the builder). The admin and bot APIs take these.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { GatewayContext } from '../context.ts';
import type { KeyRecord } from '../keys.ts';

export type Caller = { kind: 'operator' } | { kind: 'builder'; key: string; record: KeyRecord };

export function bearer(req: FastifyRequest): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

/** Whether `given` is the operators' token (false when the gateway has none). */
export function isOperatorToken(ctx: GatewayContext, given: string | undefined): boolean {
  const token = ctx.config.adminToken?.reveal();
  if (!token || given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The operator, a builder by their key, or undefined for anyone else. */
export async function callerOf(ctx: GatewayContext, req: FastifyRequest): Promise<Caller | undefined> {
  const given = bearer(req);
  if (given === undefined) return undefined;
  if (isOperatorToken(ctx, given)) return { kind: 'operator' };
  const record = await ctx.keys.verify(given);
  return record ? { kind: 'builder', key: given, record } : undefined;
}
