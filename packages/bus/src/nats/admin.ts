// Operator and test tooling: what a namespace's streams are set to on a NATS server, and removing
// everything a namespace created (its streams and KV buckets). Tests give each run a fresh
// namespace and delete it afterwards.
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

export async function deleteNamespace(servers: string | string[], namespace: string): Promise<string[]> {
  const nc = await connect({ servers });
  try {
    const jsm = await jetstreamManager(nc);
    const doomed: string[] = [];
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(`${namespace}_`) || name.startsWith(`KV_${namespace}_`)) doomed.push(name);
    }
    await Promise.all(doomed.map((name) => jsm.streams.delete(name)));
    return doomed;
  } finally {
    await nc.close();
  }
}

/** A stream's limits as the server holds them (ms and bytes; 0 or -1 for none). */
export interface ServerStreamLimits {
  name: string;
  maxAgeMs: number;
  maxBytes: number;
  maxMsgs: number;
}

/** The limits of a namespace's streams (not its KV buckets), by physical name. */
export async function namespaceStreamLimits(servers: string | string[], namespace: string): Promise<ServerStreamLimits[]> {
  const nc = await connect({ servers });
  try {
    const jsm = await jetstreamManager(nc);
    const out: ServerStreamLimits[] = [];
    for await (const si of jsm.streams.list()) {
      const c = si.config;
      if (!c.name.startsWith(`${namespace}_`)) continue;
      out.push({ name: c.name, maxAgeMs: c.max_age / 1_000_000, maxBytes: c.max_bytes, maxMsgs: c.max_msgs });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    await nc.close();
  }
}
