// The variables of every service that resolves identities (one line each): docs/configuration.md#identities.
import { duration, url, type ConfigOf } from '@botsky/kit';

export const identityConfigSpec = {
  // did:plc documents; an http:// directory is taken to be local (the devnet's), the only case where private addresses are fetched.
  plcUrl: url('BOTSKY_PLC_URL', { protocols: ['http', 'https'] }).default('https://plc.directory'),
  // Handles resolved by com.atproto.identity.resolveHandle on this service (a PDS or AppView) instead of DNS and https://<handle>/.well-known/atproto-did.
  handleResolverUrl: url('BOTSKY_HANDLE_RESOLVER_URL', { protocols: ['http', 'https'] }).optional(),
  identityTtlMs: duration('BOTSKY_IDENTITY_TTL', { min: 1000, max: 7 * 24 * 3_600_000 }).default(3_600_000),
  identityTimeoutMs: duration('BOTSKY_IDENTITY_TIMEOUT', { min: 100, max: 60_000 }).default(3000),
};

export type IdentityConfig = ConfigOf<typeof identityConfigSpec>;
