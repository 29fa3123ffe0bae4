// The reference resolvers' default fetch refuses plain http and private addresses (SSRF
// protection). An http:// PLC is a local network's (the devnet, `botsky up`, the demo), where
// both are what the operator asks for; anywhere else the safe default stays.

/** The `fetch` option for @atproto/identity's resolvers, given the PLC the service is pointed at. */
export function resolverFetch(plcUrl: string): { fetch?: typeof globalThis.fetch } {
  return new URL(plcUrl).protocol === 'http:' ? { fetch: globalThis.fetch } : {};
}
