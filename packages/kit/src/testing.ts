// `@botsky/kit/testing`: the one test harness every suite uses. Polling (@botsky/async's eventually),
// reading a metric (testing/metrics.ts), a service in this process that is always stopped
// (testing/in-process.ts), the test NATS and its namespaces (testing/namespace.ts), child
// processes (test-processes.ts), and the tests every service's main gets (service-main-suite.ts).
export { eventually, pending, type EventuallyOptions, type NotYet, type Pending } from '@botsky/async';
export * from './testing/metrics.ts';
export * from './testing/in-process.ts';
export * from './testing/namespace.ts';
export * from './testing/ports.ts';
export * from './test-processes.ts';
export { describeServiceMain, type BadConfigCase, type ServiceMainSuite } from './service-main-suite.ts';
