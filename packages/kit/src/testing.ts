// `@botsky/kit/testing`: what the test suites share. Child processes, the test NATS and its
// namespaces (test-processes.ts), and the tests every service's main gets (service-main-suite.ts).
export * from './test-processes.ts';
export { describeServiceMain, type BadConfigCase, type ServiceMainSuite } from './service-main-suite.ts';
