import { afterAll, beforeAll, describe, it } from 'vitest';

import { applicableScenarios, conformanceScenarios } from './conformance.js';
import type { ConformanceHarness } from './harness.js';

export interface HarnessLifecycle {
  /** Starts the upstream (a slapd, a fake server) and returns the harness for it. */
  setup(): Promise<ConformanceHarness>;
  teardown(): Promise<void>;
}

/** Registers the conformance suite for one connector as vitest tests. */
export function describeConformance(title: string, lifecycle: HarnessLifecycle): void {
  describe(`${title} conformance`, () => {
    let harness: ConformanceHarness | undefined;
    beforeAll(async () => {
      harness = await lifecycle.setup();
    });
    afterAll(async () => {
      await lifecycle.teardown();
    });
    for (const scenario of conformanceScenarios) {
      it(scenario.name, async (context) => {
        if (harness === undefined) throw new Error('the harness did not start');
        if (!applicableScenarios(harness).includes(scenario)) {
          context.skip('the connector has no incremental sync');
          return;
        }
        await scenario.run(harness);
      });
    }
  });
}
