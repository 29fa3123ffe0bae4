// The test NATS and the namespaces tests run in (`@botsky/kit/testing`).
import { deleteNamespace } from '@botsky/bus';

/** The NATS server the tests use: NATS_URL, or the local default. */
export function natsUrl(): string {
  return process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
}

/** A namespace no other test run uses, so runs sharing one NATS never see each other. */
export function testNamespace(prefix = 't'): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** Deletes every stream and KV bucket of a test namespace on the test NATS; returns their names. */
export async function deleteTestNamespace(namespace: string): Promise<string[]> {
  return deleteNamespace(natsUrl(), namespace);
}
