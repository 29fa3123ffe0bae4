// Starts Debian's clickhouse-server (18.16) for the HTTP adapter's tests: its own config and data
// under a temp folder, free ports, 127.0.0.1 only. It can be SIGKILLed and started again on the
// same data and ports, like a server that crashed and came back.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ClickHouseServer {
  readonly url: string;
  readonly dir: string;
  readonly running: boolean;
  start(): Promise<void>;
  /** SIGKILL: no shutdown, like a crash. */
  kill(): Promise<void>;
  /** Stops (if running) and deletes the temp folder. */
  destroy(): Promise<void>;
}

export function serverBinary(): string | undefined {
  const candidates = [process.env.CLICKHOUSE_SERVER_BIN, '/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server'];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
}

export async function startClickHouseServer(): Promise<ClickHouseServer> {
  const bin = serverBinary();
  if (bin === undefined) throw new Error('clickhouse-server not found: apt-get install clickhouse-server, or set CLICKHOUSE_SERVER_BIN');
  const dir = await mkdtemp(join(tmpdir(), 'botsky-ch-'));
  const [httpPort, tcpPort] = [await freePort(), await freePort()];
  await writeConfig(dir, httpPort, tcpPort);
  const url = `http://127.0.0.1:${httpPort}`;
  let child: ChildProcess | undefined;

  const server: ClickHouseServer = {
    url,
    dir,
    get running() {
      return child !== undefined;
    },
    async start() {
      if (child !== undefined) return;
      const proc = spawn(bin, [`--config-file=${join(dir, 'config.xml')}`], { cwd: dir, stdio: 'ignore' });
      child = proc;
      proc.once('exit', () => {
        if (child === proc) child = undefined;
      });
      await waitReady(url, () => child === proc, dir);
    },
    async kill() {
      const proc = child;
      if (proc === undefined) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
      child = undefined;
    },
    async destroy() {
      await server.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

async function waitReady(url: string, alive: () => boolean, dir: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`clickhouse-server exited at start-up: ${await logTail(dir)}`);
    try {
      const res = await fetch(`${url}/ping`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`clickhouse-server did not answer on ${url} within 30 s: ${await logTail(dir)}`);
}

async function logTail(dir: string): Promise<string> {
  const text = await readFile(join(dir, 'log', 'err.log'), 'utf8').catch(() => '(no error log)');
  return text.slice(-2000);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function writeConfig(dir: string, httpPort: number, tcpPort: number): Promise<void> {
  for (const sub of ['data', 'tmp', 'log', 'user_files', 'format_schemas']) await mkdir(join(dir, sub), { recursive: true });
  await writeFile(
    join(dir, 'config.xml'),
    `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/err.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <mark_cache_size>67108864</mark_cache_size>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
</yandex>
`,
  );
  await writeFile(
    join(dir, 'users.xml'),
    `<?xml version="1.0"?>
<yandex>
  <profiles><default></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`,
  );
}
