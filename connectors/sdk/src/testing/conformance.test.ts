import { describe, expect, it } from 'vitest';

import { conformanceScenarios } from './conformance.js';
import { describeConformance } from './describe-conformance.js';
import { memoryHarness, type Flaws } from './memory-directory.js';

describeConformance('in-memory reference connector', {
  setup: () => Promise.resolve(memoryHarness()),
  teardown: () => Promise.resolve(),
});

function scenario(fragment: string) {
  const found = conformanceScenarios.find((s) => s.name.includes(fragment));
  if (found === undefined) throw new Error(`no scenario with ${fragment}`);
  return found;
}

describe('the conformance suite catches a broken connector', () => {
  const cases: [string, Flaws, string, RegExp][] = [
    [
      'one that ends a run quietly when the upstream fails',
      { endsEarlyOnFailure: true },
      'upstream failing mid-run',
      /expected a ConnectorError/,
    ],
    [
      'one that starts over instead of resuming',
      { ignoresCursor: true },
      'resumed from the last applied cursor',
      /repeated applied records/,
    ],
    [
      'one that throws an untranslated auth error',
      { untranslatedAuthError: true },
      'rejected credentials',
      /expected a ConnectorError \(auth_failed\)/,
    ],
    [
      'one that forgets deactivations in incremental runs',
      { dropsDeactivations: true },
      'taken out of scope',
      /no delete for the deactivated user/,
    ],
  ];
  for (const [title, flaws, fragment, message] of cases) {
    it(`fails ${title}`, async () => {
      await expect(scenario(fragment).run(memoryHarness(flaws))).rejects.toThrow(message);
    });
  }
});
