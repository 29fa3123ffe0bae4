// @botsky/gateway/testing, for the gateway's tests and the CLI's that need a gateway: replicas
// of the gateway in this process on a test namespace of the real NATS, given their models; the
// operators' API; a key made through it.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteTestNamespace, eventually, natsUrl, pending, startInProcess, testNamespace, type TestHooks } from '@botsky/kit/testing';
import { gatewayConfigSpec } from './config.ts';
import { createContext } from './context.ts';
import { createGatewayService } from './service.ts';

export const ADMIN = 'operator-token-for-tests';

export interface KeyUsage {
  requestsThisMinute: number;
  tokensToday: number;
  spentUsd: number;
  heldUsd: number;
  heldTokens: number;
}

export interface TestGateway {
  urls: string[];
  /** The bus namespace the replicas share. */
  namespace: string;
  admin(method: string, path: string, body?: unknown, at?: string): Promise<Response>;
  makeKey(limits: Record<string, unknown>, builder?: string): Promise<{ key: string; id: string }>;
  /** A key's usage once every call answered has settled (no hold left: settling follows the answer). */
  settled(id: string): Promise<KeyUsage>;
}

export async function startGateway(
  t: TestHooks,
  o: {
    models: unknown[];
    secrets: Record<string, string>;
    replicas?: number;
    env?: Record<string, string>;
    logs?: Array<Record<string, unknown>>;
  },
): Promise<TestGateway> {
  const namespace = testNamespace('gateway');
  const dir = await mkdtemp(join(tmpdir(), 'botsky-gateway-'));
  t.after(async () => {
    await deleteTestNamespace(namespace);
    await rm(dir, { recursive: true, force: true });
  });
  const modelsFile = join(dir, 'models.json');
  await writeFile(modelsFile, JSON.stringify({ models: o.models }));
  const parts = { name: 'gateway', configSpec: gatewayConfigSpec, createContext, createService: createGatewayService };
  const env = {
    BOTSKY_BUS: natsUrl(),
    BOTSKY_NAMESPACE: namespace,
    BOTSKY_GATEWAY_PORT: '0',
    BOTSKY_GATEWAY_HOST: '127.0.0.1',
    BOTSKY_GATEWAY_MODELS_FILE: modelsFile,
    BOTSKY_GATEWAY_ADMIN_TOKEN: ADMIN,
    ...o.env,
  };
  const urls: string[] = [];
  for (let i = 0; i < (o.replicas ?? 1); i++) {
    const running = await startInProcess(t, parts, env, { env: o.secrets }, o.logs ? { log: 'info', logLines: o.logs } : {});
    urls.push(running.svc.url as string);
  }
  const admin = (method: string, path: string, body?: unknown, at = urls[0]) =>
    fetch(`${at}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const makeKey = async (limits: Record<string, unknown>, builder = 'ada') => {
    const res = await admin('POST', '/admin/keys', { builder, limits });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as { key: string; id: string };
  };
  const settled = (id: string) =>
    eventually(`key ${id} settled`, async () => {
      const body = (await (await admin('GET', '/admin/keys')).json()) as { keys: Array<{ id: string; usage: KeyUsage }> };
      const u = body.keys.find((k) => k.id === id)?.usage;
      return u && u.heldUsd === 0 && u.heldTokens === 0 ? u : pending(u);
    });
  return { urls, namespace, admin, makeKey, settled };
}
