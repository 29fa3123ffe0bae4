import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DevnetConfigError, DevnetStartError, startDevnet } from '../src/index.ts';
import { findFreePort, LOOPBACK } from '../src/local-server.ts';

const scratch = await mkdtemp(join(tmpdir(), 'devnet-lifecycle-'));
after(() => rm(scratch, { recursive: true, force: true }));

function portOf(url: string): number {
  return Number(new URL(url).port);
}

async function canBind(port: number): Promise<boolean> {
  const server = createServer();
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, LOOPBACK, () => resolve(true));
  });
  if (ok) await new Promise<void>((resolve) => server.close(() => resolve()));
  return ok;
}

test('start and stop: data dir removed, ports released, a second network starts', async () => {
  const first = await startDevnet();
  const ports = [portOf(first.pdsUrl), portOf(first.plcUrl)];
  assert.ok(existsSync(first.dataDir));
  assert.match(first.firehoseUrl, /^ws:\/\/localhost:\d+\/xrpc\/com\.atproto\.sync\.subscribeRepos$/);
  const health = await fetch(new URL('/xrpc/_health', first.pdsUrl));
  assert.equal(health.status, 200);
  await first.stop();
  await first.stop(); // idempotent
  assert.equal(existsSync(first.dataDir), false);
  for (const port of ports) assert.ok(await canBind(port), `port ${port} still taken`);

  await using second = await startDevnet();
  const account = await second.createAccount({ handle: 'again', password: 'pw' });
  assert.equal(account.handle, 'again.test');
});

test('stop does not wait for firehose subscribers', async () => {
  const net = await startDevnet();
  const socket = new WebSocket(`${net.firehoseUrl}?cursor=0`);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  const closed = new Promise((resolve) => (socket.onclose = resolve));
  const startedAt = performance.now();
  await net.stop();
  assert.ok(performance.now() - startedAt < 1_000, 'stop took too long');
  await closed;
});

test('binds only the loopback address', async () => {
  await using net = await startDevnet();
  const server = createServer();
  // The same port on all interfaces would conflict if the PDS had bound 0.0.0.0 / ::.
  const free = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(portOf(net.pdsUrl), '127.0.0.2', () => resolve(true));
  });
  if (free) await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(free, 'PDS is listening beyond 127.0.0.1');
});

test('a caller-given data dir is used, kept on request, and must be empty', async () => {
  const dataDir = join(scratch, 'kept');
  const net = await startDevnet({ dataDir, keepDataDir: true });
  assert.equal(net.dataDir, dataDir);
  await net.stop();
  assert.ok((await readdir(dataDir)).length > 0, 'kept data dir is empty');

  await assert.rejects(startDevnet({ dataDir }), DevnetConfigError);

  const removed = join(scratch, 'removed');
  const other = await startDevnet({ dataDir: removed });
  await other.stop();
  assert.equal(existsSync(removed), false);
});

test('fixed ports are honoured; a taken port fails the start and cleans up', async () => {
  const [pdsPort, plcPort] = [await findFreePort(), await findFreePort()];
  const net = await startDevnet({ pdsPort, plcPort });
  assert.equal(portOf(net.pdsUrl), pdsPort);
  assert.equal(portOf(net.plcUrl), plcPort);

  const dataDir = join(scratch, 'clash');
  const clash = startDevnet({ pdsPort, dataDir });
  await assert.rejects(clash, (err: unknown) => {
    assert.ok(err instanceof DevnetStartError);
    assert.equal((err.cause as { code?: string }).code, 'EADDRINUSE');
    return true;
  });
  assert.equal(existsSync(dataDir), false);
  await net.stop();
});
