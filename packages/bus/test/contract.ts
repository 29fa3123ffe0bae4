// The one contract suite both adapters must pass. Each adapter's test file calls it.

import { describe } from 'node:test';
import { basicsSuite } from './contract/basics.ts';
import type { ContractAdapter } from './contract/env.ts';
import { failuresSuite } from './contract/failures.ts';
import { flowSuite } from './contract/flow.ts';
import { followSuite } from './contract/follow.ts';

export type { ContractAdapter } from './contract/env.ts';

// Tests run concurrently: each has its own namespace, and most of the time is spent waiting
// out ack waits and delays.
const concurrent = { concurrency: true };

export function contractSuite(adapter: ContractAdapter): void {
  describe(`bus contract (${adapter.name})`, concurrent, () => {
    describe('basics', concurrent, () => basicsSuite(adapter));
    describe('failures', concurrent, () => failuresSuite(adapter));
    describe('flow', concurrent, () => flowSuite(adapter));
    describe('follow', concurrent, () => followSuite(adapter));
  });
}
