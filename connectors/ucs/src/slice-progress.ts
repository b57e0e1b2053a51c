import { fnvPair } from './fnv-pair.js';

/**
 * How far a run got into a slice whose entries stream in the server's order (decision 0028,
 * addendum): how many entries were handed out and an order-independent digest of their
 * entryUUIDs. A resumed run reads the slice again; if its first `count` entries have the same
 * digest, they are exactly the ones handed out (in whatever order the server sends them now) and
 * are skipped. Otherwise (an entry deleted meanwhile, another server, other slices) the slice is
 * handed out again from its start: re-reading is safe, skipping an entry is not.
 *
 * The digest is the sum, per 32-bit lane, of two FNV-1a hashes of each entryUUID: the same set
 * gives the same digest in any order, and no state grows with the slice.
 */
export class SliceProgress {
  count = 0;
  private laneA = 0;
  private laneB = 0;

  add(id: string): void {
    const [a, b] = fnvPair(id);
    this.laneA = (this.laneA + a) >>> 0;
    this.laneB = (this.laneB + b) >>> 0;
    this.count++;
  }

  get digest(): string {
    return this.laneA.toString(16).padStart(8, '0') + this.laneB.toString(16).padStart(8, '0');
  }
}
