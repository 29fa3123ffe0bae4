// What the benchmarks that run a service as its own process need: a loopback port to give it
// (taken from the OS, then let go), and its CPU so far, from its own /metrics.
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** process_cpu_seconds_total of the process whose ops server is at `opsUrl`. */
export async function processCpuSeconds(opsUrl: string): Promise<number> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  return Number(/^process_cpu_seconds_total(?:\{[^}]*\})? ([0-9.e+-]+)$/m.exec(text)?.[1] ?? Number.NaN);
}
