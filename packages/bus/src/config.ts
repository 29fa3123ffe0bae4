// How a service says which bus it wants. `parseBusUrl` turns one config value (e.g. BUS_URL)
// into a config; the service's config module reads the variable, not this package.

import { BusConfigError } from './errors.ts';
import type { MemoryBusOptions } from './memory/bus.ts';
import type { NatsBusOptions } from './nats/bus.ts';

export type BusConfig = ({ kind: 'memory' } & MemoryBusOptions) | ({ kind: 'nats' } & NatsBusOptions);

/**
 * `memory` → the in-process bus; `nats://host:port[,nats://host2:port|,host2:port...]` → NATS.
 * Throws a BusConfigError naming what was expected.
 */
export function parseBusUrl(url: string, namespace?: string): BusConfig {
  const value = url.trim();
  const ns = namespace === undefined ? {} : { namespace };
  if (value === 'memory' || value === 'memory://') return { kind: 'memory', ...ns };
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0 || !parts[0]?.startsWith('nats://')) {
    throw new BusConfigError(`bus url "${url}": expected "memory" or "nats://host:port[,host:port...]"`);
  }
  const servers = parts.map((p) => (p.includes('://') ? p : `nats://${p}`));
  for (const s of servers) {
    let parsed: URL;
    try {
      parsed = new URL(s);
    } catch (err) {
      throw new BusConfigError(`bus url "${url}": "${s}" is not a URL`, { cause: err });
    }
    if (!['nats:', 'tls:'].includes(parsed.protocol) || parsed.hostname === '') {
      throw new BusConfigError(`bus url "${url}": "${s}" should look like nats://host:port`);
    }
  }
  return { kind: 'nats', servers, ...ns };
}
