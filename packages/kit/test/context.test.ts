import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryBus } from '@botsky/bus';
import { loadConfig } from '../src/config.ts';
import { commonConfigSpec } from '../src/common-config.ts';
import { createBusContext } from '../src/context.ts';

describe('createBusContext', () => {
  it('opens the bus the config names, checks it, and closes it with the context', async () => {
    const ctx = await createBusContext('x', loadConfig(commonConfigSpec, { BOTSKY_BUS: 'memory', BOTSKY_NAMESPACE: 'ctx' }));
    await ctx.bus.ensureTopology();
    await ctx.checks.bus!(AbortSignal.timeout(1000));
    await ctx.close();
    await assert.rejects(ctx.checks.bus!(AbortSignal.timeout(1000)), { name: 'BusClosedError' });
  });

  it('leaves a bus it was handed open: its owner closes it', async () => {
    const shared = createMemoryBus();
    const ctx = await createBusContext('x', loadConfig(commonConfigSpec, { BOTSKY_BUS: 'memory' }), { bus: shared });
    assert.equal(ctx.bus, shared);
    await ctx.close();
    await shared.ping();
    await shared.close();
  });
});
