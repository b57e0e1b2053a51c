export { applicableScenarios, conformanceScenarios, seedUsers } from './conformance.js';
export type { ConformanceScenario } from './conformance.js';
export { describeConformance } from './describe-conformance.js';
export type { HarnessLifecycle } from './describe-conformance.js';
export type { ConformanceHarness, HarnessSettingsOptions, SeedUser } from './harness.js';
export { capturingLogger, expectConnectorError, runSync, testContext } from './run.js';
export type { CapturedLog, RunOptions, RunResult } from './run.js';
