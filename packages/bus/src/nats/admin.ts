// Operator and test tooling: removes everything a namespace created on a NATS server (its streams
// and KV buckets). Tests give each run a fresh namespace and delete it afterwards.
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
