import type { DirectoryBatch } from '@vc/conference-core';

/**
 * Connector batches the hub may apply together (decision 0028): consecutive batches without
 * deletions. A deletion and an upsert of the same record in two batches mean different things in
 * either order, and applying a joined batch takes upserts before deletions, so a batch with
 * deletions is applied alone, as read. Within upserts the order is kept, and the last record for
 * an external id still wins.
 */
export function joinable(batch: DirectoryBatch): boolean {
  return batch.deletes.length === 0;
}

/** One batch holding the records of `batches` in order, with the last one's cursor. */
export function joinBatches(batches: readonly DirectoryBatch[]): DirectoryBatch {
  const last = batches.at(-1);
  if (last === undefined) throw new RangeError('joinBatches needs at least one batch');
  return {
    users: batches.flatMap((batch) => batch.users),
    groups: batches.flatMap((batch) => batch.groups),
    deletes: batches.flatMap((batch) => batch.deletes),
    skipped: batches.flatMap((batch) => batch.skipped),
    cursor: last.cursor,
    pages: batches.reduce((sum, batch) => sum + (batch.pages ?? 1), 0),
  };
}
