import { describeConformance } from '@vc/connector-sdk/testing';

import { startSlapd, type Slapd } from './support/slapd.js';
import { ucsHarness } from './support/ucs-harness.js';

// The UCS connector against a real OpenLDAP loaded with UCS-like entries (an approximation of
// the UCS schema: UCS attribute names, locally defined object classes).
let slapd: Slapd | undefined;

describeConformance('UCS connector on slapd', {
  async setup() {
    slapd = await startSlapd();
    return ucsHarness(slapd);
  },
  async teardown() {
    await slapd?.dispose();
  },
});
